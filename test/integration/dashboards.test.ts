import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { openOffline, type OfflinePage } from '../support/offlinePage.js';
import { cli } from '../support/runCli.js';
import { projectRoot, testServer } from '../support/sparkTestServer.js';

/** The values the results viewer is tested with: markup, NULL, empty text, the characters that end a script. */
const HOSTILE = [
  '<img src=x onerror="document.body.dataset.pwned=1">',
  '</script><script>document.body.dataset.pwned=1</script>',
  "'; DROP TABLE t; --",
  '',
];

/**
 * Dashboards rendered by the CLI on real Spark, then opened as a reader would: in headless Chromium,
 * offline, every request refused and recorded. Numbers on the page are compared with Spark's own.
 */
describe('dashboards: rendered headless, opened offline', function () {
  this.timeout(300_000);
  const schema = `dash_it_${Date.now() % 100000}`;
  const folder = mkdtempSync(join(tmpdir(), 'sw-dashboards-it-'));
  const shots = join(projectRoot(), 'test-results', 'dashboards');
  const file = join(folder, 'sales.dashboard.yml');
  let client: SparkConnectClient;
  let opened: OfflinePage | undefined;

  const dashboard = `title: Sales
parameters:
  period:
    type: date_range
    default: { from: 2024-01-01, to: 2024-01-31 }
  segment:
    type: choice
    choices_sql: SELECT DISTINCT segment FROM ${schema}.sales ORDER BY 1
    all: true
tiles:
  - title: Revenue
    sql: |
      SELECT sum(amount) AS revenue, sum(CASE WHEN day < DATE'2024-01-16' THEN amount END) AS first_half
      FROM ${schema}.sales
      WHERE day BETWEEN :period_from AND :period_to AND (:segment IS NULL OR segment = :segment)
    number: { value: revenue, previous: first_half, format: ",.2f" }
    width: 4
  - title: Daily revenue
    dataset: ${schema}.sales
    where: day BETWEEN :period_from AND :period_to AND (:segment IS NULL OR segment = :segment)
    chart: { mark: line, x: day, y: sum(amount), color: segment }
    width: 8
  - title: Per segment
    sql: SELECT segment, amount FROM ${schema}.sales WHERE day BETWEEN :period_from AND :period_to
    chart: { mark: bar, x: segment, y: sum(amount) }
  - title: Amounts
    dataset: ${schema}.sales
    vega_lite:
      mark: bar
      encoding:
        x: { field: amount, type: quantitative, bin: { maxbins: 10 } }
        y: { aggregate: count, type: quantitative }
  - title: Hostile
    sql: SELECT v FROM ${schema}.hostile ORDER BY k
    table:
  - title: Broken
    sql: |
      SELECT segment,
             amount_typo
      FROM ${schema}.sales
    table:
  - title: Wrong column
    sql: SELECT segment, amount FROM ${schema}.sales
    chart: { mark: bar, x: segmnt, y: sum(amount) }
`;

  before(async () => {
    mkdirSync(shots, { recursive: true });
    client = new SparkConnectClient(testServer().url);
    await client.sql(`CREATE SCHEMA ${schema}`).toTable();
    // 30,000 sales over the 60 days from 2024-01-01, in three segments, with amounts 0.00 to 99.99.
    await client
      .sql(
        `CREATE TABLE ${schema}.sales USING parquet AS
         SELECT date_add(DATE'2024-01-01', CAST(id % 60 AS INT)) AS day,
                element_at(array('North', 'South', 'East'), CAST((id DIV 60) % 3 AS INT) + 1) AS segment,
                CAST((id * 37) % 10000 AS DECIMAL(10, 2)) / 100 AS amount
         FROM range(30000)`,
      )
      .toTable();
    const values = HOSTILE.map((v, i) => `(${i}, '${v.replace(/'/g, "''")}')`).join(', ');
    await client
      .sql(`CREATE TABLE ${schema}.hostile USING parquet AS SELECT * FROM VALUES ${values}, (9, NULL) AS t(k, v)`)
      .toTable();
    writeFileSync(file, dashboard);
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  after(async () => {
    await client
      ?.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      .toTable()
      .catch(() => undefined);
    await client?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const render = (out: string, params: string[] = []) =>
    cli(['dashboard', 'render', file, '--out', out, '--remote', testServer().url, ...params.flatMap((p) => ['--param', p])]);
  const sparkNumber = async (sql: string) =>
    Number((await client.sql(`SELECT CAST((${sql}) AS DOUBLE)`).toTable()).getChildAt(0)!.get(0));
  const tileText = (id: number) => opened!.page.locator(`#tile-${id}`).innerText();
  const line = (fragment: string) => dashboard.slice(0, dashboard.indexOf(fragment)).split('\n').length;

  it('draws every tile offline from one file: charts as SVG marks, numbers equal to Spark’s, broken tiles with their error in place', async () => {
    const out = join(folder, 'sales.html');
    const run = await render(out);
    assert.equal(run.code, 1, 'two tiles fail, and the exit status says so');
    assert.match(run.stderr, /5 of 7 tiles drawn/);
    // Each failure at its place in the file: the misspelt column in the SQL, the chart's unknown field.
    assert.match(run.stderr, new RegExp(`sales\\.dashboard\\.yml:${line('amount_typo')}:14: error Tile 'Broken': .*amount_typo`));
    assert.match(
      run.stderr,
      new RegExp(
        `sales\\.dashboard\\.yml:${line('segmnt')}:\\d+: error The tile's query has no column 'segmnt'. Did you mean 'segment'\\?`,
      ),
    );
    const size = statSync(out).size;
    assert.ok(size < 2 * 1024 * 1024, `the page is ${size} bytes`);

    opened = await openOffline(out);
    const { page } = opened;
    await page.waitForSelector('body[data-drawn="true"]');
    await page.screenshot({ path: join(shots, 'sales.png'), fullPage: true });
    assert.deepEqual(opened.requests, [], 'the page asked for nothing');
    assert.deepEqual(opened.consoleErrors, []);
    assert.equal(await page.evaluate(() => document.body.dataset.cspViolations ?? ''), '');

    const states = await page.locator('.tile').evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.state));
    assert.deepEqual(states, ['done', 'done', 'done', 'done', 'done', 'error', 'error']);
    assert.match(await tileText(5), /amount_typo/);
    assert.match(await tileText(6), /Did you mean 'segment'/);

    const revenue = await sparkNumber(
      `SELECT sum(amount) FROM ${schema}.sales WHERE day BETWEEN DATE'2024-01-01' AND DATE'2024-01-31'`,
    );
    const firstHalf = await sparkNumber(
      `SELECT sum(amount) FROM ${schema}.sales WHERE day BETWEEN DATE'2024-01-01' AND DATE'2024-01-15'`,
    );
    const format = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    assert.equal(await page.locator('#tile-0 .number-value').innerText(), format(revenue));
    assert.match(
      await page.locator('#tile-0 .number-change').innerText(),
      new RegExp(`from ${format(firstHalf).replace(/\./g, '\\.')}`),
    );

    // Charts: SVG marks, one line per segment over 31 days; one bar per segment with Spark's sums.
    assert.equal(await page.locator('#tile-1 svg .mark-line path').count(), 3);
    assert.match(await tileText(1), /Aggregated in Spark from 15,500 rows \(93 fetched\)/);
    const bars = await page.locator('#tile-2 svg .mark-rect path').count();
    assert.equal(bars, 3);
    const data = JSON.parse(
      readFileSync(out, 'utf8').match(/<script type="application\/json" id="dashboard-data">(.*?)<\/script>/s)![1]!,
    ) as { tiles: Record<string, { content: { rows: Record<string, unknown>[] } }> };
    const perSegment = data.tiles['tile-2']!.content.rows;
    for (const segment of ['North', 'South', 'East']) {
      const expected = await sparkNumber(
        `SELECT CAST(sum(amount) AS DOUBLE) FROM ${schema}.sales WHERE day BETWEEN DATE'2024-01-01' AND DATE'2024-01-31' AND segment = '${segment}'`,
      );
      const row = perSegment.find((r) => r.segment === segment)!;
      const drawn = Object.entries(row).find(([k]) => k !== 'segment' && !k.startsWith('__'))![1] as number;
      assert.ok(Math.abs(drawn - expected) < 1e-6, `${segment}: ${drawn} vs ${expected}`);
    }
    assert.ok((await page.locator('#tile-3 svg .mark-rect path').count()) >= 5, 'the histogram has its bins');
    // A chart's PNG button saves that chart, offline too.
    const download = page.waitForEvent('download');
    await page.locator('#tile-2 .tile-png').click();
    const png = await download;
    assert.equal(png.suggestedFilename(), 'Per_segment.png');
    const bytes = readFileSync((await png.path())!);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');

    // Hostile values are text: nothing made of them, nothing run.
    const cells = await page.locator('#tile-4 td').allInnerTexts();
    assert.deepEqual(cells, [...HOSTILE, 'NULL']);
    assert.equal(await page.locator('#tile-4 img').count(), 0);
    assert.equal(await page.locator('body[data-pwned]').count(), 0);
    assert.ok(!readFileSync(out, 'utf8').includes('</script><script>document'), 'the data cannot end its script block');
  });

  it('binds parameters as values: a segment and a range change the figures as Spark computes them', async () => {
    const out = join(folder, 'south.html');
    const run = await render(out, ['period=2024-01-10..2024-01-19', 'segment=South']);
    assert.equal(run.code, 1, run.stderr);
    opened = await openOffline(out);
    await opened.page.waitForSelector('body[data-drawn="true"]');
    await opened.page.screenshot({ path: join(shots, 'south.png'), fullPage: true });
    const revenue = await sparkNumber(
      `SELECT sum(amount) FROM ${schema}.sales WHERE day BETWEEN DATE'2024-01-10' AND DATE'2024-01-19' AND segment = 'South'`,
    );
    assert.equal(
      await opened.page.locator('#tile-0 .number-value').innerText(),
      revenue.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    );
    assert.equal(await opened.page.locator('#tile-1 svg .mark-line path').count(), 1, 'one segment, one line');
    assert.equal(await opened.page.locator('select[name="segment"]').inputValue(), 'South');
    assert.deepEqual(opened.requests, []);

    // A value that would be SQL in a pasted query is only a value here: no rows, no error.
    const injected = await render(join(folder, 'injected.html'), ["segment=x' OR '1'='1"]);
    assert.match(injected.stderr, /'x' OR '1'='1' is not a choice of segment: All, East, North, South/);
    const unknown = await render(join(folder, 'unknown.html'), ['region=North']);
    assert.match(unknown.stderr, /The dashboard has no parameter 'region'. Parameters: period, segment/);
    assert.notEqual(unknown.code, 0);
  });

  it("a quality tile draws the checks' last runs as the CLI kept them", async () => {
    const checks = join(folder, 'sales.quality.yml');
    writeFileSync(
      checks,
      `datasets:\n  ${schema}.sales:\n    - not_null: segment\n    - between: amount\n      min: 0\n      max: 50\n`,
    );
    for (let run = 0; run < 2; run++) {
      const checked = await cli(['quality', 'check', checks, '--remote', testServer().url]);
      assert.equal(checked.code, 1, checked.stderr);
    }
    const trend = join(folder, 'trend.dashboard.yml');
    writeFileSync(
      trend,
      'title: Checks\ntiles:\n  - title: Data quality, last runs\n    quality: sales.quality.yml\n    width: 12\n',
    );
    const out = join(folder, 'trend.html');
    const run = await cli(['dashboard', 'render', trend, '--out', out, '--remote', testServer().url]);
    assert.equal(run.code, 0, run.stderr);
    opened = await openOffline(out);
    await opened.page.waitForSelector('body[data-drawn="true"]');
    await opened.page.screenshot({ path: join(shots, 'quality-trend.png'), fullPage: true });
    assert.match(await opened.page.locator('#tile-0 .tile-note').innerText(), /^The last \d+ runs of sales\.quality\.yml\.$/);
    // Each run: one check passed (not_null), one failed (amounts above 50): two bars per run.
    assert.ok((await opened.page.locator('#tile-0 svg .mark-rect path').count()) >= 4);
    assert.deepEqual(opened.requests, []);
  });

  it('a malformed dashboard is refused with each problem at its line, and no page is written', async () => {
    const bad = join(folder, 'bad.dashboard.yml');
    writeFileSync(bad, 'title: Bad\ntiles:\n  - title: A\n    sql: SELECT 1\n    chart: { mark: lines, x: a }\n');
    const out = join(folder, 'bad.html');
    const run = await cli(['dashboard', 'render', bad, '--out', out, '--remote', testServer().url]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.dashboard\.yml:5:20: error mark is one of line, bar.* Did you mean 'line'\?/);
    assert.throws(() => statSync(out));
  });
});
