import assert from 'node:assert/strict';
import { chartInSpark, countRows, schemaOnlySql } from '../../src/core/charts/chartData.js';
import { chartFieldsOf } from '../../src/core/charts/chartFields.js';
import { chartRowsOf } from '../../src/core/charts/chartRows.js';
import { renderSvg, runView } from '../../src/core/charts/renderSvg.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { testServer } from '../support/sparkTestServer.js';

/**
 * The chart pushdown against real Spark: for each spec, the chart Vega draws from the aggregated rows
 * Spark returns must be the very chart Vega draws from every row of the result (same SVG, mark for
 * mark), while far fewer rows cross the wire.
 */
const QUERY = `
SELECT id,
       CASE id % 5 WHEN 0 THEN 'EMEA' WHEN 1 THEN 'APAC' WHEN 2 THEN 'AMER' WHEN 3 THEN '' ELSE NULL END AS region,
       CAST((id * 7919) % 100000 AS DECIMAL(12, 2)) / 100 AS amount,
       IF(id % 97 = 0, CAST('NaN' AS DOUBLE), IF(id % 89 = 0, NULL, sqrt(id) * 3.5)) AS latency,
       CAST(id % 13 AS INT) - 3 AS quantity,
       -- Across the 2024 spring and autumn DST changes in Europe/Berlin.
       timestamp_seconds(1711846800 + id * 397) AS ordered_at,
       CAST(timestamp_seconds(1711846800 + id * 397) AS TIMESTAMP_NTZ) AS wall_clock,
       date_add(DATE'2024-02-20', CAST(id % 40 AS INT)) AS day
FROM range(0, 60000, 1, 4)
`;
const ZONE = 'Europe/Berlin';

const specs: Record<string, Record<string, unknown>> = {
  'bar: sum per category, largest first': {
    mark: 'bar',
    encoding: {
      x: { field: 'region', type: 'nominal', sort: '-y' },
      y: { field: 'amount', type: 'quantitative', aggregate: 'sum' },
    },
  },
  'histogram with NaN and NULL values, bins sized from the data': {
    mark: 'bar',
    encoding: {
      x: { field: 'latency', type: 'quantitative', bin: { maxbins: 30 } },
      y: { aggregate: 'count', type: 'quantitative' },
    },
  },
  'histogram with a fixed extent narrower than the data (values below and above the bins)': {
    mark: 'bar',
    encoding: {
      x: { field: 'latency', type: 'quantitative', bin: { extent: [100, 400], step: 50 } },
      y: { aggregate: 'count', type: 'quantitative' },
    },
  },
  'line: mean per local month across DST, filtered, colored': {
    mark: 'line',
    transform: [{ filter: { field: 'region', oneOf: ['EMEA', 'APAC'] } }, { filter: { field: 'quantity', gt: 0 } }],
    encoding: {
      x: { field: 'ordered_at', type: 'temporal', timeUnit: 'yearmonthdate' },
      y: { field: 'amount', type: 'quantitative', aggregate: 'mean' },
      color: { field: 'region', type: 'nominal' },
    },
  },
  'stacked bars by weekday of a date, per region': {
    mark: 'bar',
    encoding: {
      x: { field: 'day', type: 'ordinal', timeUnit: 'day' },
      y: { field: 'quantity', type: 'quantitative', aggregate: 'sum' },
      color: { field: 'region', type: 'nominal' },
    },
  },
  'heat map of binned x and hours of a wall-clock timestamp, median and count': {
    mark: 'rect',
    encoding: {
      x: { field: 'amount', type: 'quantitative', bin: { maxbins: 12 } },
      y: { field: 'wall_clock', type: 'ordinal', timeUnit: 'hours' },
      color: { field: 'latency', type: 'quantitative', aggregate: 'median' },
      tooltip: [{ aggregate: 'count', type: 'quantitative' }],
    },
  },
};

describe('chart aggregation pushed into real Spark', function () {
  this.timeout(180_000);
  let client: SparkConnectClient;
  let allRows: Record<string, unknown>[];
  let fields: ReturnType<typeof chartFieldsOf>;
  const runSql = (sql: string) => client.sql(sql).toTable();

  const zoneBefore = process.env.TZ;
  before(async () => {
    // Vega draws local time units in the zone of the process (in the webview: of the page); the
    // pushdown is told the same zone, one with daylight saving time.
    process.env.TZ = ZONE;
    client = new SparkConnectClient(testServer().url);
    const table = await runSql(QUERY);
    allRows = chartRowsOf(table);
    fields = chartFieldsOf((await runSql(schemaOnlySql(QUERY))).schema);
    assert.equal(allRows.length, 60_000);
  });
  after(async () => {
    await client.close();
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: the same chart as Vega aggregating every row`, async () => {
      const pushed = await chartInSpark({ sql: QUERY, spec, fields, timeZone: ZONE }, runSql);
      assert.equal(pushed.kind, 'aggregated', pushed.kind === 'unsupported' ? pushed.reason : '');
      if (pushed.kind !== 'aggregated') return;
      const fetched = chartRowsOf(pushed.table);
      assert.ok(fetched.length < 1_000, `${fetched.length} aggregated rows`);
      const expected = await renderSvg({ ...spec, data: { name: 'result' } }, { result: allRows });
      const actual = await renderSvg(pushed.spec, { [String((pushed.spec.data as { name: string }).name)]: fetched });
      const [a, e] = [comparable(actual), comparable(expected)];
      if (a.join('><') !== e.join('><')) assert.fail(`the charts differ: ${firstDifference(a, e)}`);
      const filtered = spec.transform ? await filteredCount(spec) : allRows.length;
      assert.equal(pushed.sourceRows, filtered, 'the note counts the rows behind the chart');
    });
  }

  it('counts rows only as far as it needs to decide', async () => {
    assert.equal(await countRows(QUERY, 20_001, runSql), 20_001);
    assert.equal(await countRows('SELECT * FROM range(7)', 20_001, runSql), 7);
  });

  it('a chart over 100 million rows comes back as a few hundred aggregated rows', async () => {
    const sql = 'SELECT id % 7 AS bucket, id * 0.5 AS half FROM range(0, 100000000, 1, 8)';
    const big = chartFieldsOf((await runSql(schemaOnlySql(sql))).schema);
    const bytesBefore = client.receivedBytes;
    const pushed = await chartInSpark(
      {
        sql,
        spec: {
          mark: 'bar',
          encoding: { x: { field: 'bucket', type: 'ordinal' }, y: { field: 'half', aggregate: 'sum', type: 'quantitative' } },
        },
        fields: big,
      },
      runSql,
    );
    assert.equal(pushed.kind, 'aggregated');
    if (pushed.kind !== 'aggregated') return;
    assert.equal(pushed.sourceRows, 100_000_000);
    assert.equal(pushed.table.numRows, 7);
    const received = client.receivedBytes - bytesBefore;
    assert.ok(received < 64 * 1024, `${received} bytes received`);
  });

  /**
   * An SVG as its elements, sorted, with numbers to 4 decimals: Spark and Vega add doubles in different
   * orders (sums differ in the last bits), and Spark returns the groups in its own order, which only
   * changes the order in which non-overlapping marks are drawn.
   */
  function comparable(svg: string): string[] {
    return svg
      .replace(/gradient_\d+/g, 'gradient') // ids count up across renders in one process
      .replace(/-?\d+\.\d+(e[-+]?\d+)?/g, (n) => {
        const rounded = Number(n).toFixed(4);
        return rounded === '-0.0000' ? '0.0000' : rounded;
      })
      .split('><')
      .sort();
  }

  /** Where two charts first differ, element by element, for a readable failure. */
  function firstDifference(a: string[], e: string[]): string {
    const at = a.findIndex((part, i) => part !== e[i]);
    const index = at === -1 ? Math.min(a.length, e.length) : at;
    return `element ${index} of ${e.length}:\n  pushed down: <${a[index] ?? '(none)'}>\n  all rows:    <${e[index] ?? '(none)'}>`;
  }

  /** The rows left after the spec's filter transforms, counted by Vega itself. */
  async function filteredCount(spec: Record<string, unknown>): Promise<number> {
    const view = await runView(
      { mark: 'point', transform: spec.transform, data: { name: 'result' }, encoding: {} },
      { result: allRows },
    );
    try {
      const names = Object.keys((view as unknown as { _runtime: { data: Record<string, unknown> } })._runtime.data);
      const main = names.find((n) => n.startsWith('data_')) ?? 'data_0';
      return (view.data(main) as unknown[]).length;
    } finally {
      view.finalize();
    }
  }
});
