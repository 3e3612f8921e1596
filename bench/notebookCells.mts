/**
 * Notebook cells: (1) time from Run to the first rows shown for a SQL cell over 10M rows, against the
 * full fetch of the same rows by the same client (goal ≤ 10 %); (2) a `SELECT 1` cell's round trip
 * against PySpark's own `spark.sql("SELECT 1").collect()` on the same server in the same run (goal
 * ≤ 1.0×). Both on a local server of their own, alternating, several rounds; medians printed.
 *
 *   npm run bench:notebooks                 # 10M rows, 5 rounds, 50 round trips per round
 *   BENCH_ROWS=1000000 BENCH_ROUNDS=3 npm run bench:notebooks
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { NotebookKernel } from '../src/core/notebooks/notebookKernel.js';
import { startBenchServer } from './benchServer.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const trips = Number(process.env.BENCH_TRIPS ?? 50);
const query = `SELECT id, CAST(id AS DOUBLE) * 1.5 AS d, CONCAT('row-', CAST(id AS STRING)) AS s FROM range(${rows})`;
const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const server = await startBenchServer(log, { 'spark.sql.shuffle.partitions': '2' });
const { runtime, url } = server;

// PySpark's client in a long-lived process: each request times `trips` round trips of collect().
const PEER = `
import json, sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
print(json.dumps({"ready": spark.version}), flush=True)
for line in sys.stdin:
    times = []
    for _ in range(int(line)):
        started = time.perf_counter()
        spark.sql("SELECT 1").collect()
        times.append(time.perf_counter() - started)
    print(json.dumps(times), flush=True)
`;
const peer = spawn(runtime.pythonExecutable, ['-c', PEER, url], { stdio: ['pipe', 'pipe', 'inherit'] });
const answers = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();
async function pysparkTrips(count: number): Promise<number[]> {
  peer.stdin.write(`${count}\n`);
  const next = await answers.next();
  if (next.done) throw new Error('The PySpark process exited.');
  return (JSON.parse(next.value) as number[]).map((s) => s * 1000);
}

const client = new SparkConnectClient(url, { clientVersion: 'bench' });
const kernel = new NotebookKernel('bench', {
  client: () => Promise.resolve(client),
  python: () => Promise.reject(new Error('The benchmark runs SQL cells only.')),
  storedRows: () => 1000,
});

/** Run to the cell's first rows (its output, ready for the renderer), in ms. */
async function cellFirstRows(sql: string): Promise<number> {
  const started = performance.now();
  let shownAt = 0;
  const result = await kernel.run('sql', sql, {
    output: (output) => {
      if (output.kind === 'rich') shownAt ||= performance.now();
    },
    progress: () => undefined,
  });
  if (result.status !== 'ok' || !shownAt) throw new Error(`the cell ended ${result.status}`);
  return shownAt - started;
}

async function fullFetch(): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const event of client.sql(query)) if (event.type === 'batch') count += event.batch.numRows;
  if (count !== rows) throw new Error(`the full fetch read ${count} rows`);
  return performance.now() - started;
}

try {
  log(`PySpark connected: ${(await answers.next()).value}`);
  await fullFetch();
  await cellFirstRows(query);
  await pysparkTrips(10);
  for (let i = 0; i < 10; i++) await cellFirstRows('SELECT 1');
  const firstRows: number[] = [];
  const full: number[] = [];
  const ourTrips: number[] = [];
  const theirTrips: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const oursFirst = round % 2 === 1;
    const runOurs = async () => {
      for (let i = 0; i < trips; i++) ourTrips.push(await cellFirstRows('SELECT 1'));
    };
    const runTheirs = async () => theirTrips.push(...(await pysparkTrips(trips)));
    if (oursFirst) await runOurs().then(runTheirs);
    else await runTheirs().then(runOurs);
    firstRows.push(await cellFirstRows(query));
    full.push(await fullFetch());
    console.log(
      `round ${round}: first rows ${firstRows.at(-1)!.toFixed(0)} ms, full fetch ${full.at(-1)!.toFixed(0)} ms; ` +
        `SELECT 1 median ours ${median(ourTrips.slice(-trips)).toFixed(2)} ms, PySpark ${median(theirTrips.slice(-trips)).toFixed(2)} ms`,
    );
  }
  const first = median(firstRows);
  const whole = median(full);
  console.log(`\n${rows.toLocaleString('en-US')}-row SQL cell, ${rounds} rounds:`);
  console.log(`  Run to first rows (median): ${first.toFixed(0)} ms; full fetch (median): ${whole.toFixed(0)} ms`);
  console.log(`  ratio first rows / full fetch: ${((first / whole) * 100).toFixed(1)} % (goal ≤ 10 %)`);
  const ours = median(ourTrips);
  const theirs = median(theirTrips);
  console.log(`SELECT 1 round trip, ${ourTrips.length} each:`);
  console.log(
    `  ours (cell to Arrow output, median): ${ours.toFixed(2)} ms; PySpark collect() (median): ${theirs.toFixed(2)} ms`,
  );
  console.log(`  ratio ours/PySpark: ${(ours / theirs).toFixed(2)} (goal ≤ 1.00)`);
} finally {
  peer.stdin.end();
  peer.kill();
  await client.close();
  await server.stop();
}
