import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { shorthandSpec } from '../../src/core/dashboards/chartShorthand.js';
import { parseDashboard, type DashboardTile } from '../../src/core/dashboards/dashboardFile.js';
import { dashboardName } from '../../src/core/dashboards/dashboardFileNames.js';
import {
  argsFor,
  parameterArgs,
  parameterControls,
  parseParameterOptions,
} from '../../src/core/dashboards/dashboardParameters.js';
import { tileQuery } from '../../src/core/dashboards/dashboardRun.js';
import { selfContainedPage } from '../../src/core/pages/selfContainedPage.js';
import { runReportHtml } from '../../src/core/reports/runReport.js';
import { parseDashboardMessage } from '../../src/webview/dashboard/protocol.js';

const at = (text: string, fragment: string, nth = 0) => {
  let index = -1;
  for (let i = 0; i <= nth; i++) index = text.indexOf(fragment, index + 1);
  assert.ok(index >= 0, `${fragment} not in the text`);
  return index;
};

const EXAMPLE = 'examples/retail/dashboard.yml';

describe('dashboard files', () => {
  it('reads parameters and tiles of every kind, with defaults', () => {
    const text = `title: Sales
parameters:
  period: { type: date_range, default: { from: 2024-01-01, to: 2024-01-31 } }
  segment: { type: choice, choices: [north, south], all: true }
  search: { type: text, label: Customer }
tiles:
  - title: Trend
    sql: SELECT date, amount FROM t WHERE date BETWEEN :period_from AND :period_to
    chart: { mark: line, x: month(date), y: sum(amount), color: segment }
    width: 12
  - title: Rows
    dataset: retail.sales
    where: segment = :segment
    table: { rows: 5 }
  - title: Total
    sql: SELECT 1 AS n
    number:
  - title: Spec
    sql: SELECT 1 AS n
    vega_lite: { mark: point, encoding: { x: { field: n, type: quantitative } } }
    height: 3
`;
    const dashboard = parseDashboard(text);
    assert.deepEqual(dashboard.problems, []);
    assert.equal(dashboard.title, 'Sales');
    assert.deepEqual(
      dashboard.parameters.map((p) => [p.kind, p.name, p.label]),
      [
        ['date_range', 'period', 'period'],
        ['choice', 'segment', 'segment'],
        ['text', 'search', 'Customer'],
      ],
    );
    const [trend, rows, total, spec] = dashboard.tiles as DashboardTile[];
    assert.deepEqual([trend!.width, trend!.height, rows!.width, total!.height, spec!.height], [12, 2, 6, 1, 3]);
    assert.equal(trend!.view.kind === 'chart' && trend!.view.shorthand?.x?.timeUnit, 'month');
    assert.equal(trend!.view.kind === 'chart' && trend!.view.shorthand?.y?.aggregate, 'sum');
    assert.deepEqual(rows!.view, { kind: 'table', rows: 5 });
    assert.deepEqual(total!.view, { kind: 'number' });
    assert.equal(spec!.view.kind === 'chart' && spec!.view.spec?.mark, 'point');
  });

  it('puts each mistake at its text, with the nearest name', () => {
    const text = `title: Bad
paramters: {}
parameters:
  period: { type: date_range, default: { from: 2024-02-30, to: 2024-03-01 } }
  kind: { type: choise }
tiles:
  - title: A
    sql: SELECT :segmnt
    chart: { mark: lines, x: a }
  - title: B
    dataset: t
    sql: SELECT 1
    table:
  - title: C
    sql: SELECT 1
    chart: { mark: bar, x: avg(a) }
    width: 13
`;
    const { problems, tiles } = parseDashboard(text);
    const find = (fragment: string) => problems.find((p) => p.start === at(text, fragment));
    assert.match(find('paramters')!.message, /Did you mean 'parameters'/);
    assert.match(find('{ from: 2024-02-30')!.message, /YYYY-MM-DD/);
    assert.match(find('choise')!.message, /date_range, choice, text/);
    assert.match(find('lines')!.message, /Did you mean 'line'/);
    assert.match(
      find('- title: B'.slice(2))?.message ?? problems.find((p) => p.message.includes("'B'"))!.message,
      /reads one of `sql:`, `dataset:` or `quality:`/,
    );
    assert.match(find('avg(a)')!.message, /Did you mean 'mean'|'avg' is neither/);
    assert.match(find('13')!.message, /1 to 12/);
    assert.deepEqual(tiles, [], 'a tile with a problem is left out');
  });

  it('says which :name no parameter binds, at the marker', () => {
    const text = `parameters:
  segment: { type: choice, choices: [a] }
tiles:
  - title: A
    sql: |
      SELECT *
      FROM t WHERE s = :segmnt
    table:
`;
    const { problems } = parseDashboard(text);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.start, at(text, ':segmnt'));
    assert.equal(problems[0]!.end, at(text, ':segmnt') + ':segmnt'.length);
    assert.match(problems[0]!.message, /Did you mean :segment\?/);
  });

  it("maps a span of a tile's SQL back to the file (block, plain and quoted scalars; a dataset's filter)", () => {
    const text = `tiles:
  - title: Block
    sql: |
      SELECT a,
             b FROM t
    table:
  - title: Plain
    sql: SELECT c FROM t
    table:
  - title: Quoted
    sql: "SELECT d FROM t"
    table:
  - title: Filter
    dataset: retail.t
    where: e > 1
    table:
`;
    const tiles = parseDashboard(text).tiles;
    const locate = (tile: number, fragment: string) => {
      const query = tileQuery(tiles[tile]!);
      const start = query.sql.indexOf(fragment);
      return query.locate(start, start + fragment.length);
    };
    assert.deepEqual(locate(0, 'b'), { start: at(text, 'b FROM'), end: at(text, 'b FROM') + 1 });
    assert.deepEqual(locate(1, 'c'), { start: at(text, 'c FROM'), end: at(text, 'c FROM') + 1 });
    assert.deepEqual(locate(2, 'd'), { start: at(text, 'd FROM'), end: at(text, 'd FROM') + 1 });
    assert.deepEqual(locate(3, 'e > 1'), { start: at(text, 'e > 1'), end: at(text, 'e > 1') + 5 });
    assert.equal(tileQuery(tiles[3]!).sql, 'SELECT * FROM retail.t WHERE (e > 1)');
    assert.deepEqual(locate(3, 'retail.t'), { start: at(text, 'retail.t'), end: at(text, 'retail.t') + 'retail.t'.length });
  });

  it("reads a quality tile (a pipeline's checks over its last runs), which draws its own chart", () => {
    const ok = parseDashboard('tiles:\n  - title: Q\n    quality: spark-pipeline.yml\n');
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.tiles[0]!.source, {
      kind: 'quality',
      path: 'spark-pipeline.yml',
      range: ok.tiles[0]!.source.kind === 'quality' ? ok.tiles[0]!.source.range : undefined,
    });
    const both = parseDashboard('tiles:\n  - title: Q\n    quality: spark-pipeline.yml\n    table:\n');
    assert.match(both.problems[0]!.message, /draws its own chart/);
  });

  it('names a dashboard after its file, or its folder for dashboard.yml', () => {
    assert.equal(dashboardName('/w/sales.dashboard.yml'), 'sales');
    assert.equal(dashboardName('/w/retail/dashboard.yml'), 'retail');
  });

  it('reads the example, which its JSON schema accepts too', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const dashboard = parseDashboard(text);
    assert.deepEqual(dashboard.problems, []);
    assert.ok(dashboard.tiles.length >= 8);
    const schema = JSON.parse(readFileSync('schemas/spark-dashboard.schema.json', 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    assert.ok(validate(parse(text)), JSON.stringify(validate.errors));
    assert.equal(validate(parse('tiles: [{title: x, sql: SELECT 1, chart: {mark: lines}}]')), false);
  });
});

describe('chart shorthand', () => {
  const fields = [
    { name: 'date', type: 'temporal', storage: 'date' },
    { name: 'amount', type: 'quantitative', storage: 'double' },
    { name: 'segment', type: 'nominal', storage: 'string' },
  ] as const;
  const chart = (source: string) => {
    const tile = parseDashboard(`tiles:\n  - sql: SELECT 1\n    chart: ${source}\n`).tiles[0]!;
    assert.equal(tile.view.kind, 'chart');
    return shorthandSpec(tile.view.kind === 'chart' ? tile.view.shorthand! : (undefined as never), fields as never);
  };

  it('types each field from the query and draws dates in UTC', () => {
    assert.deepEqual(chart('{ mark: line, x: month(date), y: sum(amount), color: segment }'), {
      spec: {
        mark: { type: 'line', tooltip: true, point: false },
        encoding: {
          x: { field: 'date', type: 'temporal', timeUnit: { unit: 'month', utc: true }, scale: { type: 'utc' } },
          y: { field: 'amount', type: 'quantitative', aggregate: 'sum' },
          color: { field: 'segment', type: 'nominal' },
        },
      },
    });
    assert.deepEqual(chart('{ mark: bar, x: segment, y: count() }'), {
      spec: {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'segment', type: 'nominal' },
          y: { aggregate: 'count', type: 'quantitative', title: 'Count' },
        },
      },
    });
  });

  it('names a column the query lacks, with the nearest one, and refuses sums of text', () => {
    const missing = chart('{ mark: bar, x: segmnt, y: sum(amount) }');
    assert.ok('problems' in missing);
    assert.match(missing.problems[0]!.message, /no column 'segmnt'. Did you mean 'segment'\?/);
    const text = chart('{ mark: bar, x: date, y: sum(segment) }');
    assert.ok('problems' in text);
    assert.match(text.problems[0]!.message, /sum\(\) needs a numeric column/);
  });
});

describe('dashboard parameters', () => {
  const { parameters } = parseDashboard(`parameters:
  period: { type: date_range, default: { from: 2024-01-01, to: 2024-01-31 } }
  segment: { type: choice, choices: [north], all: true }
  name: { type: text, default: x }
tiles: []
`);

  it('binds a range as two dates, All as NULL, text as a string, and only what a query names', () => {
    const controls = parameterControls(parameters, { segment: null }, new Map([['segment', ['south']]]));
    assert.deepEqual(controls[1], {
      kind: 'choice',
      name: 'segment',
      label: 'segment',
      choices: ['north', 'south'],
      all: true,
      value: null,
    });
    const args = parameterArgs(controls);
    assert.deepEqual(args, {
      period_from: { type: 'date', value: '2024-01-01' },
      period_to: { type: 'date', value: '2024-01-31' },
      segment: { type: 'null' },
      name: { type: 'string', value: 'x' },
    });
    assert.deepEqual(argsFor("SELECT ':name' FROM t WHERE d >= :period_from", args), { period_from: args.period_from });
    assert.equal(argsFor('SELECT 1', args), undefined);
  });

  it('falls back to the default for a value that is no longer a choice', () => {
    assert.equal((parameterControls(parameters, { segment: 'gone' })[1] as { value: unknown }).value, null);
    assert.equal((parameterControls(parameters, { segment: 'north' })[1] as { value: unknown }).value, 'north');
  });

  it('reads command-line values, refusing unknown names and bad ranges', () => {
    assert.deepEqual(parseParameterOptions(parameters, ['period=2024-02-01..2024-02-29', 'segment=All', 'name=a=b']), {
      period: { from: '2024-02-01', to: '2024-02-29' },
      segment: null,
      name: 'a=b',
    });
    assert.throws(() => parseParameterOptions(parameters, ['sgment=x']), /no parameter 'sgment'/);
    assert.throws(() => parseParameterOptions(parameters, ['period=2024-02-30..2024-03-01']), /date range/);
  });
});

describe('exported dashboard pages', () => {
  it('inline the data so it cannot end its script block, and allow only their own script and style', () => {
    const page = selfContainedPage(
      '<b>T</b>',
      { value: '</script><script>alert(1)</script>' },
      { script: 'run()', css: 'body{}' },
    );
    assert.ok(!page.includes('</script><script>alert(1)'));
    assert.ok(page.includes('\\u003c/script>'));
    assert.ok(page.includes('<title>&#60;b&#62;T&#60;/b&#62;</title>'));
    const csp = /content="([^"]+)"/.exec(page)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-[^']+'(;|$)/);
    assert.doesNotMatch(csp, /unsafe/);
  });
});

describe('dashboard webview messages', () => {
  it('are checked field by field', () => {
    assert.deepEqual(parseDashboardMessage({ type: 'refresh' }), { type: 'refresh' });
    assert.deepEqual(
      parseDashboardMessage({ type: 'setParameters', values: { p: { from: '2024-01-01', to: '2024-01-02' }, s: null, t: 'x' } }),
      { type: 'setParameters', values: { p: { from: '2024-01-01', to: '2024-01-02' }, s: null, t: 'x' } },
    );
    assert.equal(
      parseDashboardMessage({ type: 'setParameters', values: { p: { from: '2024-01-01; DROP', to: 'x' } } }),
      undefined,
    );
    assert.equal(parseDashboardMessage({ type: 'savePng', tileTitle: 't', dataUrl: 'https://evil' }), undefined);
    assert.equal(parseDashboardMessage({ type: 'exec' }), undefined);
  });
});

describe('run reports', () => {
  const location = { file: 't/orders.sql', line: 1, start: 0, end: 10 };
  const summary = {
    outcome: 'failed',
    dry: false,
    durationMs: 2500,
    message: 'A flow failed',
    errorClass: 'X',
    errors: [{ file: 't/bad.sql', line: 3, column: 7, message: '<b>amountt</b> not found' }],
    datasets: [
      { name: 'orders', kind: 'materialized view', state: 'completed', rows: 1200, durationMs: 900 },
      { name: 'bad', kind: 'materialized view', state: 'failed' },
    ],
    graph: {
      datasets: [
        { name: 'orders', kind: 'materializedView', location },
        { name: 'bad', kind: 'materializedView', location },
      ],
      flows: [
        { name: 'orders', target: 'orders', reads: [], location },
        { name: 'bad', target: 'bad', reads: ['orders'], location },
      ],
    },
    quality: [
      {
        dataset: 'orders',
        rows: 1200,
        source: 'orders',
        durationMs: 10,
        results: [
          {
            check: {
              kind: 'not_null',
              name: 'customer_present',
              dataset: 'orders',
              column: 'customer',
              severity: 'error',
              mostly: 1,
              location,
            },
            status: 'failed',
            checked: 1200,
            failing: 3,
            samples: ['<img src=x onerror=alert(1)>'],
            message: '3 of 1,200 rows failed',
          },
        ],
      },
    ],
  };
  const page = () =>
    runReportHtml(
      {
        title: 'orders: pipeline run',
        startedAt: Date.UTC(2024, 0, 2, 3, 4, 5),
        sparkVersion: '4.2.1',
        connection: '127.0.0.1:15002',
        toolVersion: '0.1.0',
      },
      summary as never,
      [{ kind: 'flow', flow: 'orders', state: 'completed', time: new Date(Date.UTC(2024, 0, 2)), message: 'done' }],
      {
        datasets: summary.quality as never,
        locate: () => ({ uri: 't/orders.sql', line: 2, column: 3, endLine: 2, endColumn: 9 }),
        history: [],
      },
    );

  it('has every section, escapes every value, and allows only its own style', () => {
    const html = page();
    for (const id of ['graph', 'datasets', 'errors', 'quality', 'trend', 'events'])
      assert.ok(html.includes(`<section id="${id}">`), id);
    assert.ok(!html.includes('<img'), 'a sample is text');
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(html.includes('&#60;b&#62;amountt&#60;/b&#62; not found'));
    assert.ok(!/<script/i.test(html));
    assert.match(/content="([^"]+)"/.exec(html)![1]!, /^default-src 'none'; style-src 'sha256-[^']+'; img-src data:/);
    assert.match(html, /<code>t\/bad\.sql:3:7<\/code>/);
    assert.match(html, /<code>t\/orders\.sql:2:3<\/code>/);
    assert.match(html, /class="node completed"[\s\S]*class="node failed"|class="node failed"[\s\S]*class="node completed"/);
    assert.match(html, /Started 2024-01-02 03:04:05 UTC on Spark 4\.2\.1 at 127\.0\.0\.1:15002/);
  });
});
