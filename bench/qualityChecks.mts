/**
 * Data-quality checks: 10 checks (not_null, unique, between, regex, accepted values, referential) over
 * generated orders in Parquet, ours (one aggregate over Spark Connect, on the managed local server)
 * against Great Expectations 1.x (from PyPI, on the pinned pyspark in a local Spark of its own) on the
 * same files, same machine, same run, in two modes each: with samples of failing values (ours 5 per
 * check, the default; GE's default SUMMARY result format keeps 20) and counts only (ours `samples: 0`;
 * GE's BOOLEAN_ONLY). Rounds alternate the modes. Prints for each: wall time (median of the rounds
 * after a warm-up), the Spark jobs and stages that ran and the scans of the orders (both read from the
 * Spark UI's REST API), and checks that both found the same failing counts. Goal: ≤ 0.3× Great
 * Expectations' time.
 *
 *   npm run bench:quality                          # 10M orders in Parquet, 3 rounds
 *   BENCH_ROWS=1000000 BENCH_ROUNDS=2 npm run bench:quality
 *   BENCH_FORMAT=csv npm run bench:quality         # the same orders as CSV files with a header
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { findJava } from '../src/core/localSpark/prerequisites.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { SparkUiJobs } from '../src/core/localSpark/sparkUiJobs.js';
import { parseQualityFile } from '../src/core/quality/qualityFile.js';
import { runQualityChecks } from '../src/core/quality/qualityFileRun.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const format = process.env.BENCH_FORMAT === 'csv' ? 'csv' : 'parquet';
const SCHEMA =
  'order_id BIGINT, customer_id STRING, amount DOUBLE, quantity INT, code STRING, channel STRING, status STRING, region_id INT, warehouse_id INT';
const log = (line: string) => console.error(line);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const CHECKS = `datasets:
  orders:
    - not_null: customer_id
    - not_null: amount
    - unique: order_id
    - between: amount
      min: 0
      max: 990
    - between: quantity
      min: 1
      max: 9
    - regex: code
      pattern: '^[A-Z]{2}-\\d{4}$'
    - accepted_values: channel
      values: [web, store, phone]
    - accepted_values: status
      values: [new, paid, shipped]
    - references: region_id
      dataset: regions
    - references: warehouse_id
      dataset: regions
      key: region_id
`;

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
const java = await findJava();

// Great Expectations in a venv of its own that sees the pinned pyspark (not installed twice).
const geVenv = join(projectRuntimeDir, 'bench-great-expectations');
const gePython = join(geVenv, 'bin', 'python');
if (!existsSync(gePython) || spawnSync(gePython, ['-c', 'import great_expectations, pyspark']).status !== 0) {
  log(`Installing Great Expectations 1.x into ${geVenv}…`);
  const managedSite = spawnSync(runtime.pythonExecutable, ['-c', 'import site; print(site.getsitepackages()[0])'], {
    encoding: 'utf8',
  }).stdout.trim();
  if (spawnSync(runtime.pythonExecutable, ['-m', 'venv', geVenv], { stdio: 'inherit' }).status !== 0)
    throw new Error('Could not make the venv.');
  const site = spawnSync(gePython, ['-c', 'import site; print(site.getsitepackages()[0])'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(site, 'managed-pyspark.pth'), `${managedSite}\n`);
  // pyspark 4.2 warns that it does not yet support pandas 3.
  if (
    spawnSync(gePython, ['-m', 'pip', 'install', '-q', 'great_expectations>=1,<2', 'pandas<3'], { stdio: 'inherit' }).status !== 0
  )
    throw new Error('Could not install Great Expectations.');
}

const work = mkdtempSync(join(tmpdir(), 'sw-bench-quality-'));
const ordersDir = join(work, 'orders');
const regionsDir = join(work, 'regions');
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
const state = await servers.start(runtime, {
  port,
  token: null,
  driverMemory: '4g',
  conf: { 'spark.sql.shuffle.partitions': '4' },
});
const client = new SparkConnectClient(localServerUrl(state), { clientVersion: 'bench' });
const ui = new SparkUiJobs(state.uiPort!);

try {
  log(`Writing ${rows.toLocaleString('en-US')} orders with known defects to ${ordersDir}…`);
  await client
    .sql(
      `INSERT OVERWRITE DIRECTORY '${ordersDir}' USING ${format}${format === 'csv' ? " OPTIONS (header 'true')" : ''}
       SELECT CASE WHEN id % 1000 = 999 THEN id - 1 ELSE id END AS order_id,
              CASE WHEN id % 29 = 0 THEN NULL ELSE concat('C', id % 5000) END AS customer_id,
              CASE WHEN id % 31 = 0 THEN NULL ELSE CAST(id % 1000 AS DOUBLE) - 5 END AS amount,
              CAST(id % 11 AS INT) AS quantity,
              CASE WHEN id % 97 = 0 THEN concat('ab-', lpad(CAST(id % 10000 AS STRING), 4, '0'))
                   ELSE concat('AB-', lpad(CAST(id % 10000 AS STRING), 4, '0')) END AS code,
              element_at(array('web', 'store', 'phone', 'fax'), CAST(id % 4 AS INT) + 1) AS channel,
              element_at(array('new', 'paid', 'shipped', 'lost'), CAST(id % 7 % 4 AS INT) + 1) AS status,
              CAST(id % 60 AS INT) AS region_id,
              CAST(id % 50 AS INT) AS warehouse_id
       FROM range(${rows})`,
    )
    .toTable();
  await client
    .sql(`INSERT OVERWRITE DIRECTORY '${regionsDir}' USING parquet SELECT CAST(id AS INT) AS region_id FROM range(50)`)
    .toTable();

  // CSV is read with its header and the columns' types, by both.
  const orders = format === 'csv' ? 'bench_orders_csv' : `parquet.\`${ordersDir}\``;
  if (format === 'csv')
    await client
      .sql(`CREATE OR REPLACE TEMPORARY VIEW bench_orders_csv (${SCHEMA}) USING csv OPTIONS (path '${ordersDir}', header 'true')`)
      .toTable();
  const { checks } = parseQualityFile(CHECKS, 'bench.quality.yml');
  type Round = { seconds: number; jobs: number; stages: number; scans: number; failing: Map<string, number>; samples: number };
  const ours: Record<'samples' | 'counts', Round[]> = { samples: [], counts: [] };
  for (let round = 0; round <= rounds; round++)
    for (const mode of ['samples', 'counts'] as const) {
      const tag = `bench-quality-${round}-${mode}-${Date.now()}`;
      const started = performance.now();
      const [quality] = await runQualityChecks(client, checks, {
        table: orders,
        tableName: (name) => (name === 'regions' ? `parquet.\`${regionsDir}\`` : name),
        sampleSize: mode === 'counts' ? 0 : undefined,
        tags: [tag],
      });
      const seconds = (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const work = await ui.workOfTag(tag);
      const failing = new Map(quality!.results.map((r) => [r.check.name, r.failing ?? -1]));
      const samples = quality!.results.reduce((n, r) => n + r.samples.length, 0);
      // A scan of the orders reads all their rows (the regions' has 50).
      const scans = work.scans.filter((s) => s.rows === rows).length;
      if (round > 0) ours[mode].push({ seconds, jobs: work.jobs, stages: work.stages, scans, failing, samples });
      log(
        `ours (${mode === 'counts' ? 'counts only' : 'with samples'}) ${round ? `round ${round}` : 'warm-up'}: ${seconds.toFixed(2)} s, ${work.jobs} jobs, ${work.stages} stages, ${scans} scans of the orders, ${samples} samples`,
      );
    }

  log('Great Expectations: starting its local Spark…');
  type GeRound = {
    format: string;
    seconds: number;
    jobs: number;
    stages: number;
    scans: number;
    unexpected: Record<string, number>;
  };
  const geRounds = await new Promise<GeRound[]>((resolve, reject) => {
    const child = spawn(
      gePython,
      [
        join(projectRoot, 'bench', 'ge_validate.py'),
        ordersDir,
        regionsDir,
        String(rounds + 1),
        format,
        SCHEMA,
        'SUMMARY,BOOLEAN_ONLY',
      ],
      {
        env: {
          ...process.env,
          SPARK_HOME: runtime.sparkHome,
          PYSPARK_PYTHON: gePython,
          SPARK_LOCAL_IP: '127.0.0.1',
          ...(java.javaHome ? { JAVA_HOME: java.javaHome } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: GeRound[] = [];
    const errors: Buffer[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as GeRound;
        lines.push(r);
        const round = lines.filter((l) => l.format === r.format).length - 1;
        log(
          `Great Expectations (${r.format}) ${round ? `round ${round}` : 'warm-up'}: ${r.seconds.toFixed(2)} s, ${r.jobs} jobs, ${r.stages} stages, ${r.scans} scans of the orders`,
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('close', (code) =>
      code === 0
        ? resolve(lines)
        : reject(new Error(`ge_validate.py exited with ${code}:\n${Buffer.concat(errors).toString().slice(-3000)}`)),
    );
  });
  // The first validation of each format warms its JVM up.
  const geOf = (resultFormat: string) => geRounds.filter((r) => r.format === resultFormat).slice(1);
  const ge = { samples: geOf('SUMMARY'), counts: geOf('BOOLEAN_ONLY') };

  // Both must have found the same defects.
  const theirs = ge.samples[0]!.unexpected;
  const pairs: [string, string][] = [
    ['not_null_customer_id', 'expect_column_values_to_not_be_null:customer_id'],
    ['not_null_amount', 'expect_column_values_to_not_be_null:amount'],
    ['unique_order_id', 'expect_column_values_to_be_unique:order_id'],
    ['between_amount', 'expect_column_values_to_be_between:amount'],
    ['between_quantity', 'expect_column_values_to_be_between:quantity'],
    ['regex_code', 'expect_column_values_to_match_regex:code'],
    ['accepted_values_channel', 'expect_column_values_to_be_in_set:channel'],
    ['accepted_values_status', 'expect_column_values_to_be_in_set:status'],
    ['references_region_id', 'expect_column_values_to_be_in_set:region_id'],
    ['references_warehouse_id', 'expect_column_values_to_be_in_set:warehouse_id'],
  ];
  const mismatches = (['samples', 'counts'] as const).flatMap((mode) =>
    pairs
      .filter(([o, g]) => ours[mode][0]!.failing.get(o) !== theirs[g])
      .map(([o, g]) => `${o} (${mode}): ours ${ours[mode][0]!.failing.get(o)}, GE ${theirs[g]}`),
  );
  console.log(
    `\n${rows.toLocaleString('en-US')} orders in ${format === 'csv' ? 'CSV' : 'Parquet'}, 10 checks, ${rounds} rounds after a warm-up each`,
  );
  for (const mode of ['samples', 'counts'] as const) {
    const a = median(ours[mode].map((r) => r.seconds));
    const b = median(ge[mode].map((r) => r.seconds));
    const o = ours[mode][0]!;
    const g = ge[mode][0]!;
    console.log(
      mode === 'samples'
        ? 'With samples of failing values (ours 5 per check; GE SUMMARY, its default)'
        : 'Counts only (ours samples: 0; GE BOOLEAN_ONLY)',
    );
    console.log(
      `  ours                median ${a.toFixed(2)} s, ${o.jobs} jobs, ${o.stages} stages, ${o.scans} scan(s) of the orders, ${o.samples} samples`,
    );
    console.log(
      `  Great Expectations  median ${b.toFixed(2)} s, ${g.jobs} jobs, ${g.stages} stages, ${g.scans} scan(s) of the orders`,
    );
    console.log(`  ratio ours / Great Expectations: ${(a / b).toFixed(2)} (goal ≤ 0.30)`);
  }
  console.log(
    mismatches.length ? `Failing counts differ: ${mismatches.join('; ')}` : 'Both found the same failing rows for every check.',
  );
} finally {
  await client.close();
  await servers.stop(port);
  rmSync(work, { recursive: true, force: true });
}
