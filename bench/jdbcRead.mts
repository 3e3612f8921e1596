/**
 * Reading a database table through the workspace's JDBC catalog (ours: `crm.public.orders` with the
 * partitioning options in SQL) against PySpark's `spark.read.jdbc` with the same partitioning, on the same
 * local server and PostgreSQL, alternating, several rounds. Both read every row and column into the same
 * aggregate in Spark (one that cannot be pushed down), so the figure is the read, not PostgreSQL's
 * arithmetic. Same engine on both sides: the goal is no overhead of ours (ratio ≤ 1.05).
 *
 *   npm run bench:jdbc                        # 1M rows, 4 partitions, 5 rounds
 *   BENCH_ROWS=100000 BENCH_ROUNDS=3 npm run bench:jdbc
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { attachDatabases } from '../src/core/databases/databaseCatalogs.js';
import { KNOWN_JDBC_DRIVERS, readWorkbenchFile } from '../src/core/databases/databaseSources.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { startPostgres } from '../test/support/postgresServer.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const partitions = 4;
const aggregate = 'sum(hash(id, customer_id, amount, note))';

const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const pg = await startPostgres({ log });
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
let stopped = false;
const stopAll = async () => {
  if (stopped) return;
  stopped = true;
  await servers.stop(port);
  await pg.stop();
};
process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

try {
  pg.psql('postgres', 'CREATE DATABASE crm');
  pg.psql(
    'crm',
    `CREATE TABLE orders AS SELECT g AS id, (g % 1000) + 1 AS customer_id, ((g % 9973) / 100.0)::numeric(12,2) AS amount,
       'order ' || g AS note FROM generate_series(1, ${rows}) g;
     ALTER TABLE orders ADD PRIMARY KEY (id); ANALYZE orders;`,
  );
  const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
  // No token: PySpark's client turns TLS on whenever a token is set; the server is on 127.0.0.1 for this run only.
  const state = await servers.start(runtime, {
    port,
    token: null,
    driverMemory: '2g',
    conf: { 'spark.sql.shuffle.partitions': '2' },
    packages: [KNOWN_JDBC_DRIVERS.postgresql!.coordinates],
  });
  const url = localServerUrl(state);
  const client = new SparkConnectClient(url, { clientVersion: 'bench' });
  const { databases } = readWorkbenchFile(`databases:\n  crm:\n    url: ${pg.jdbcUrl('crm')}\n    user: ${pg.user}\n`);
  await attachDatabases(client, databases, async () => pg.password);
  const query = `SELECT CAST(${aggregate} AS STRING) AS v FROM crm.public.orders
    WITH ('partitionColumn' = 'id', 'lowerBound' = '1', 'upperBound' = '${rows}', 'numPartitions' = '${partitions}')`;
  const ours = async (): Promise<{ seconds: number; value: string }> => {
    const started = performance.now();
    const table = await client.sql(query).toTable();
    return { seconds: (performance.now() - started) / 1000, value: String(table.getChildAt(0)!.get(0)) };
  };

  const worker = spawn(runtime.pythonExecutable, [join(projectRoot, 'bench', 'pyspark_jdbc_worker.py'), url], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
  const request = JSON.stringify({
    url: pg.jdbcUrl('crm'),
    table: 'public.orders',
    user: pg.user,
    password: pg.password,
    column: 'id',
    lower: 1,
    upper: rows,
    partitions,
    expr: `CAST(${aggregate} AS STRING)`,
  });
  const pyspark = async (): Promise<{ seconds: number; value: string }> => {
    worker.stdin.write(`${request}\n`);
    const next = await answers.next();
    if (next.done) throw new Error('The PySpark worker exited.');
    return JSON.parse(next.value) as { seconds: number; value: string };
  };
  try {
    log(`PySpark worker connected: ${(await answers.next()).value}`);
    log(`Warming up both on ${rows.toLocaleString('en-US')} rows…`);
    const expected = (await ours()).value;
    if ((await pyspark()).value !== expected) throw new Error('PySpark read other values than ours');
    const oursTimes: number[] = [];
    const theirs: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const who of round % 2 ? ['ours', 'pyspark'] : ['pyspark', 'ours']) {
        const result = who === 'ours' ? await ours() : await pyspark();
        if (result.value !== expected) throw new Error(`${who} read other values in round ${round}`);
        (who === 'ours' ? oursTimes : theirs).push(result.seconds);
      }
      console.log(
        `round ${round}: ours ${oursTimes.at(-1)!.toFixed(3)} s, PySpark spark.read.jdbc ${theirs.at(-1)!.toFixed(3)} s`,
      );
    }
    console.log(
      `\nrows: ${rows.toLocaleString('en-US')} × 4 columns from PostgreSQL, ${partitions} partitions, ${rounds} rounds`,
    );
    console.log(`median ours (the catalog):     ${median(oursTimes).toFixed(3)} s`);
    console.log(`median PySpark spark.read.jdbc: ${median(theirs).toFixed(3)} s`);
    console.log(`ratio ours/PySpark: ${(median(oursTimes) / median(theirs)).toFixed(2)} (goal ≤ 1.05)`);
  } finally {
    worker.stdin.end();
    worker.kill();
    await client.close();
  }
} finally {
  await stopAll();
}
