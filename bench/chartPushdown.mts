/**
 * Charts over a large result: the Chart tab's aggregation pushed into Spark, against (a) the bare
 * aggregate query a person would write by hand for the same chart (the floor: goal ≤ 1.2× its time) and
 * (b) fetching every row the chart needs, which is what a viewer without pushdown must do before Vega
 * can aggregate (measured as the transfer alone; Vega would then still have to aggregate 100M rows).
 * Same local server, same run, alternating; prints medians, ratios and the bytes each side received
 * (goal for the pushdown: ≤ 1 MB).
 *
 *   npm run bench:charts                         # 100M rows, 3 rounds
 *   BENCH_ROWS=10000000 BENCH_ROUNDS=5 npm run bench:charts
 *   BENCH_FETCH_ALL=0 npm run bench:charts       # skip the (slow) fetch-every-row peer
 */
import { join } from 'node:path';
import { chartFieldsOf } from '../src/core/charts/chartFields.js';
import { chartInSpark, schemaOnlySql } from '../src/core/charts/chartData.js';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 100_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const fetchAll = process.env.BENCH_FETCH_ALL !== '0';
const query = `SELECT id,
  concat('region-', CAST(id % 12 AS STRING)) AS region,
  CAST(id % 100000 AS DOUBLE) * 0.37 AS amount,
  timestamp_seconds(1700000000 + id) AS at
FROM range(0, ${rows}, 1, 8)`;

interface Case {
  readonly name: string;
  readonly spec: Record<string, unknown>;
  /** The queries a person would write by hand for this chart (a histogram needs the extent first). */
  readonly bare: readonly string[];
  /** The columns the chart reads: what a viewer without pushdown has to fetch. */
  readonly columns: string;
}

const cases: Case[] = [
  {
    name: 'bar: sum(amount) by region',
    spec: {
      mark: 'bar',
      encoding: {
        x: { field: 'region', type: 'nominal', sort: '-y' },
        y: { field: 'amount', type: 'quantitative', aggregate: 'sum' },
      },
    },
    bare: [`SELECT region, sum(amount) AS revenue FROM (${query}) GROUP BY region`],
    columns: 'region, amount',
  },
  {
    name: 'histogram of amount (bins sized from the data)',
    spec: {
      mark: 'bar',
      encoding: {
        x: { field: 'amount', type: 'quantitative', bin: { maxbins: 40 } },
        y: { aggregate: 'count', type: 'quantitative' },
      },
    },
    // By hand: the extent, then 40 bins over it (the step here is what that extent gives).
    bare: [
      `SELECT min(amount), max(amount) FROM (${query})`,
      `SELECT floor(amount / 1000) AS bin, count(*) AS n FROM (${query}) GROUP BY 1`,
    ],
    columns: 'amount',
  },
  {
    name: 'line: mean(amount) per day, by region',
    spec: {
      mark: 'line',
      encoding: {
        x: { field: 'at', type: 'temporal', timeUnit: 'yearmonthdate' },
        y: { field: 'amount', type: 'quantitative', aggregate: 'mean' },
        color: { field: 'region', type: 'nominal' },
      },
    },
    bare: [`SELECT to_date(at) AS day, region, avg(amount) AS mean FROM (${query}) GROUP BY 1, 2`],
    columns: 'region, amount, at',
  },
];

const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 3 : 1)} MB`;

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureInstalled();
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
const state = await servers.start(runtime, {
  port,
  token: null,
  driverMemory: '4g',
  conf: { 'spark.sql.shuffle.partitions': '2' },
});
const stopServer = () => servers.stop(port);
process.once('SIGINT', () => void stopServer().finally(() => process.exit(130)));
const client = new SparkConnectClient(localServerUrl(state), { clientVersion: 'bench' });

interface Measured {
  seconds: number;
  bytes: number;
  rows: number;
}

async function measure(work: () => Promise<number>): Promise<Measured> {
  const bytesBefore = client.receivedBytes;
  const started = performance.now();
  const fetched = await work();
  return { seconds: (performance.now() - started) / 1000, bytes: client.receivedBytes - bytesBefore, rows: fetched };
}

async function drain(sql: string): Promise<number> {
  let count = 0;
  for await (const event of client.sql(sql)) if (event.type === 'batch') count += event.batch.numRows;
  return count;
}

/** Runs the queries one after the other; returns the rows of the last. */
async function drainAll(queries: readonly string[]): Promise<number> {
  let rows = 0;
  for (const sql of queries) rows = await drain(sql);
  return rows;
}

try {
  const fields = chartFieldsOf((await client.sql(schemaOnlySql(query)).toTable()).schema);
  const pushdown = async (spec: Record<string, unknown>) => {
    const result = await chartInSpark({ sql: query, spec, fields }, (sql) => client.sql(sql).toTable());
    if (result.kind !== 'aggregated') throw new Error(`not pushed down: ${result.reason}`);
    if (result.sourceRows !== rows) throw new Error(`the chart counted ${result.sourceRows} rows, not ${rows}`);
    return result.table.numRows;
  };
  log(`Warming up on ${rows.toLocaleString('en-US')} rows…`);
  await pushdown(cases[0]!.spec);
  await drainAll(cases[0]!.bare);

  const lines: string[] = [];
  for (const testCase of cases) {
    const ours: Measured[] = [];
    const bare: Measured[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternate which goes first, so neither always runs on a warmer (or more fragmented) JVM.
      if (round % 2 === 1) {
        ours.push(await measure(() => pushdown(testCase.spec)));
        bare.push(await measure(() => drainAll(testCase.bare)));
      } else {
        bare.push(await measure(() => drainAll(testCase.bare)));
        ours.push(await measure(() => pushdown(testCase.spec)));
      }
      log(
        `${testCase.name}, round ${round}: pushdown ${ours.at(-1)!.seconds.toFixed(2)} s (${mb(ours.at(-1)!.bytes)}, ` +
          `${ours.at(-1)!.rows} rows), bare aggregate ${bare.at(-1)!.seconds.toFixed(2)} s (${mb(bare.at(-1)!.bytes)})`,
      );
    }
    let all: Measured | undefined;
    let allFailed: string | undefined;
    // Once, for the first chart: fetching every row takes about a minute and then fails (see README).
    if (fetchAll && testCase === cases[0]) {
      log(`${testCase.name}: fetching every row of ${testCase.columns} (once)…`);
      const started = performance.now();
      const bytesBefore = client.receivedBytes;
      try {
        all = await measure(() => drain(`SELECT ${testCase.columns} FROM (${query})`));
      } catch (error) {
        // What a viewer without pushdown meets: the server may refuse to ship that much at all.
        const seconds = (performance.now() - started) / 1000;
        allFailed =
          `failed after ${seconds.toFixed(1)} s and ${mb(client.receivedBytes - bytesBefore)}: ` +
          (error instanceof Error ? error.message.split('\n')[0] : String(error));
        log(`${testCase.name}: fetch all ${allFailed}`);
      }
    }
    const [o, b] = [median(ours.map((m) => m.seconds)), median(bare.map((m) => m.seconds))];
    lines.push(
      `${testCase.name}\n` +
        `  pushdown:      ${o.toFixed(2)} s, ${mb(median(ours.map((m) => m.bytes)))} received, ${ours[0]!.rows} rows\n` +
        `  by hand:       ${b.toFixed(2)} s, ${mb(median(bare.map((m) => m.bytes)))} received\n` +
        (all
          ? `  fetch all:     ${all.seconds.toFixed(2)} s, ${mb(all.bytes)} received, ${all.rows.toLocaleString('en-US')} rows\n`
          : '') +
        (allFailed ? `  fetch all:     ${allFailed}\n` : '') +
        `  ratio pushdown / bare aggregate: ${(o / b).toFixed(2)} (goal ≤ 1.2)` +
        (all
          ? `; fetch all / pushdown: ${(all.seconds / o).toFixed(1)}× the time, ${(all.bytes / median(ours.map((m) => m.bytes))).toFixed(0)}× the bytes`
          : ''),
    );
  }
  console.log(`\nCharts over ${rows.toLocaleString('en-US')} rows, ${rounds} rounds (medians):\n${lines.join('\n')}`);
} finally {
  await client.close();
  await stopServer();
}
