/**
 * A dashboard of four tiles over one large table (12 regions, 90 days): our render (every tile's queries run in Spark at
 * once, aggregation pushed down, until every tile's data is ready) against the same four aggregate
 * queries written by hand and run one after another by PySpark (the histogram's extent first, as a
 * person must). Same local server, same run, alternating, medians; goal ≤ 1.0. Then the page is written
 * (its size; goal < 2 MB) and opened in headless Chromium, offline, to time the drawing of all four.
 *
 *   npm run bench:dashboard                      # 100,000,000 rows, 3 rounds
 *   BENCH_ROWS=10000000 BENCH_ROUNDS=5 npm run bench:dashboard
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { parseDashboard } from '../src/core/dashboards/dashboardFile.js';
import { clientTileQueries, dashboardPage, renderDashboard } from '../src/core/dashboards/dashboardRender.js';
import { readPageAssets } from '../src/core/pages/selfContainedPage.js';
import { projectRoot } from '../scripts/runtimeDir.mjs';
import { openOffline } from '../test/support/offlinePage.js';
import { startBenchServer } from './benchServer.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 100_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const TABLE = 'bench_dashboard_sales';

const DASHBOARD = `title: Sales
tiles:
  - title: Revenue by region
    dataset: ${TABLE}
    chart: { mark: bar, x: region, y: sum(amount) }
  - title: Mean per day, by region
    sql: SELECT at, region, amount FROM ${TABLE}
    chart: { mark: line, x: yearmonthdate(at), y: mean(amount), color: region }
  - title: Amounts
    dataset: ${TABLE}
    vega_lite:
      mark: bar
      encoding:
        x: { field: amount, type: quantitative, bin: { maxbins: 40 } }
        y: { aggregate: count, type: quantitative }
  - title: Sales
    sql: SELECT count(*) AS sales, sum(amount) AS revenue FROM ${TABLE}
    number: { format: "," }
`;

/** The same four by hand: what a person writes for these charts (the histogram needs its extent first). */
const BY_HAND = [
  `SELECT region, sum(amount) FROM ${TABLE} GROUP BY region`,
  `SELECT to_date(at) AS day, region, avg(amount) FROM ${TABLE} GROUP BY 1, 2`,
  `SELECT min(amount), max(amount) FROM ${TABLE}`,
  `SELECT floor(amount / 1000) AS bin, count(*) FROM ${TABLE} GROUP BY 1`,
  `SELECT count(*), sum(amount) FROM ${TABLE}`,
];

const server = await startBenchServer(log, { 'spark.sql.shuffle.partitions': '2' });
const client = new SparkConnectClient(server.url, { clientVersion: 'bench' });
const folder = mkdtempSync(join(tmpdir(), 'sw-bench-dashboard-'));
const peer = spawn(server.runtime.pythonExecutable, [join(projectRoot, 'bench', 'pyspark_worker.py'), server.url], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const answers = createInterface({ input: peer.stdout! })[Symbol.asyncIterator]();
const ask = async (query: string): Promise<{ seconds: number; rows: number }> => {
  peer.stdin!.write(`${JSON.stringify({ query })}\n`);
  const line = await answers.next();
  if (line.done) throw new Error('the PySpark process ended');
  return JSON.parse(line.value) as { seconds: number; rows: number };
};

try {
  log(`Writing ${rows.toLocaleString('en-US')} rows as Parquet…`);
  await client.sql(`DROP TABLE IF EXISTS ${TABLE}`).toTable();
  await client
    .sql(
      `CREATE TABLE ${TABLE} USING parquet AS SELECT
         concat('region-', CAST(id % 12 AS STRING)) AS region,
         CAST(id % 100000 AS DOUBLE) * 0.37 AS amount,
         timestamp_seconds(1700000000 + CAST(id * (86400 * 90 / ${rows}) AS BIGINT)) AS at
       FROM range(0, ${rows}, 1, 8)`,
    )
    .toTable();
  const ready = await answers.next();
  log(`PySpark ${(JSON.parse(ready.value as string) as { ready: string }).ready} ready`);
  const definition = parseDashboard(DASHBOARD);
  if (definition.problems.length) throw new Error(JSON.stringify(definition.problems));
  const queries = clientTileQueries(client);
  const ours = async () => {
    const started = performance.now();
    const rendered = await renderDashboard(definition, {}, queries);
    if (rendered.failedTiles) throw new Error(JSON.stringify(rendered.tiles));
    return { seconds: (performance.now() - started) / 1000, rendered };
  };
  const byHand = async () => {
    let seconds = 0;
    for (const query of BY_HAND) seconds += (await ask(query)).seconds;
    return seconds;
  };
  log('Warming up…');
  let last = await ours();
  await byHand();
  const oursSeconds: number[] = [];
  const peerSeconds: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    if (round % 2 === 1) {
      last = await ours();
      oursSeconds.push(last.seconds);
      peerSeconds.push(await byHand());
    } else {
      peerSeconds.push(await byHand());
      last = await ours();
      oursSeconds.push(last.seconds);
    }
    log(
      `round ${round}: dashboard ${oursSeconds.at(-1)!.toFixed(2)} s, PySpark one after another ${peerSeconds.at(-1)!.toFixed(2)} s`,
    );
  }
  const total = last.rendered.tiles['tile-3'];
  const counted = total?.state === 'done' && total.content.kind === 'number' ? total.content.value : undefined;
  if (counted !== rows) throw new Error(`the Sales tile counted ${counted}, not ${rows}`);

  const page = dashboardPage(last.rendered, 'bench', await readPageAssets(join(projectRoot, 'dist', 'webview'), 'dashboard'));
  const file = join(folder, 'dashboard.html');
  writeFileSync(file, page);
  const opened = await openOffline(file);
  const drawStarted = performance.now();
  await opened.page.waitForSelector('body[data-drawn="true"]', { timeout: 60_000 });
  const drawSeconds = (performance.now() - drawStarted) / 1000;
  const marks = await opened.page.locator('svg .mark-rect path, svg .mark-line path').count();
  const requests = opened.requests.length;
  await opened.close();
  if (requests) throw new Error(`the page made ${requests} requests`);

  const [o, p] = [median(oursSeconds), median(peerSeconds)];
  console.log(
    `\nA dashboard of 4 tiles over ${rows.toLocaleString('en-US')} rows, ${rounds} rounds (medians):\n` +
      `  dashboard, every tile's data ready: ${o.toFixed(2)} s\n` +
      `  PySpark, the same aggregates by hand, one after another: ${p.toFixed(2)} s\n` +
      `  ratio: ${(o / p).toFixed(2)} (goal ≤ 1.0)\n` +
      `  the page: ${(Buffer.byteLength(page) / 1e6).toFixed(2)} MB (goal < 2 MB), drawn offline in ${drawSeconds.toFixed(2)} s (${marks} marks)`,
  );
} finally {
  peer.kill();
  await client
    .sql(`DROP TABLE IF EXISTS ${TABLE}`)
    .toTable()
    .catch(() => undefined);
  await client.close();
  await server.stop();
  rmSync(folder, { recursive: true, force: true });
}
