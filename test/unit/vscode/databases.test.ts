import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../../src/vscode/commandIds.js';
import { DatabasePasswordStore } from '../../../src/vscode/databases/databasePasswords.js';
import { registerDatabases } from '../../../src/vscode/databases/registerDatabases.js';
import { WorkspaceDatabases } from '../../../src/vscode/databases/workspaceDatabases.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import { FeatureFailures } from '../../../src/vscode/runs/featureFailures.js';
import type { WorkbenchContext } from '../../../src/vscode/workbenchContext.js';
import { FakeHost } from './fakeHost.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('databases in the editor', () => {
  let folder: string;
  let host: FakeHost;
  let secrets: Map<string, string>;
  let databases: WorkspaceDatabases;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'sw-databases-'));
    writeFileSync(
      join(folder, 'spark-workbench.yml'),
      'databases:\n  crm:\n    url: jdbc:postgresql://127.0.0.1:5432/crm\n    user: reader\n',
    );
    host = new FakeHost();
    host.folders = [folder];
    secrets = new Map();
    databases = new WorkspaceDatabases(host);
    const passwords = new DatabasePasswordStore({
      get: async (key) => secrets.get(key),
      store: async (key, value) => void secrets.set(key, value),
      delete: async (key) => void secrets.delete(key),
    });
    const log = new OutputLog(host.createLogChannel('test'));
    const ctx = {
      host,
      log,
      failures: new FeatureFailures(host, log),
      connections: { connectedClient: undefined },
      own: <T>(resource: T) => resource,
    } as unknown as WorkbenchContext;
    registerDatabases(ctx, databases, passwords);
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('Set Database Password… keeps the password in SecretStorage, asked for in a password box', async () => {
    host.answerInputBox = () => 's3cret';
    await host.commands.get(COMMANDS.databases.setPassword)!();
    assert.equal(host.inputBoxes[0]?.password, true);
    assert.deepEqual([...secrets], [['sparkWorkbench.databasePassword.crm', 's3cret']]);
    host.answerInputBox = () => '';
    await (host.commands.get(COMMANDS.databases.setPassword) as (name: string) => Promise<void>)('crm');
    assert.deepEqual([...secrets], []);
  });

  it('the local server gets the drivers the workspace declares; an untrusted workspace declares none', async () => {
    assert.deepEqual(await databases.drivers(), { packages: ['org.postgresql:postgresql:42.7.14'], jars: [] });
    host.trusted = false;
    assert.deepEqual(await databases.sources(), []);
  });

  it('puts a mistake in spark-workbench.yml at its range as it is typed', async () => {
    const text = 'databases:\n  crm:\n    url: jdbc:postgresql://127.0.0.1/crm\n    password: hunter2\n';
    host.openEditor(`file://${join(folder, 'spark-workbench.yml')}`, text, 0, undefined, 'yaml');
    await sleep(300);
    const shown = [...(host.diagnostics.get('Spark Workbench file')?.values() ?? [])].flat();
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.message, /^A password never goes in a file/);
    assert.deepEqual([shown[0]!.range.startLine, shown[0]!.range.startCharacter], [3, 4]);
  });
});
