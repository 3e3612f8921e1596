import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freeLoopbackPort, LocalSparkServer, localServerUrl } from '../../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { KNOWN_JDBC_DRIVERS } from '../../src/core/databases/databaseSources.js';

/** Where the test run's server is: set by the top-level runner, or by startTestServer(). */
export interface TestServerInfo {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** The server JVM's process group leader, to watch whether Spark is still working. */
  readonly pid: number;
}

/**
 * Server settings for tests: a token (so the wrong-token test has something to reject), and tiny
 * reattach limits (as PySpark's own tests do) so every result larger than 1 MiB or slower than 1 s
 * crosses at least one ReattachExecute: the whole suite exercises reattach, not one test.
 */
export const TEST_SERVER_CONF: Readonly<Record<string, string>> = {
  'spark.connect.execute.reattachable.senderMaxStreamDuration': '1s',
  'spark.connect.execute.reattachable.senderMaxStreamSize': '1m',
  'spark.sql.shuffle.partitions': '2',
  'spark.default.parallelism': '2',
};

/**
 * The project root: the nearest folder up from the working directory whose package.json is ours.
 * (Under tsx's ESM loader __dirname is not this file's folder, so it cannot be used here.)
 */
export function projectRoot(): string {
  let dir = process.cwd();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'spark-workbench')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Run the tests from inside the spark-workbench project.');
    dir = parent;
  }
}

export function runtimeDir(): string {
  return process.env.SPARK_WORKBENCH_HOME ?? join(projectRoot(), '.spark');
}

/** A port nothing listens on now, on 127.0.0.1. */
export const freePort = freeLoopbackPort;

export async function startTestServer(
  log: (line: string) => void = () => {},
): Promise<{ info: TestServerInfo; stop: () => Promise<void> }> {
  const runtime = await new SparkRuntimeInstaller(runtimeDir(), log).ensureInstalled();
  const servers = new LocalSparkServer(join(runtimeDir(), 'servers'), log);
  const port = await freePort();
  const token = randomUUID();
  // With PostgreSQL's JDBC driver, as a workspace declaring a PostgreSQL database gets it: the database tests use this server.
  const packages = [KNOWN_JDBC_DRIVERS.postgresql!.coordinates];
  const state = await servers.start(runtime, { port, token, conf: TEST_SERVER_CONF, driverMemory: '2g', packages });
  return {
    info: { url: localServerUrl(state), port, token, pid: state.pid },
    stop: async () => {
      await servers.stop(port);
      rmSync(servers.warehouseDir(port), { recursive: true, force: true });
    },
  };
}

/** The server of this test run, from the environment the runner (or the global fixture) set. */
export function testServer(): TestServerInfo {
  const url = process.env.SPARK_TEST_REMOTE;
  const token = process.env.SPARK_TEST_TOKEN;
  const port = Number(process.env.SPARK_TEST_PORT);
  const pid = Number(process.env.SPARK_TEST_PID);
  if (!url || !token || !port || !pid)
    throw new Error('No test Spark server: run the tests through `npm test` or the integration fixture.');
  return { url, token, port, pid };
}

/** CPU time (in clock ticks) used so far by a process and all its threads; the JVM is a child of spark-submit. */
export function processTreeCpuTicks(rootPid: number): number {
  const { readFileSync, readdirSync } = require('node:fs') as typeof import('node:fs');
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      const parent = Number(fields[1]);
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      children.set(parent, [...(children.get(parent) ?? []), pid]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Waits until the server JVM is idle — under 10% of one core over a 250 ms window — or `limitMs` after
 * `since` has passed. Returns the CPU ticks of the last window (≤ 2 means idle) and when it was seen.
 */
export async function waitForSparkIdle(
  pid: number,
  since: number,
  limitMs: number,
): Promise<{ busyTicks: number; idleAfterMs: number }> {
  let busyTicks: number;
  let before = processTreeCpuTicks(pid);
  // At least one window is measured, so a late caller still learns whether Spark is busy.
  do {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = processTreeCpuTicks(pid);
    busyTicks = now - before;
    before = now;
  } while (Date.now() - since < limitMs && busyTicks > 2);
  return { busyTicks, idleAfterMs: Date.now() - since };
}

/**
 * Waits until no task of a server (the test server by default) runs — the executors' active tasks,
 * from Spark's own status API — and none has started for a second (a stopped pipeline's flow may start
 * its next job), or until `limitMs` after `since`. This is what "Spark stopped computing" means to a
 * user; the JVM's CPU after a cancel also counts its JIT compiler and GC, which go on without any task
 * (for seconds on a fresh server, or when another process takes the cores). Returns the active tasks
 * last seen and when the last task ended.
 */
export async function waitForTasksEnded(
  since: number,
  limitMs: number,
  uiPort: number = testServerUiPort(),
): Promise<{ activeTasks: number; endedAfterMs: number }> {
  const base = `http://127.0.0.1:${uiPort}/api/v1/applications`;
  const [app] = (await (await fetch(base)).json()) as { id: string }[];
  let activeTasks: number;
  let endedAt = since;
  for (;;) {
    const executors = (await (await fetch(`${base}/${app!.id}/executors`)).json()) as { activeTasks: number }[];
    activeTasks = executors.reduce((sum, e) => sum + e.activeTasks, 0);
    if (activeTasks > 0) endedAt = Date.now();
    if (activeTasks === 0 && Date.now() - endedAt >= 1_000) break;
    if (Date.now() - since >= limitMs) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { activeTasks, endedAfterMs: endedAt - since };
}

function testServerUiPort(): number {
  const state = JSON.parse(readFileSync(join(runtimeDir(), 'servers', `server-${testServer().port}.json`), 'utf8')) as {
    uiPort: number;
  };
  return state.uiPort;
}
