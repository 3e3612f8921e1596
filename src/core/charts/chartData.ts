import type { Table } from 'apache-arrow';
import { chartFieldsOf, type ChartField } from './chartFields.js';
import { chartRowsOf, type ChartRow } from './chartRows.js';
import { suggestChart } from './chartSuggestion.js';
import { isRecord } from './unsupportedChart.js';
import { countRowsSql, isPushdownPlan, planPushdown } from './pushdown.js';
import { sourceRelation } from './sourceRelation.js';
import { integerLiteral } from '../sql/sqlText.js';

/** Runs one SQL query to the end and returns its whole (small) result. */
export type SqlRunner = (sql: string) => Promise<Table>;

export interface ChartInSparkInput {
  /** The user's query (one statement). */
  readonly sql: string;
  /** A single-view Vega-Lite spec; its data is ignored. */
  readonly spec: unknown;
  /** The columns of the query's result. */
  readonly fields: readonly ChartField[];
  /** The IANA zone the chart is drawn in (local time units are cut in it). */
  readonly timeZone?: string;
}

export type ChartInSpark =
  | {
      readonly kind: 'aggregated';
      /** The spec that plots `table` (binned bins and time units, plain measure fields). */
      readonly spec: Record<string, unknown>;
      readonly table: Table;
      /** Rows of the query behind the chart, after the chart's own filters. */
      readonly sourceRows: number;
      /** The aggregation query that produced `table`. */
      readonly sql: string;
      /** What Spark computed, in words. */
      readonly description: string;
    }
  | { readonly kind: 'unsupported'; readonly reason: string };

/**
 * A chart computed in Spark: the spec's filter, bin, timeUnit, aggregate and sort run as SQL over the
 * query (plus one extent query when a bin needs the data's range), and only the aggregated rows come
 * back. Specs the pushdown cannot reproduce exactly come back as 'unsupported', with the reason.
 */
export async function chartInSpark(input: ChartInSparkInput, runSql: SqlRunner): Promise<ChartInSpark> {
  const plan = await planPushdown(
    { sql: input.sql, spec: input.spec, fields: input.fields, timeZone: input.timeZone },
    async (sql) => chartRowsOf(await runSql(sql)),
  );
  if (!isPushdownPlan(plan)) return { kind: 'unsupported', reason: plan.unsupported };
  const table = await runSql(plan.sql);
  const first = table.numRows > 0 ? table.get(0)?.toJSON() : undefined;
  const counted = first?.[plan.sourceRowsField] as unknown;
  return {
    kind: 'aggregated',
    spec: plan.spec,
    table,
    sourceRows: counted === null || counted === undefined ? 0 : Number(counted),
    sql: plan.sql,
    description: plan.description,
  };
}

/** How many rows `sql` returns, counting at most `atMost` (enough to choose between local and Spark). */
export async function countRows(sql: string, atMost: number, runSql: SqlRunner): Promise<number> {
  const table = await runSql(countRowsSql(sql, { atMost }));
  return Number(table.getChildAt(0)?.get(0) ?? 0);
}

/** The query with no rows: Spark analyses it and returns just its schema. */
export function schemaOnlySql(sql: string): string {
  return `SELECT * FROM ${sourceRelation(sql)} LIMIT ${integerLiteral(0)}`;
}

export interface QueryChart {
  /** The spec to draw, with data: {name} of the one dataset in `rows`. */
  readonly spec: Record<string, unknown>;
  readonly dataName: string;
  readonly rows: readonly ChartRow[];
  /** Rows of the query behind the chart (after the chart's filters when aggregated in Spark). */
  readonly sourceRows: number;
  readonly aggregatedInSpark: boolean;
  /** One sentence for the user: where the chart's numbers came from. */
  readonly note: string;
}

export interface QueryChartOptions {
  /** A result with at most this many rows is fetched whole and drawn by Vega; larger ones aggregate in Spark. */
  readonly localRowLimit: number;
  readonly timeZone?: string;
}

/**
 * The chart of a whole query without a grid in front of it (the CLI, CI): a spec (or the one suggested
 * from the schema) over a small result is drawn from its rows; over a large one it is aggregated in
 * Spark. A large result whose chart cannot be aggregated fails with the reason, rather than drawing
 * a chart of some of the rows.
 */
export async function chartOfQuery(
  sql: string,
  spec: unknown | 'auto',
  runSql: SqlRunner,
  options: QueryChartOptions,
): Promise<QueryChart> {
  const fields = chartFieldsOf((await runSql(schemaOnlySql(sql))).schema);
  const rows = await countRows(sql, options.localRowLimit + 1, runSql);
  let chosen: Record<string, unknown>;
  if (spec === 'auto') {
    const suggestion = suggestChart(fields, { large: rows > options.localRowLimit });
    if (suggestion.reason !== undefined) throw new Error(`No chart to suggest: ${suggestion.reason}`);
    chosen = suggestion.spec;
  } else {
    if (!isRecord(spec)) throw new Error('A chart spec must be a JSON object (a Vega-Lite spec).');
    // Data always comes from the query: a spec cannot point Vega at a file or URL.
    const { data: _data, datasets: _datasets, ...rest } = spec;
    chosen = rest;
  }
  if (rows <= options.localRowLimit) {
    const all = chartRowsOf(await runSql(sql));
    return {
      spec: { ...chosen, data: { name: 'result' } },
      dataName: 'result',
      rows: all,
      sourceRows: all.length,
      aggregatedInSpark: false,
      note: `Drawn from all ${all.length.toLocaleString('en-US')} rows.`,
    };
  }
  const pushed = await chartInSpark({ sql, spec: chosen, fields, timeZone: options.timeZone }, runSql);
  if (pushed.kind === 'unsupported')
    throw new Error(
      `This chart cannot be aggregated in Spark (${pushed.reason}), and the result has more than ` +
        `${options.localRowLimit.toLocaleString('en-US')} rows to draw one by one. Aggregate in the query, or allow more local rows.`,
    );
  const fetched = chartRowsOf(pushed.table);
  const dataName = isRecord(pushed.spec.data) && typeof pushed.spec.data.name === 'string' ? pushed.spec.data.name : 'result';
  return {
    spec: pushed.spec,
    dataName,
    rows: fetched,
    sourceRows: pushed.sourceRows,
    aggregatedInSpark: true,
    note: `Aggregated in Spark from ${pushed.sourceRows.toLocaleString('en-US')} rows (${fetched.length.toLocaleString('en-US')} fetched).`,
  };
}
