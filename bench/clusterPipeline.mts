/**
 * What a cluster costs on this machine: the retail example's transformations (raw CSV and JSON files,
 * the curated zone with its expectations, the daily metrics; and the quality file) run with
 * `spark-workbench pipeline run --full-refresh-all` on the managed local server (local[*]) and on the
 * loopback standalone cluster (a master, two workers of one core each, a Connect server submitted to the
 * master), same data, same CLI, several rounds each after a warm-up. Prints each round, the medians and
 * the ratio cluster/local, and checks both made the same curated rows. Both share the machine's cores,
 * so the cluster cannot be faster here: the figure is the cost of executors in other processes
 * (shuffles over the network stack, tasks serialised to them).
 *
 *   npm run bench:cluster                             # 10M transactions, 2 rounds
 *   BENCH_ROWS=1000000 BENCH_ROUNDS=1 npm run bench:cluster
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeRetailData } from '../examples/retail/generator.js';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkCluster } from '../src/core/localSpark/localSparkCluster.js';
import { freeLoopbackPort, LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const BATCH = 500_000;
const log = (line: string) => console.error(line);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
const work = mkdtempSync(join(tmpdir(), 'sw-bench-cluster-'));
const raw = join(work, 'raw');
log(`Writing ${rows.toLocaleString('en-US')} transactions (with duplicates and missing values) to ${raw}…`);
for (let first = 1, batch = 1; first <= rows; first += BATCH, batch++)
  writeRetailData(raw, { rows: Math.min(BATCH, rows - first + 1), firstId: first }, `batch-${String(batch).padStart(3, '0')}`);

/** The example's transformations and quality file in `work/<name>`, with their own storage and schema. */
function project(name: string): string {
  const folder = join(work, name);
  const example = join(projectRoot, 'examples', 'retail');
  cpSync(join(example, 'transformations'), join(folder, 'transformations'), { recursive: true });
  cpSync(join(example, 'spark-quality.yml'), join(folder, 'spark-quality.yml'));
  const spec = join(folder, 'spark-pipeline.yml');
  writeFileSync(
    spec,
    `name: retail_${name}\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: bench_${name}\nconfiguration:\n  retail.raw: ${pathToFileURL(raw).href}\n  spark.sql.streaming.schemaInference: "true"\nlibraries:\n  - glob:\n      include: transformations/**\n`,
  );
  return spec;
}

function timedRun(spec: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [join(projectRoot, 'dist', 'cli.js'), 'pipeline', 'run', spec, '--full-refresh-all', '--remote', url],
      { env: { ...process.env, SPARK_WORKBENCH_HOME: projectRuntimeDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`pipeline run exited with ${code}:\n${Buffer.concat(output).toString().slice(-3000)}`)),
    );
  });
}

/** Warm-up and rounds on one server; returns each round's seconds after checking the curated rows. */
async function measure(name: string, url: string): Promise<number[]> {
  const spec = project(name);
  log(`${name}: warming up…`);
  await timedRun(spec, url);
  const client = new SparkConnectClient(url, { clientVersion: 'bench' });
  const times: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      times.push(await timedRun(spec, url));
      // The run's session rewrote the table: this session's cached file listing is stale.
      await client.sql(`REFRESH TABLE spark_catalog.bench_${name}.curated_transactions`).toTable();
      const table = await client.sql(`SELECT count(*) FROM spark_catalog.bench_${name}.curated_transactions`).toTable();
      const made = Number(table.getChildAt(0)?.get(0));
      if (made !== rows) throw new Error(`${name} left ${made} curated rows, expected ${rows}`);
      console.log(`${name} round ${round}: ${times.at(-1)!.toFixed(1)} s`);
    }
  } finally {
    await client.close();
  }
  return times;
}

const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const clusters = new LocalSparkCluster(join(projectRuntimeDir, 'clusters'), join(projectRuntimeDir, 'servers'), log);
try {
  // One at a time: the machine's two cores are all either gets.
  const localPort = await freeLoopbackPort();
  const local = await servers.start(runtime, { port: localPort, token: null, driverMemory: '4g' });
  const onLocal = await measure('local', localServerUrl(local)).finally(() => servers.stop(localPort));
  const clusterPort = await freeLoopbackPort();
  const cluster = await clusters.start(runtime, { connectPort: clusterPort, token: null, workerMemoryMb: 2560 });
  const onCluster = await measure('cluster', localServerUrl(cluster.connect)).finally(() => clusters.stop(clusterPort));
  const [a, b] = [median(onCluster), median(onLocal)];
  console.log(
    `\n${rows.toLocaleString('en-US')} transactions, full refresh, ${rounds} rounds each, both made ${rows.toLocaleString('en-US')} curated rows`,
  );
  console.log(
    `median cluster (2 workers x 1 core) ${a.toFixed(1)} s, local[*] ${b.toFixed(1)} s, ratio cluster/local ${(a / b).toFixed(2)}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
