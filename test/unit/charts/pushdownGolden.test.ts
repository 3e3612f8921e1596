import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChartField } from '../../../src/core/charts/chartFields.js';
import { countRowsSql, isPushdownPlan, planPushdown } from '../../../src/core/charts/pushdown.js';

/**
 * The pushdown compiler's SQL, compared with reviewed golden files in test/unit/charts/golden/.
 * After a deliberate change, regenerate them with UPDATE_GOLDEN=1 and read the diff.
 */
const GOLDEN = join('test', 'unit', 'charts', 'golden');

const orders: ChartField[] = [
  { name: 'region', type: 'nominal', storage: 'string' },
  { name: 'amount', type: 'quantitative', storage: 'decimal' },
  { name: 'quantity', type: 'quantitative', storage: 'integer' },
  { name: 'latency', type: 'quantitative', storage: 'float' },
  { name: 'ordered_at', type: 'temporal', storage: 'timestamp' },
  { name: 'day', type: 'temporal', storage: 'date' },
  { name: 'we`ird name', type: 'quantitative', storage: 'float' },
];
const QUERY = 'SELECT * FROM orders -- the user query, with a trailing comment\n;';

interface Case {
  readonly name: string;
  readonly spec: Record<string, unknown>;
  /** What the extent query returns, for bins the spec does not bound. */
  readonly extents?: Record<string, number>;
}

const cases: Case[] = [
  {
    name: 'bar-sum-by-category-sorted',
    spec: {
      mark: 'bar',
      encoding: {
        x: { field: 'region', type: 'nominal', sort: '-y' },
        y: { field: 'amount', type: 'quantitative', aggregate: 'sum' },
      },
    },
  },
  {
    name: 'histogram-extent-from-spark',
    spec: {
      mark: 'bar',
      encoding: {
        x: { field: 'latency', type: 'quantitative', bin: { maxbins: 20 } },
        y: { aggregate: 'count', type: 'quantitative' },
      },
    },
    extents: { min_0: 0.25, max_0: 731.5 },
  },
  {
    name: 'line-mean-by-month-local-time-filtered',
    spec: {
      mark: 'line',
      transform: [{ filter: { field: 'region', oneOf: ['EMEA', 'APAC'] } }, { filter: { field: 'quantity', gt: 0 } }],
      encoding: {
        x: { field: 'ordered_at', type: 'temporal', timeUnit: 'yearmonth' },
        y: { field: 'amount', type: 'quantitative', aggregate: 'mean' },
        color: { field: 'region', type: 'nominal' },
      },
    },
  },
  {
    name: 'stacked-bar-by-utc-day-and-region',
    spec: {
      mark: 'bar',
      encoding: {
        x: { field: 'day', type: 'ordinal', timeUnit: 'utcday' },
        y: { field: 'quantity', type: 'quantitative', aggregate: 'sum' },
        color: { field: 'region', type: 'nominal' },
      },
    },
  },
  {
    name: 'median-of-a-hostile-column-name-in-a-fixed-bin',
    spec: {
      mark: 'bar',
      encoding: {
        x: { field: 'we`ird name', type: 'quantitative', bin: { extent: [0, 100], step: 5 } },
        y: { field: 'latency', type: 'quantitative', aggregate: 'median' },
      },
    },
  },
];

function rendered(planning: readonly string[], sql: string, spec: unknown): string {
  const sections = [
    ...planning.map((query, i) => `-- planning query ${i + 1}\n${query}\n`),
    `-- aggregation query\n${sql}\n`,
    `-- rewritten spec\n${JSON.stringify(spec, null, 2)}\n`,
  ];
  return sections.join('\n');
}

describe('chart pushdown compiler (golden SQL)', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const seen: string[] = [];
      const plan = await planPushdown(
        { sql: QUERY, spec: testCase.spec, fields: orders, timeZone: 'Europe/Berlin' },
        async (sql) => {
          seen.push(sql);
          return [testCase.extents ?? {}];
        },
      );
      assert.ok(isPushdownPlan(plan), `not pushed down: ${JSON.stringify(plan)}`);
      assert.deepEqual(plan.planningQueries, seen);
      assert.equal(seen.length, testCase.extents ? 1 : 0, 'an extent query runs only for bins without a given extent');
      const actual = rendered(plan.planningQueries, plan.sql, plan.spec);
      const file = join(GOLDEN, `${testCase.name}.sql`);
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, actual);
        if (!process.env.UPDATE_GOLDEN) assert.fail(`wrote the missing golden file ${file}: review it and run again`);
      }
      assert.equal(actual, readFileSync(file, 'utf8'));
    });
  }

  it('keeps the user query apart: its trailing comment cannot swallow the closing parenthesis', async () => {
    const plan = await planPushdown({ sql: QUERY, spec: cases[0]!.spec, fields: orders }, async () => []);
    assert.ok(isPushdownPlan(plan));
    assert.match(plan.sql, /SELECT \* FROM orders -- the user query, with a trailing comment\n\) AS src/);
    assert.equal(
      countRowsSql(QUERY, { atMost: 20_001 }),
      'SELECT count(*) AS `rows` FROM (SELECT 1 FROM (\nSELECT * FROM orders -- the user query, with a trailing comment\n) AS q LIMIT 20001) AS src',
    );
  });

  it('says why a chart stays local instead of guessing', async () => {
    const reasons: [Record<string, unknown>, RegExp][] = [
      [{ layer: [], encoding: {} }, /only single-view charts/],
      [
        { mark: 'bar', transform: [{ filter: 'datum.amount > 1' }], encoding: { x: { field: 'region', type: 'nominal' } } },
        /filter expressions/,
      ],
      [{ mark: 'bar', encoding: { x: { field: 'nope', type: 'nominal' }, y: { aggregate: 'count' } } }, /no column 'nope'/],
      [
        {
          mark: 'point',
          encoding: { x: { field: 'amount', type: 'quantitative' }, y: { field: 'latency', type: 'quantitative' } },
        },
        /one mark per row/,
      ],
      [
        { mark: 'bar', encoding: { x: { field: 'region', type: 'nominal' }, y: { aggregate: 'argmax', field: 'amount' } } },
        /the aggregate argmax/,
      ],
      [{ mark: 'geoshape', encoding: {} }, /the mark "geoshape"/],
    ];
    for (const [spec, reason] of reasons) {
      const plan = await planPushdown({ sql: QUERY, spec, fields: orders }, async () => []);
      assert.ok(!isPushdownPlan(plan), `pushed down: ${JSON.stringify(spec)}`);
      assert.match(plan.unsupported, reason);
    }
  });

  it('refuses a script: a chart is over exactly one query', async () => {
    await assert.rejects(
      planPushdown({ sql: 'SELECT 1; SELECT 2', spec: cases[0]!.spec, fields: orders }, async () => []),
      /exactly one query; found 2 statements/,
    );
  });
});
