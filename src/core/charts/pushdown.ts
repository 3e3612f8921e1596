import type { ChartField } from './chartFields.js';
import type { ChartRow } from './chartRows.js';
import { planChart, type ChartPlan, type Dimension } from './chartPlan.js';
import { binTransformBounds, type Bins } from './niceBins.js';
import { aggregationSql, extentSql } from './pushdownSql.js';
import { sourceRelation } from './sourceRelation.js';
import { integerLiteral } from '../sql/sqlText.js';
import { isRecord, UnsupportedChart } from './unsupportedChart.js';

/**
 * Aggregation pushdown for Vega-Lite charts: the chart's filter, bin, timeUnit, aggregate and sort run
 * in Spark as one SQL query over the user's query, and the spec is rewritten to plot the aggregated
 * rows (Vega-Lite's "binned" bins and time units, plain fields for the measures). Vega then draws
 * the same chart from a few hundred rows instead of millions.
 */

/** Runs one SQL query and returns its rows as Vega reads them (see chartRowsOf). */
export type QueryRunner = (sql: string) => Promise<readonly ChartRow[]>;

export interface PushdownInput {
  /** The user's query: one statement; a trailing semicolon is fine. */
  readonly sql: string;
  /** A single-view Vega-Lite spec (its data is ignored). */
  readonly spec: unknown;
  /** The columns of the query's result (chartFieldsOf its Arrow schema). */
  readonly fields: readonly ChartField[];
  /**
   * The IANA time zone the chart is drawn in: Vega reads local time units in the zone of the page
   * (the webview's, which for a remote extension host may not be the host's). Default: this process's.
   */
  readonly timeZone?: string;
  /** Name of the dataset in the rewritten spec (default: the spec's data.name, else 'result'). */
  readonly dataName?: string;
}

export interface PushdownPlan {
  /** The aggregation query: run it and pass its rows to the rewritten spec's dataset. */
  readonly sql: string;
  /** The spec for the aggregated rows, with data: {name: dataName}. */
  readonly spec: Record<string, unknown>;
  readonly dataName: string;
  /** What Spark computes, in words. */
  readonly description: string;
  /** The column (same in every row) counting the source rows behind the chart, after its filters. */
  readonly sourceRowsField: string;
  /** The queries run while planning (extents of bins), in order. */
  readonly planningQueries: readonly string[];
}

export type PushdownResult = PushdownPlan | { readonly unsupported: string };

export function isPushdownPlan(result: PushdownResult): result is PushdownPlan {
  return !('unsupported' in result);
}

/**
 * Plans the pushdown of `input.spec` over `input.sql`. Bins whose extent the spec does not fix need
 * the extent of the data first: that query runs through `runQuery` (one query for every bin).
 * Returns { unsupported: reason } for a spec whose data pipeline cannot be reproduced in Spark;
 * the caller then fetches raw rows (with a limit) and lets Vega do everything.
 */
export async function planPushdown(input: PushdownInput, runQuery: QueryRunner): Promise<PushdownResult> {
  try {
    if (!isRecord(input.spec)) return { unsupported: 'the spec is not an object' };
    const timeZone = input.timeZone ?? defaultTimeZone();
    const plan = planChart(input.spec, { fields: input.fields, timeZone });
    const planningQueries: string[] = [];
    const bins = await binBoundaries(input.sql, plan, async (sql) => {
      planningQueries.push(sql);
      return runQuery(sql);
    });
    const dataName = input.dataName ?? specDataName(input.spec) ?? 'result';
    const { data: _data, transform: _transform, encoding: _encoding, ...rest } = input.spec;
    return {
      sql: aggregationSql(input.sql, plan, bins, input.fields, timeZone),
      spec: { ...rest, data: { name: dataName }, encoding: plan.encode(bins) },
      dataName,
      description: describe(plan),
      sourceRowsField: plan.sourceRows,
      planningQueries,
    };
  } catch (error) {
    if (error instanceof UnsupportedChart) return { unsupported: error.reason };
    throw error;
  }
}

/**
 * How many rows the query returns, counting at most `atMost` (then the answer is "at least that
 * many"): enough to decide whether a chart needs pushdown without computing the whole result.
 */
export function countRowsSql(query: string, options: { readonly atMost?: number } = {}): string {
  const source =
    options.atMost === undefined
      ? sourceRelation(query)
      : `(SELECT 1 FROM ${sourceRelation(query, 'q')} LIMIT ${integerLiteral(options.atMost)}) AS src`;
  return `SELECT count(*) AS \`rows\` FROM ${source}`;
}

/** Bins as the Bin transform sizes them: from the spec's extent, else from the data's extent in Spark. */
async function binBoundaries(query: string, plan: ChartPlan, runQuery: QueryRunner): Promise<Map<Dimension, Bins>> {
  const bins = new Map<Dimension, Bins>();
  const binned = plan.dimensions.filter((dim) => dim.kind === 'bin');
  const unknown = binned.filter((dim) => !dim.extent);
  const extents = new Map<Dimension, readonly [number, number]>();
  if (unknown.length) {
    const [row] = await runQuery(extentSql(query, plan, unknown));
    unknown.forEach((dim, i) => {
      const [min, max] = [row?.[`min_${i}`], row?.[`max_${i}`]];
      // No valid value at all: every row bins to null or NaN, so any grid will do.
      extents.set(dim, typeof min === 'number' && typeof max === 'number' ? [min, max] : [0, 1]);
    });
  }
  for (const dim of binned) bins.set(dim, binTransformBounds({ ...dim.options, extent: dim.extent ?? extents.get(dim)! }));
  return bins;
}

function describe(plan: ChartPlan): string {
  const measures = plan.measures.map((m) => (m.column ? `${m.op} of ${m.column.field.name}` : m.op));
  const dims = plan.dimensions.map((dim) =>
    dim.kind === 'bin'
      ? `${dim.column.field.name} (binned)`
      : dim.kind === 'time'
        ? `${dim.column.field.name} (${dim.unit.utc ? 'utc ' : ''}${dim.unit.parts.join('-')})`
        : dim.column.field.name,
  );
  return (
    `Spark computes ${measures.join(', ')}${dims.length ? ` by ${dims.join(', ')}` : ''}` +
    (plan.filter ? ' over the rows that pass the chart filter' : '')
  );
}

function specDataName(spec: Record<string, unknown>): string | undefined {
  return isRecord(spec.data) && typeof spec.data.name === 'string' ? spec.data.name : undefined;
}

function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
