/**
 * Pipeline runs: our `spark-workbench pipeline run` against pyspark's own `spark-pipelines run`, on the
 * same project, data and local server, in the same run, alternating, several rounds; each a full
 * refresh. Two variants of the retail example: SQL only (like for like: neither needs Python for the
 * definitions) and mixed (its streaming table defined in Python, as shipped). Spark's own runner cannot
 * parse the example's `CONSTRAINT … EXPECT` clauses, so it gets the same project with them taken out
 * (Spark Workbench's own blanking) and without the quality file; ours runs that same project, and also
 * the project as shipped, with its expectations and quality checks. Prints each round, the medians and
 * the ratios ours/theirs per variant (goal ≤ 0.8, like for like), and checks every run made the same rows.
 *
 *   npm run bench:pipelines                           # 10M transactions, 3 rounds
 *   BENCH_ROWS=1000000 BENCH_ROUNDS=2 npm run bench:pipelines
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeRetailData } from '../examples/retail/generator.js';
import { stripExpectations } from '../src/core/quality/expectationClauses.js';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { findJava } from '../src/core/localSpark/prerequisites.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 10_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 500_000;
const log = (line: string) => console.error(line);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
const java = await findJava();
// spark-pipelines reads its spec with PyYAML, which pyspark[connect] does not bring.
if (spawnSync(runtime.pythonExecutable, ['-c', 'import yaml']).status !== 0) {
  log('Installing PyYAML for spark-pipelines (the peer)…');
  if (spawnSync(runtime.pythonExecutable, ['-m', 'pip', 'install', '-q', 'pyyaml>=6'], { stdio: 'inherit' }).status !== 0)
    throw new Error('Could not install PyYAML.');
}
const work = mkdtempSync(join(tmpdir(), 'sw-bench-pipelines-'));
const raw = join(work, 'raw');
log(`Writing ${rows.toLocaleString('en-US')} transactions (with duplicates and missing values) to ${raw}…`);
for (let first = 1, batch = 1; first <= rows; first += BATCH, batch++)
  writeRetailData(raw, { rows: Math.min(BATCH, rows - first + 1), firstId: first }, `batch-${String(batch).padStart(3, '0')}`);

const example = join(projectRoot, 'examples', 'retail');
/**
 * A copy of the example in `work/<name>`: its own storage, the shared raw files; `sqlOnly` swaps the
 * Python table for SQL; `quality` keeps the expectations and the quality file (else both are taken out).
 */
function project(name: string, sqlOnly: boolean, quality: boolean): string {
  const folder = join(work, name);
  mkdirSync(join(folder, 'transformations'), { recursive: true });
  for (const file of readdirSync(join(example, 'transformations'))) {
    if (sqlOnly && file.endsWith('.py')) continue;
    const text = readFileSync(join(example, 'transformations', file), 'utf8');
    writeFileSync(
      join(folder, 'transformations', file),
      quality || !file.endsWith('.sql') ? text : stripExpectations(text).unfiltered,
    );
  }
  if (quality) copyFileSync(join(example, 'spark-quality.yml'), join(folder, 'spark-quality.yml'));
  if (sqlOnly)
    writeFileSync(
      join(folder, 'transformations', 'raw_transactions_csv.sql'),
      // The same columns as the Python definition's CSV reader with a header (SQL's csv.`path` has none).
      `CREATE MATERIALIZED VIEW raw_transactions_csv AS
SELECT CAST(_c0 AS INT) AS transaction_id, _c1 AS customer_id, _c2 AS segment, _c3 AS channel,
       CAST(_c4 AS DOUBLE) AS amount, CAST(_c5 AS INT) AS quantity, CAST(_c6 AS TIMESTAMP) AS transaction_date
FROM csv.\`\${retail.raw}/csv\` WHERE _c0 <> 'transaction_id';
`,
    );
  const spec = join(folder, 'spark-pipeline.yml');
  writeFileSync(
    spec,
    `name: retail_${name}\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: bench_${name}\nconfiguration:\n  retail.raw: ${pathToFileURL(raw).href}\n  spark.sql.streaming.schemaInference: "true"\nlibraries:\n  - glob:\n      include: transformations/**\n`,
  );
  return spec;
}

const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
// No token: pyspark's client turns TLS on whenever a token is set (unless the host is "localhost").
const state = await servers.start(runtime, {
  port,
  token: null,
  driverMemory: '4g',
  conf: { 'spark.sql.shuffle.partitions': '4' },
});
const url = localServerUrl(state);
const client = new SparkConnectClient(url, { clientVersion: 'bench' });

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => errors.push(chunk));
    const errors: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`${command} exited with ${code}:\n${Buffer.concat(errors).toString().slice(-3000)}`)),
    );
  });
}

// Our CLI on the bench's own runtime (the project's), not the user's runtime home.
const ours = (spec: string) =>
  timed(process.execPath, [join(projectRoot, 'dist', 'cli.js'), 'pipeline', 'run', spec, '--full-refresh-all', '--remote', url], {
    ...process.env,
    SPARK_WORKBENCH_HOME: projectRuntimeDir,
  });
const bin = join(dirname(runtime.pythonExecutable));
const theirs = (spec: string) =>
  timed(join(bin, 'spark-pipelines'), ['run', '--spec', spec, '--full-refresh-all', '--remote', url], {
    ...process.env,
    SPARK_HOME: runtime.sparkHome,
    PYSPARK_PYTHON: runtime.pythonExecutable,
    SPARK_LOCAL_IP: '127.0.0.1',
    PATH: `${bin}:${process.env.PATH}`,
    ...(java.javaHome ? { JAVA_HOME: java.javaHome } : {}),
  });

async function curatedRows(database: string): Promise<number> {
  // Another session rewrote the table: this one's cached file listing is stale.
  await client.sql(`REFRESH TABLE spark_catalog.${database}.curated_transactions`).toTable();
  const table = await client.sql(`SELECT count(*) FROM spark_catalog.${database}.curated_transactions`).toTable();
  return Number(table.getChildAt(0)?.get(0));
}

try {
  const results: string[] = [];
  for (const [name, sqlOnly] of [
    ['sql', true],
    ['mixed', false],
  ] as const) {
    const plain = project(name, sqlOnly, false);
    const checked = project(`${name}_checked`, sqlOnly, true);
    const runs = {
      ours: () => ours(plain),
      theirs: () => theirs(plain),
      checked: () => ours(checked),
    };
    const databases = { ours: `bench_${name}`, theirs: `bench_${name}`, checked: `bench_${name}_checked` };
    log(`\n${name}: warming up all three…`);
    for (const run of Object.values(runs)) await run();
    const times = { ours: [] as number[], theirs: [] as number[], checked: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? (['ours', 'theirs', 'checked'] as const) : (['theirs', 'checked', 'ours'] as const);
      for (const who of order) {
        times[who].push(await runs[who]());
        const made = await curatedRows(databases[who]);
        if (made !== rows) throw new Error(`${who} left ${made} curated rows, expected ${rows}`);
      }
      console.log(
        `${name} round ${round}: ours ${times.ours.at(-1)!.toFixed(1)} s, spark-pipelines ${times.theirs.at(-1)!.toFixed(1)} s, ours with expectations and quality checks ${times.checked.at(-1)!.toFixed(1)} s`,
      );
    }
    const [a, b, c] = [median(times.ours), median(times.theirs), median(times.checked)];
    results.push(
      `${name.padEnd(5)} median ours ${a.toFixed(1)} s, spark-pipelines ${b.toFixed(1)} s, ratio ${(a / b).toFixed(2)} (goal ≤ 0.80)`,
    );
    results.push(
      `${''.padEnd(5)} ours with the expectations and quality checks ${c.toFixed(1)} s, ratio to spark-pipelines without them ${(c / b).toFixed(2)}`,
    );
  }
  console.log(
    `\n${rows.toLocaleString('en-US')} transactions, full refresh, ${rounds} rounds, each made ${rows.toLocaleString('en-US')} curated rows`,
  );
  for (const line of results) console.log(line);
} finally {
  await client.close();
  await servers.stop(port);
  rmSync(work, { recursive: true, force: true });
}
