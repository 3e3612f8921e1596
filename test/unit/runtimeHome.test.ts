import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSparkServer } from '../../src/core/localSpark/localSparkServer.js';
import { defaultRuntimeHome, serversDir } from '../../src/core/localSpark/runtimeHome.js';

describe('the runtime home shared by the CLI and the editor', () => {
  it("is the platform's folder for application data, or SPARK_WORKBENCH_HOME", () => {
    assert.equal(defaultRuntimeHome({}, 'linux', '/home/ana'), '/home/ana/.local/share/spark-workbench');
    assert.equal(defaultRuntimeHome({ XDG_DATA_HOME: '/data/ana' }, 'linux', '/home/ana'), '/data/ana/spark-workbench');
    assert.equal(defaultRuntimeHome({}, 'darwin', '/Users/ana'), '/Users/ana/Library/Application Support/spark-workbench');
    assert.equal(
      defaultRuntimeHome({ LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'win32', 'C:\\Users\\ana'),
      'C:\\Users\\ana\\AppData\\Local\\spark-workbench',
    );
    assert.equal(defaultRuntimeHome({ SPARK_WORKBENCH_HOME: '/opt/sw' }, 'linux', '/home/ana'), '/opt/sw');
    assert.equal(
      defaultRuntimeHome({ SPARK_WORKBENCH_HOME: '' }, 'linux', '/home/ana'),
      '/home/ana/.local/share/spark-workbench',
    );
    assert.equal(serversDir('/opt/sw'), join('/opt/sw', 'servers'));
  });

  it("cleans up what gone servers left: state and old pid/stop files at once, logs and warehouses after a day; a live server's files stay", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-servers-'));
    const gone = spawnSync('true').pid; // a process that has ended
    const write = (name: string, ageMs: number, text = '') => {
      const path = join(dir, name);
      writeFileSync(path, text);
      const at = (Date.now() - ageMs) / 1000;
      utimesSync(path, at, at);
    };
    write('server-1001.json', 0, JSON.stringify({ pid: gone, port: 1001, startedAt: new Date().toISOString() }));
    write('server-1001.pid', 120_000, String(gone));
    write('server-1001.stopping', 120_000);
    write('server-1001.log', 60_000, 'crashed: the log explains it');
    write('server-1001.exit', 60_000, '137');
    write('server-1002.log', 3 * 24 * 3600_000);
    write('server-1002.exit', 3 * 24 * 3600_000, '0');
    mkdirSync(join(dir, 'warehouse-1002'));
    const old = (Date.now() - 3 * 24 * 3600_000) / 1000;
    utimesSync(join(dir, 'warehouse-1002'), old, old);
    write('server-1003.pid', 1_000, '123'); // a start in progress: its state file comes next
    write(
      'server-1004.json',
      3 * 24 * 3600_000,
      JSON.stringify({ pid: process.pid, port: 1004, startedAt: new Date().toISOString() }),
    );
    write('server-1004.log', 3 * 24 * 3600_000);
    write('notes.txt', 3 * 24 * 3600_000);
    new LocalSparkServer(dir).removeGoneServerFiles();
    assert.deepEqual(readdirSync(dir).sort(), [
      'notes.txt',
      'server-1001.exit',
      'server-1001.log',
      'server-1003.pid',
      'server-1004.json',
      'server-1004.log',
    ]);
  });
});
