/**
 * Every test suite in one run, against one local Spark server (the machine has 2 cores):
 * checks (types, lint), unit tests, then the integration and end-to-end suites that share the server.
 * Ends with one line, "N passed, N failed, N skipped", summing every suite, which is what CI reads. A
 * skipped test that test/allowedSkips.json does not list (with its reason) fails the run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../test/support/sparkTestServer.js';
import { projectRoot } from './runtimeDir.mjs';

interface Counts {
  passed: number;
  failed: number;
  skipped?: number;
  skippedTitles?: string[];
  failures?: string[];
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const allowedSkips = (
  JSON.parse(readFileSync(join(projectRoot, 'test/allowedSkips.json'), 'utf8')) as { allowed: Record<string, string> }
).allowed;
const unexpectedSkips: string[] = [];
const failures: string[] = [];

/** Adds a suite's counts to the totals; a skip nobody allowed counts as a failure. */
function add(counts: Counts): void {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped ?? 0;
  failures.push(...(counts.failures ?? []));
  for (const title of counts.skippedTitles ?? []) {
    if (allowedSkips[title]) continue;
    unexpectedSkips.push(title);
    totals.failed++;
  }
}
const summary: string[] = [];
const only = process.argv.slice(2);
const wanted = (suite: string) => only.length === 0 || only.includes(suite);
const bin = (name: string) => join(projectRoot, 'node_modules', '.bin', name);

/** Runs a child asynchronously, so this process keeps reaping the servers it started (no zombies). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: 'inherit', env });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function step(name: string, command: string, args: string[]): Promise<boolean> {
  const started = Date.now();
  const ok = (await run(command, args)) === 0;
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

/** A check that is not a test runner (typecheck, lint) counts as one test. */
async function check(name: string, command: string, args: string[]): Promise<void> {
  if (await step(name, command, args)) totals.passed++;
  else totals.failed++;
}

async function mochaSuite(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-counts-'));
  const countsFile = join(dir, 'counts.json');
  const started = Date.now();
  const status = await run(bin('mocha'), ['--reporter', join(projectRoot, 'test/support/countingReporter.cjs'), ...args], {
    ...process.env,
    ...env,
    MOCHA_COUNTS_FILE: countsFile,
  });
  let counts: Counts = { passed: 0, failed: 1 }; // a suite that crashed before reporting counts as a failure
  if (existsSync(countsFile)) counts = JSON.parse(readFileSync(countsFile, 'utf8')) as Counts;
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  rmSync(dir, { recursive: true, force: true });
  add(counts);
  summary.push(
    `${counts.failed ? 'FAIL' : 'ok  '} ${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped ?? 0} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

const prepared =
  (await step('generate Spark Connect protocol code', process.execPath, ['--import', 'tsx', 'scripts/generate-protos.mts'])) &&
  (await step('build', process.execPath, ['scripts/build.mjs']));
if (!prepared) totals.failed++;
else {
  if (wanted('check')) {
    await check('typecheck', bin('tsc'), ['-p', '.', '--noEmit']);
    await check('lint', bin('eslint'), ['.']);
  }
  if (wanted('unit')) await mochaSuite('unit', ['test/unit/**/*.test.ts']);
  if (wanted('integration') || wanted('e2e') || wanted('cluster')) {
    const started = Date.now();
    const server = await startTestServer((line) => console.error(line)).catch((error: unknown) => {
      console.error(error);
      return undefined;
    });
    if (!server) {
      totals.failed++;
      summary.push('FAIL start the local Spark server');
    } else {
      // An interrupted run (Ctrl-C, CI time limit) must not leave a JVM behind.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          void server.stop().finally(() => process.exit(130));
        });
      }
      summary.push(`ok   start the local Spark server (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      const env = {
        SPARK_TEST_REMOTE: server.info.url,
        SPARK_TEST_TOKEN: server.info.token,
        SPARK_TEST_PORT: String(server.info.port),
        SPARK_TEST_PID: String(server.info.pid),
      };
      try {
        if (wanted('integration'))
          await mochaSuite('integration', ['--exit', '--timeout', '120000', 'test/integration/**/*.test.ts'], env);
        if (wanted('e2e') && existsSync(join(projectRoot, 'scripts/e2e/run.mjs'))) {
          const { runE2e } = (await import('./e2e/run.mjs')) as { runE2e: (env: NodeJS.ProcessEnv) => Promise<Counts> };
          const started = Date.now();
          const counts = await runE2e(env).catch((error: unknown) => {
            console.error(error);
            return { passed: 0, failed: 1 };
          });
          add(counts);
          summary.push(
            `${counts.failed ? 'FAIL' : 'ok  '} e2e: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped ?? 0} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`,
          );
        }
        // Last: the cluster tier compares its results with this server's, and its JVMs start only now.
        if (wanted('cluster'))
          await mochaSuite(
            'cluster',
            ['--exit', '--timeout', '600000', '--require', 'test/cluster/clusterFixture.ts', 'test/cluster/**/*.test.ts'],
            env,
          );
      } finally {
        await server.stop();
      }
    }
  }
}

if (unexpectedSkips.length)
  summary.push(
    `FAIL skipped without a reason in test/allowedSkips.json:\n${unexpectedSkips.map((t) => `       ${t}`).join('\n')}`,
  );
if (failures.length) summary.push(`failed:\n${failures.map((f) => `       ${f}`).join('\n')}`);
console.log(`\n${summary.join('\n')}\n`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
