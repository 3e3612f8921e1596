import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, runtimeDir } from '../support/sparkTestServer.js';

/**
 * Every benchmark script runs to its end on a tiny size, so none can rot unseen: this checks that a
 * bench works (its peer runs, its figures are printed and its own checks pass), never its timing.
 */
const TINY: NodeJS.ProcessEnv = {
  BENCH_ROWS: '2000',
  BENCH_ROUNDS: '1',
  BENCH_TRIPS: '3',
  BENCH_GRID_ROWS: '20000',
  BENCH_PEER_ROWS: '5000',
  BENCH_GRID_SECONDS: '0.5',
  BENCH_GRID_ROUNDS: '1',
};

const scripts = Object.keys(
  (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
).filter((name) => name === 'bench' || name.startsWith('bench:'));

function npmRun(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Not the test run's server: each bench starts and stops its own, as when a person runs it.
    const env: NodeJS.ProcessEnv = { ...process.env, ...TINY, SPARK_WORKBENCH_HOME: runtimeDir() };
    for (const key of ['SPARK_TEST_REMOTE', 'SPARK_TEST_TOKEN', 'SPARK_TEST_PORT', 'SPARK_TEST_PID', 'MOCHA_COUNTS_FILE'])
      delete env[key];
    const child = spawn('npm', ['run', '--silent', script], { cwd: projectRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('every benchmark runs on a tiny size', function () {
  this.timeout(15 * 60_000);

  it('the package has its benchmarks', () => assert.ok(scripts.length >= 8, scripts.join(', ')));

  for (const script of scripts)
    it(`npm run ${script}`, async () => {
      const { code, output } = await npmRun(script);
      assert.equal(code, 0, output.slice(-4000));
      assert.match(output, /ratio/i, `${script} prints its ratio to the peer:\n${output.slice(-2000)}`);
    });
});
