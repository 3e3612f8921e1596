/**
 * Fetch throughput: our TypeScript client against PySpark's `toArrow()` on the same local server, in the
 * same run, alternating, several rounds. Prints each round, the medians, the ratio ours/PySpark (goal
 * ≤ 1.0) and our raw gRPC byte rate.
 *
 *   npm run bench                      # 10M rows × (long, double, string, timestamp), 5 rounds
 *   BENCH_ROWS=1000000 BENCH_ROUNDS=3 npm run bench
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const query = `SELECT id, CAST(id AS DOUBLE) * 1.5 AS d, CONCAT('row-', CAST(id AS STRING)) AS s,
  TIMESTAMP_SECONDS(1700000000 + id) AS ts FROM range(${rows})`;
const PYSPARK_EXTRAS = [
  'pandas>=2.2,<3',
  'pyarrow>=18',
  'grpcio>=1.67',
  'grpcio-status>=1.67',
  'googleapis-common-protos>=1.65',
  'zstandard>=0.23',
];

const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureInstalled();
const hasExtras =
  spawnSync(runtime.pythonExecutable, ['-c', 'import pandas, pyarrow, grpc, grpc_status, zstandard']).status === 0;
if (!hasExtras) {
  log('Installing the PySpark Connect client extras (pandas, pyarrow, grpcio…) for the peer measurement…');
  const pip = spawnSync(runtime.pythonExecutable, ['-m', 'pip', 'install', '-q', ...PYSPARK_EXTRAS], { stdio: 'inherit' });
  if (pip.status !== 0) throw new Error('Could not install the PySpark Connect extras.');
}

const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
// No token: PySpark's client turns TLS on whenever a token is set (except for the host name
// "localhost"), and this local server speaks plaintext. It is bound to 127.0.0.1 and lives only for the run.
const state = await servers.start(runtime, {
  port,
  token: null,
  driverMemory: '4g',
  conf: { 'spark.sql.shuffle.partitions': '2' },
});
const url = localServerUrl(state);
const stopServer = () => servers.stop(port);
process.once('SIGINT', () => void stopServer().finally(() => process.exit(130)));

const worker = spawn(runtime.pythonExecutable, [join(projectRoot, 'bench', 'pyspark_worker.py'), url], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const answers = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
async function pyspark(): Promise<{ seconds: number; rows: number }> {
  worker.stdin.write(`${JSON.stringify({ query })}\n`);
  const next = await answers.next();
  if (next.done) throw new Error('The PySpark worker exited.');
  return JSON.parse(next.value) as { seconds: number; rows: number };
}

const client = new SparkConnectClient(url, { clientVersion: 'bench' });
async function ours(): Promise<{ seconds: number; firstBatchSeconds: number; rows: number; bytes: number }> {
  const bytesBefore = client.receivedBytes;
  const started = performance.now();
  let count = 0;
  let firstBatchAt = 0;
  for await (const event of client.sql(query)) {
    if (event.type !== 'batch') continue;
    firstBatchAt ||= performance.now();
    count += event.batch.numRows;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, firstBatchSeconds: (firstBatchAt - started) / 1000, rows: count, bytes: client.receivedBytes - bytesBefore };
}

try {
  const ready = await answers.next();
  log(`PySpark worker connected: ${ready.value}`);
  log(`Warming up both clients on ${rows.toLocaleString('en-US')} rows…`);
  await ours();
  await pyspark();
  const oursTimes: number[] = [];
  // Time to our first batch: how long Spark computes before it can send anything (the same for both clients).
  const firstBatches: number[] = [];
  const theirs: number[] = [];
  let bytes = 0;
  let peakRss = 0;
  for (let round = 1; round <= rounds; round++) {
    // Alternate who goes first, so neither always gets the warmer JVM.
    const order = round % 2 ? ['ours', 'pyspark'] : ['pyspark', 'ours'];
    for (const who of order) {
      if (who === 'ours') {
        const result = await ours();
        if (result.rows !== rows) throw new Error(`our client read ${result.rows} rows, expected ${rows}`);
        oursTimes.push(result.seconds);
        firstBatches.push(result.firstBatchSeconds);
        bytes = result.bytes;
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      } else {
        const result = await pyspark();
        if (result.rows !== rows) throw new Error(`PySpark read ${result.rows} rows, expected ${rows}`);
        theirs.push(result.seconds);
      }
    }
    console.log(
      `round ${round}: ours ${oursTimes.at(-1)!.toFixed(3)} s (first batch ${firstBatches.at(-1)!.toFixed(2)} s), ` +
        `PySpark toArrow ${theirs.at(-1)!.toFixed(3)} s`,
    );
  }
  const oursMedian = median(oursTimes);
  const theirsMedian = median(theirs);
  console.log(`\nrows: ${rows.toLocaleString('en-US')} × 4 columns (long, double, string, timestamp), ${rounds} rounds`);
  console.log(`median ours:    ${oursMedian.toFixed(3)} s  (${(rows / oursMedian / 1e6).toFixed(2)} M rows/s)`);
  console.log(`median first batch (ours): ${median(firstBatches).toFixed(3)} s`);
  console.log(`median PySpark: ${theirsMedian.toFixed(3)} s  (${(rows / theirsMedian / 1e6).toFixed(2)} M rows/s)`);
  console.log(`ratio ours/PySpark: ${(oursMedian / theirsMedian).toFixed(2)} (goal ≤ 1.00)`);
  console.log(
    `our gRPC bytes: ${(bytes / 1e6).toFixed(1)} MB per fetch, ${(bytes / 1e6 / oursMedian).toFixed(0)} MB/s at the median`,
  );
  console.log(`our peak RSS: ${(peakRss / 1e6).toFixed(0)} MB`);
} finally {
  worker.stdin.end();
  worker.kill();
  await client.close();
  await stopServer();
}
