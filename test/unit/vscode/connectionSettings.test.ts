import { homedir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { connectionProfiles, profileDescription } from '../../../src/vscode/connections/connectionProfiles.js';
import { ConnectionSettings } from '../../../src/vscode/connections/connectionSettings.js';
import { FakeHost } from './fakeHost.js';

const LOCAL_15002 = { kind: 'local', name: 'Local Spark', port: 15002 } as const;
const TOKEN_PROBLEM = (name: string) =>
  `Connection '${name}' has a token in its URL; it was ignored. Use "Spark: Set Token…" instead.`;

describe('the sparkWorkbench.connections setting', () => {
  it('gives Local Spark first, then each named sc:// connection in order, names and URLs trimmed', () => {
    const { profiles, problems } = connectionProfiles(
      [
        { name: 'Prod', url: 'sc://spark.example.com:15002/;use_ssl=true' },
        { name: '  Staging ', url: ' sc://staging.example.com ' },
      ],
      15002,
    );
    assert.deepEqual(profiles, [
      LOCAL_15002,
      { kind: 'remote', name: 'Prod', url: 'sc://spark.example.com:15002/;use_ssl=true' },
      { kind: 'remote', name: 'Staging', url: 'sc://staging.example.com' },
    ]);
    assert.deepEqual(problems, []);
  });

  it('gives the local profile the configured port', () => {
    assert.deepEqual(connectionProfiles([], 16000).profiles, [{ kind: 'local', name: 'Local Spark', port: 16000 }]);
  });

  it('needs a name and a url in every entry', () => {
    const { profiles, problems } = connectionProfiles(
      [{ name: 'No URL' }, { url: 'sc://h' }, { name: ' ', url: 'sc://h' }, { name: 3, url: 'sc://h' }, null, 'sc://h'],
      15002,
    );
    assert.deepEqual(profiles, [LOCAL_15002]);
    assert.equal(problems.length, 6);
    for (const problem of problems)
      assert.equal(problem, 'A connection in sparkWorkbench.connections needs both a name and a url.');
  });

  it('rejects a URL with a token, and the message does not repeat the token', () => {
    const secret = 's3cr3t-Abc123';
    const urls = [
      `sc://spark.example.com:15002/;token=${secret}`,
      `sc://spark.example.com/;use_ssl=true;token=${secret}`,
      `sc://spark.example.com/;TOKEN=${secret}`,
      `sc://spark.example.com/;token=${secret.slice(0, 4)};${secret.slice(4)}`,
      `sc://spark.example.com:99999/;token=${secret}`,
      `http://spark.example.com/;token=${secret}`,
    ];
    for (const url of urls) {
      const { profiles, problems } = connectionProfiles([{ name: 'Prod', url }], 15002);
      assert.deepEqual(profiles, [LOCAL_15002], url);
      assert.deepEqual(problems, [TOKEN_PROBLEM('Prod')], url);
    }
  });

  it('rejects a URL with a user name or password, without repeating them', () => {
    for (const url of [
      'sc://admin:hunter2@spark.example.com:15002',
      'SC://admin:hunter2@spark.example.com',
      'sc://hunter2@host',
    ]) {
      const { profiles, problems } = connectionProfiles([{ name: 'Prod', url }], 15002);
      assert.deepEqual(profiles, [LOCAL_15002], url);
      assert.equal(problems.length, 1);
      assert.ok(!problems[0]!.includes('hunter2'), problems[0]);
      assert.match(problems[0]!, /^Connection 'Prod' has a user name or password in its URL; it was ignored/);
    }
  });

  it('keeps a user_id parameter holding an @', () => {
    const url = 'sc://spark.example.com/;user_id=ana@example.com';
    assert.deepEqual(connectionProfiles([{ name: 'Prod', url }], 15002).profiles.at(-1), { kind: 'remote', name: 'Prod', url });
  });

  it('reports a malformed URL with the parser’s reason, naming the connection', () => {
    const { profiles, problems } = connectionProfiles(
      [
        { name: 'Web', url: 'https://spark.example.com' },
        { name: 'Port', url: 'sc://spark.example.com:0' },
        { name: 'Path', url: 'sc://spark.example.com/db' },
      ],
      15002,
    );
    assert.deepEqual(profiles, [LOCAL_15002]);
    assert.deepEqual(problems, [
      "Connection 'Web': A Spark Connect URL starts with 'sc://' (got 'https://spark.example.com').",
      "Connection 'Port': '0' is not a valid port (1-65535).",
      "Connection 'Path': A Spark Connect URL has no path: parameters follow '/;' (found '/db').",
    ]);
  });

  it('keeps the first of two connections with one name, Local Spark included', () => {
    const { profiles, problems } = connectionProfiles(
      [
        { name: 'Prod', url: 'sc://a.example.com' },
        { name: 'Prod', url: 'sc://b.example.com' },
        { name: 'Local Spark', url: 'sc://c.example.com' },
      ],
      15002,
    );
    assert.deepEqual(profiles, [LOCAL_15002, { kind: 'remote', name: 'Prod', url: 'sc://a.example.com' }]);
    assert.deepEqual(problems, [
      "Connection name 'Prod' is used twice; the first one is kept.",
      "Connection name 'Local Spark' is used twice; the first one is kept.",
    ]);
  });

  it('ignores a setting that is not a list, and says so', () => {
    assert.deepEqual(connectionProfiles({ name: 'Prod', url: 'sc://a' }, 15002), {
      profiles: [LOCAL_15002],
      problems: ['sparkWorkbench.connections must be a list; it was ignored.'],
    });
    assert.deepEqual(connectionProfiles(undefined, 15002), { profiles: [LOCAL_15002], problems: [] });
  });

  it('describes a profile by where it connects', () => {
    assert.equal(profileDescription(LOCAL_15002), 'managed server on 127.0.0.1:15002');
    assert.equal(profileDescription({ kind: 'remote', name: 'Prod', url: 'sc://a.example.com' }), 'sc://a.example.com');
  });
});

describe('connection settings and workspace trust', () => {
  function host(): FakeHost {
    const fake = new FakeHost();
    fake.set('sparkWorkbench.connections', [{ name: 'Mine', url: 'sc://mine.example.com' }], 'globalValue');
    fake.set('sparkWorkbench.connections', [{ name: 'Theirs', url: 'sc://attacker.example.com' }], 'workspaceValue');
    fake.set('sparkWorkbench.localSpark.port', 16000, 'globalValue');
    fake.set('sparkWorkbench.localSpark.port', 2222, 'workspaceValue');
    fake.set('sparkWorkbench.defaultConnection', 'Mine', 'globalValue');
    fake.set('sparkWorkbench.defaultConnection', 'Theirs', 'workspaceValue');
    return fake;
  }

  it('a trusted workspace uses its own settings', () => {
    const settings = new ConnectionSettings(host());
    assert.equal(settings.localPort(), 2222);
    assert.deepEqual(
      settings.profiles().profiles.map((p) => p.name),
      ['Local Spark', 'Theirs'],
    );
    assert.equal(settings.defaultProfile().name, 'Theirs');
  });

  it('an untrusted workspace cannot point at a host, change the local port or pick the default', () => {
    const fake = host();
    fake.trusted = false;
    const settings = new ConnectionSettings(fake);
    assert.equal(settings.localPort(), 16000);
    assert.deepEqual(settings.profiles().profiles, [
      { kind: 'local', name: 'Local Spark', port: 16000 },
      { kind: 'remote', name: 'Mine', url: 'sc://mine.example.com' },
    ]);
    assert.equal(settings.defaultProfile().name, 'Mine');
  });

  it("offers spark-workbench.yml's environments as connections; the default one is used until defaultConnection names another", async () => {
    const { readWorkbenchFile } = await import('../../../src/core/databases/databaseSources.js');
    const { environments } = readWorkbenchFile(
      'environments:\n  dev:\n    default: true\n    schema: shop_dev\n  prod:\n    production: true\n    remote: sc://spark.example.com:443/;use_ssl=true\n    schema: shop\n  Mine:\n    schema: clash\n',
    );
    const fake = new FakeHost();
    fake.set('sparkWorkbench.connections', [{ name: 'Mine', url: 'sc://mine.example.com' }], 'globalValue');
    let loaded: typeof environments = [];
    const settings = new ConnectionSettings(
      fake,
      () => loaded,
      async () => (loaded = environments),
    );
    assert.deepEqual(
      settings.profiles().profiles.map((p) => p.name),
      ['Local Spark', 'Mine'],
      'none before they are loaded',
    );
    const { profiles, problems } = await settings.loadProfiles();
    assert.deepEqual(
      profiles.map((p) => [p.name, p.kind, p.environment?.name]),
      [
        ['Local Spark', 'local', undefined],
        ['Mine', 'remote', undefined],
        ['dev', 'local', 'dev'],
        ['prod', 'remote', 'prod'],
      ],
    );
    assert.deepEqual(problems, ["The environment 'Mine' has the name of a connection in the settings; the connection is kept."]);
    assert.equal(profileDescription(profiles[3]!), 'production environment → shop · sc://spark.example.com:443/;use_ssl=true');
    assert.equal(profileDescription(profiles[2]!), 'environment → shop_dev · managed server on 127.0.0.1:15002');
    assert.equal((await settings.loadDefaultProfile()).name, 'dev');
    fake.set('sparkWorkbench.defaultConnection', 'Mine', 'globalValue');
    assert.equal(settings.defaultProfile().name, 'Mine');
  });

  it('reads the local runtime paths; an untrusted workspace cannot choose them', () => {
    const fake = host();
    fake.set('sparkWorkbench.localSpark.javaHome', '  /opt/jdk-21  ', 'globalValue');
    fake.set('sparkWorkbench.localSpark.javaHome', '/tmp/evil-jdk', 'workspaceValue');
    fake.set('sparkWorkbench.localSpark.pythonPath', '~/py/bin/python3', 'globalValue');
    fake.set('sparkWorkbench.localSpark.pythonPath', './evil.sh', 'workspaceValue');
    fake.set('sparkWorkbench.python.interpreter', '/usr/bin/python3', 'globalValue');
    fake.set('sparkWorkbench.python.interpreter', './evil-python', 'workspaceValue');
    assert.deepEqual(new ConnectionSettings(fake).localRuntime(), {
      javaHome: '/tmp/evil-jdk',
      pythonPath: './evil.sh',
      helperPython: './evil-python',
    });
    fake.trusted = false;
    assert.deepEqual(new ConnectionSettings(fake).localRuntime(), {
      javaHome: '/opt/jdk-21',
      pythonPath: join(homedir(), 'py/bin/python3'),
      helperPython: '/usr/bin/python3',
    });
  });

  it('empty or non-text runtime paths mean "find them on this machine"', () => {
    const fake = new FakeHost();
    fake.set('sparkWorkbench.localSpark.javaHome', '   ');
    fake.set('sparkWorkbench.localSpark.pythonPath', 3);
    const nothing = { javaHome: undefined, pythonPath: undefined, helperPython: undefined };
    assert.deepEqual(new ConnectionSettings(fake).localRuntime(), nothing);
    assert.deepEqual(new ConnectionSettings(new FakeHost()).localRuntime(), nothing);
  });

  it('falls back to the defaults: Local Spark on 15002', () => {
    const settings = new ConnectionSettings(new FakeHost());
    assert.equal(settings.localPort(), 15002);
    assert.deepEqual(settings.defaultProfile(), LOCAL_15002);
  });

  it('a default naming no configured connection falls back to Local Spark', () => {
    const fake = new FakeHost();
    fake.set('sparkWorkbench.defaultConnection', 'Gone');
    assert.deepEqual(new ConnectionSettings(fake).defaultProfile(), LOCAL_15002);
  });
});
