import { aggregateSql, numericValueSql, regroupedSql, validValueSql } from './aggregateSql.js';
import { effectiveStorage, type ChartField } from './chartFields.js';
import type { ChartPlan, Dimension, SortKey } from './chartPlan.js';
import { BIN_INDEX_EPSILON, type Bins } from './niceBins.js';
import { sourceRelation } from './sourceRelation.js';
import { doubleLiteral, quoteIdentifier } from '../sql/sqlText.js';
import { floorPartsSql, instantSql, wallClockSql, zoneOf, type FloorParts } from './timeUnitSql.js';
import { unsupported } from './unsupportedChart.js';

/**
 * The SQL of a chart plan. Three levels: `prepared` filters the user's query and computes per-row
 * values used several times (wall clocks); `grouped` aggregates; the outer level turns group keys into
 * what Vega plots (bin ends, instants of time units) and adds the window-based sort keys, all on the
 * few aggregated rows.
 */

/** SELECT min/max of every binned column whose extent the spec does not give, over the filtered rows. */
export function extentSql(query: string, plan: ChartPlan, bins: readonly Dimension[]): string {
  const columns = bins.flatMap((dim, i) => {
    const value = numericValueSql(dim.column);
    return [`min(${value}) AS \`min_${i}\``, `max(${value}) AS \`max_${i}\``];
  });
  return `SELECT ${columns.join(', ')}\nFROM ${sourceRelation(query)}${plan.filter ? `\nWHERE ${plan.filter}` : ''}`;
}

export function aggregationSql(
  query: string,
  plan: ChartPlan,
  bins: ReadonlyMap<Dimension, Bins>,
  sourceFields: readonly ChartField[],
  timeZone: string,
): string {
  const internal = internalNames(sourceFields);
  const prepared: string[] = [];
  const keys: { sql: string; alias: string }[] = [];
  const values: string[] = [];
  const outputs: string[] = [];
  /** Per dimension, the grouped columns that identify its value (the window partition of a sort). */
  const keyColumns = new Map<Dimension, string[]>();

  const needed = new Set<string>();
  const use = (column: { sql: string }) => needed.add(column.sql);
  const key = (sql: string) => {
    const alias = internal('k');
    keys.push({ sql, alias });
    return alias;
  };

  for (const dim of plan.dimensions) {
    use(dim.column);
    if (dim.kind === 'plain') {
      const k = key(dim.column.sql);
      keyColumns.set(dim, [k]);
      outputs.push(`${quoteIdentifier(k)} AS ${quoteIdentifier(dim.out)}`);
    } else if (dim.kind === 'bin') {
      const range = bins.get(dim)!;
      const k = key(binIndexSql(dim.column.sql, effectiveStorage(dim.column.field) === 'float', range));
      keyColumns.set(dim, [k]);
      const start = binStartSql(quoteIdentifier(k), range);
      outputs.push(`${start} AS ${quoteIdentifier(dim.out)}`);
      outputs.push(`${binEndSql(start, range)} AS ${quoteIdentifier(dim.outEnd)}`);
    } else {
      const zone = zoneOf(dim.unit, timeZone);
      const wall = internal('w');
      prepared.push(`${wallClockSql(dim.column.sql, effectiveStorage(dim.column.field), zone)} AS ${quoteIdentifier(wall)}`);
      const parts = floorPartsSql(quoteIdentifier(wall), dim.unit);
      // Constant parts (the reference year 2012, month 0...) stay literals; the others become group keys.
      const grouped = Object.fromEntries(
        Object.entries(parts).map(([name, sql]) => [name, /^\d+$/.test(sql) ? sql : quoteIdentifier(key(sql))]),
      ) as unknown as FloorParts;
      keyColumns.set(
        dim,
        Object.values(grouped)
          .filter((sql) => !/^\d+$/.test(sql))
          .map((quoted) => quoted.slice(1, -1)),
      );
      outputs.push(`${instantSql(grouped, zone)} AS ${quoteIdentifier(dim.out)}`);
    }
  }

  for (const measure of plan.measures) {
    if (measure.column) use(measure.column);
    const m = internal('m');
    values.push(`${aggregateSql(measure.op, measure.column)} AS ${quoteIdentifier(m)}`);
    outputs.push(`${quoteIdentifier(m)} AS ${quoteIdentifier(measure.out)}`);
  }

  for (const sortKey of plan.sortKeys) {
    if (sortKey.column) use(sortKey.column);
    outputs.push(`${sortKeySql(sortKey, plan, keyColumns, values, internal)} AS ${quoteIdentifier(sortKey.out)}`);
  }

  const rows = internal('rows');
  values.push(`count(*) AS ${quoteIdentifier(rows)}`);
  // A window over the aggregated rows, not the source: it sees one row per group.
  outputs.push(`sum(${quoteIdentifier(rows)}) OVER () AS ${quoteIdentifier(plan.sourceRows)}`);

  const preparedColumns = [...needed, ...prepared];
  const preparedSql =
    `SELECT ${preparedColumns.length ? preparedColumns.join(', ') : '1'}\n` +
    `  FROM ${sourceRelation(query)}${plan.filter ? `\n  WHERE ${plan.filter}` : ''}`;
  const groupedSql =
    `SELECT ${[...keys.map((k) => `${k.sql} AS ${quoteIdentifier(k.alias)}`), ...values].join(',\n    ')}\n` +
    `  FROM (\n${preparedSql}\n) AS prepared` +
    (keys.length ? `\n  GROUP BY ${keys.map((k) => k.sql).join(', ')}` : '');
  return `SELECT ${outputs.join(',\n  ')}\nFROM (\n${groupedSql}\n) AS grouped`;
}

/** Bin indexes for values outside the bins (every real bin has an index ≥ 0). */
const BELOW_BINS = -1;
const ABOVE_BINS = -2;
const NAN_BIN = -3;

/**
 * The Bin transform's bin, as a BIGINT index to group by (Spark groups by a long several times faster
 * than by a double): the value clamped to [start, stop − step], minus start, divided by step, plus
 * 1e-14, floored, operation for operation as Vega does; values below start or above stop, and NaN, get
 * indexes of their own. NULL stays NULL.
 */
export function binIndexSql(column: string, mayBeNaN: boolean, bins: Bins): string {
  const v = `CAST(${column} AS DOUBLE)`;
  const { start, stop, step } = bins;
  const index = `floor(${doubleLiteral(BIN_INDEX_EPSILON)} + ((least(greatest(${v}, ${doubleLiteral(start)}), ${doubleLiteral(stop - step)}) - ${doubleLiteral(start)}) / ${doubleLiteral(step)}))`;
  return (
    `CASE WHEN ${v} IS NULL THEN NULL` +
    // NaN sorts above every number in Spark; in Vega it fails every test and lands in a NaN bin.
    (mayBeNaN ? ` WHEN isnan(${v}) THEN ${NAN_BIN}` : '') +
    ` WHEN ${v} < ${doubleLiteral(start)} THEN ${BELOW_BINS}` +
    ` WHEN ${v} > ${doubleLiteral(stop)} THEN ${ABOVE_BINS}` +
    ` ELSE CAST(${index} AS BIGINT) END`
  );
}

/** The bin start Vega computes (start + step × index; ±Infinity outside the bins, NaN for NaN), from a bin index. */
export function binStartSql(binIndex: string, bins: Bins): string {
  const { start, step } = bins;
  return (
    `CASE ${binIndex} WHEN ${BELOW_BINS} THEN ${doubleLiteral(-Infinity)} WHEN ${ABOVE_BINS} THEN ${doubleLiteral(Infinity)}` +
    ` WHEN ${NAN_BIN} THEN ${doubleLiteral(NaN)} ELSE ${doubleLiteral(start)} + ${doubleLiteral(step)} * ${binIndex} END`
  );
}

/** The Bin transform's bin end: start + step * (1 + (bin0 - start) / step), which Vega uses for agreement. */
export function binEndSql(binStart: string, bins: Bins): string {
  const { start, step } = bins;
  return `(${doubleLiteral(start)} + ${doubleLiteral(step)} * (1 + (${binStart} - ${doubleLiteral(start)}) / ${doubleLiteral(step)}))`;
}

function sortKeySql(
  sortKey: SortKey,
  plan: ChartPlan,
  keyColumns: ReadonlyMap<Dimension, string[]>,
  values: string[],
  internal: (base: string) => string,
): string {
  const part = internal('s');
  values.push(`${aggregateSql(sortKey.op, sortKey.column)} AS ${quoteIdentifier(part)}`);
  // Grouped by exactly the sorted axis: each aggregated row already holds its value's key.
  if (plan.dimensions.every((dim) => sortKey.partition.includes(dim))) return quoteIdentifier(part);
  const partition = `PARTITION BY ${sortKey.partition.flatMap((dim) => keyColumns.get(dim)!.map(quoteIdentifier)).join(', ')}`;
  let validCount: string | undefined;
  if ((sortKey.op === 'mean' || sortKey.op === 'average') && sortKey.column) {
    validCount = internal('v');
    values.push(`count_if(${validValueSql(sortKey.column)}) AS ${quoteIdentifier(validCount)}`);
  }
  const regrouped = regroupedSql(
    sortKey.op,
    { value: quoteIdentifier(part), validCount: validCount && quoteIdentifier(validCount) },
    partition,
  );
  return regrouped ?? unsupported(`sorting by ${sortKey.op} across the groups of another channel`);
}

/** Names for the SQL's own columns, distinct from every source column (ignoring case, as Spark does). */
function internalNames(sourceFields: readonly ChartField[]): (base: string) => string {
  const taken = new Set(sourceFields.map((field) => field.name.toLowerCase()));
  let counter = 0;
  return (base) => {
    let name: string;
    do name = `__${base}${counter++}`;
    while (taken.has(name.toLowerCase()));
    taken.add(name.toLowerCase());
    return name;
  };
}
