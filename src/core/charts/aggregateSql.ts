import { effectiveStorage } from './chartFields.js';
import { epochMillisSql, type ResolvedColumn } from './predicateSql.js';
import { unsupported } from './unsupportedChart.js';

/**
 * Vega's aggregate operations in Spark SQL. Vega counts a value as missing when it is null or '', skips
 * NaN entirely (neither valid nor missing), and computes every other measure over the valid values in
 * doubles; an empty group gives undefined, which SQL's NULL matches.
 */

/** Operations whose result over a group can be rebuilt from the results over its parts. */
export type Decomposable = 'count' | 'valid' | 'missing' | 'sum' | 'min' | 'max' | 'mean' | 'average';

const NUMERIC_OPS: Record<string, (value: string) => string> = {
  sum: (v) => `sum(${v})`,
  mean: (v) => `avg(${v})`,
  average: (v) => `avg(${v})`,
  product: (v) => `product(${v})`,
  median: (v) => `percentile(${v}, 0.5)`,
  q1: (v) => `percentile(${v}, 0.25)`,
  q3: (v) => `percentile(${v}, 0.75)`,
  variance: (v) => `var_samp(${v})`,
  variancep: (v) => `var_pop(${v})`,
  stdev: (v) => `stddev_samp(${v})`,
  stdevp: (v) => `stddev_pop(${v})`,
  stderr: (v) => `(stddev_samp(${v}) / sqrt(count(${v})))`,
  min: (v) => `min(${v})`,
  max: (v) => `max(${v})`,
};

export function isSupportedAggregate(op: string): boolean {
  return op === 'count' || op === 'valid' || op === 'missing' || op === 'distinct' || op in NUMERIC_OPS;
}

/** The aggregate expression (over the filtered source rows) for `op` of `column`. */
export function aggregateSql(op: string, column: ResolvedColumn | undefined): string {
  if (op === 'count') return 'CAST(count(*) AS DOUBLE)';
  if (!column) unsupported(`the aggregate ${op} needs a field`);
  const storage = effectiveStorage(column.field);
  const c = column.sql;
  switch (op) {
    case 'valid':
      return `CAST(count_if(${validValueSql(column)}) AS DOUBLE)`;
    case 'missing':
      return `CAST(count_if(${c} IS NULL${storage === 'string' ? ` OR ${c} = ''` : ''}) AS DOUBLE)`;
    case 'distinct':
      if (storage === 'float' || storage === 'timestamp' || storage === 'timestamp_ntz')
        // Vega counts distinct text forms (String(v)): 1.0 and 1 merge, dates merge within a second.
        unsupported(`distinct of the ${storage} column ${column.field.name}`);
      // Vega counts null as one more distinct value; SQL's count(DISTINCT) skips it.
      return `CAST(count(DISTINCT ${c}) + max(IF(${c} IS NULL, 1, 0)) AS DOUBLE)`;
  }
  const numeric = NUMERIC_OPS[op];
  if (!numeric) unsupported(`the aggregate ${op} has no SQL equivalent here`);
  if ((op === 'min' || op === 'max') && storage === 'string') return numeric(`NULLIF(${c}, '')`);
  return `CAST(${numeric(numericValueSql(column))} AS DOUBLE)`;
}

/** Valid in Vega's sense: not null, not '' and not NaN. */
export function validValueSql(column: ResolvedColumn): string {
  const storage = effectiveStorage(column.field);
  const c = column.sql;
  if (storage === 'float') return `(${c} IS NOT NULL AND NOT isnan(${c}))`;
  if (storage === 'string') return `(${c} IS NOT NULL AND ${c} <> '')`;
  return `(${c} IS NOT NULL)`;
}

/** The column as the double Vega computes with, NaN turned into NULL so that SQL skips it too. */
export function numericValueSql(column: ResolvedColumn): string {
  const storage = effectiveStorage(column.field);
  const c = column.sql;
  switch (storage) {
    case 'float':
      return `IF(isnan(${c}), NULL, CAST(${c} AS DOUBLE))`;
    case 'integer':
    case 'decimal':
      return `CAST(${c} AS DOUBLE)`;
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return `CAST(${epochMillisSql(c, storage)} AS DOUBLE)`;
    default:
      return unsupported(`a numeric aggregate of the ${storage} column ${column.field.name}`);
  }
}

/**
 * Rebuilds a decomposable measure over a wider group from per-row SQL of its parts, as window
 * functions over the aggregated rows (`over`); a sort by a measure across colour groups needs it.
 */
export function regroupedSql(op: string, parts: { value: string; validCount?: string }, over: string): string | undefined {
  switch (op) {
    case 'count':
    case 'valid':
    case 'missing':
    case 'sum':
      return `sum(${parts.value}) OVER (${over})`;
    case 'min':
      return `min(${parts.value}) OVER (${over})`;
    case 'max':
      return `max(${parts.value}) OVER (${over})`;
    case 'mean':
    case 'average':
      // The mean of means weighted by each part's count of valid values.
      return parts.validCount === undefined
        ? undefined
        : `(sum(${parts.value} * ${parts.validCount}) OVER (${over}) / sum(${parts.validCount}) OVER (${over}))`;
    default:
      return undefined;
  }
}
