import type { QualityCheck } from './qualityChecks.js';

export const DEFAULT_SAMPLE_SIZE = 5;

/** The output columns that carry one check's figures in the aggregate's single row. */
export interface CheckColumns {
  /** Rows the check looked at (row checks). */
  readonly checked?: string;
  /** Rows that failed it (row checks). */
  readonly failing?: string;
  /** Up to the sample size of failing values (the smallest, so the sample is stable). */
  readonly samples?: string;
  /** A figure of a dataset-level check: the row count, the newest value's age in seconds, the condition. */
  readonly value?: string;
}

export interface QualityQuery {
  readonly sql: string;
  readonly columns: ReadonlyMap<QualityCheck, CheckColumns>;
  /** Rows that every `DROP ROW` expectation kept, when there are any. */
  readonly keptColumn?: string;
}

export interface QualityQueryOptions {
  /** The source columns, in order (samples of whole rows show them). */
  readonly sourceColumns: readonly string[];
  /** A table name for `references` targets, as the query must name it. */
  readonly tableName: (dataset: string) => string;
  readonly sampleSize?: number;
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A Spark SQL literal (Spark's string literals treat a backslash as an escape). */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Compiles every check of one dataset into one aggregate over `source` (a query or a table), so
 * Spark reads the data once: each row check becomes a conditional count and a bounded sample
 * (`min_by(v, v, k) FILTER (WHERE failing)`: a heap of k values, never all failing rows), uniqueness a window count over
 * the same scan, references a left join with the other dataset's distinct keys. Where the dataset has
 * `DROP ROW` expectations, `source` is the query before they drop anything: the expectations count
 * over all its rows, and the other checks over the rows kept (what the dataset holds).
 * `schema` checks need no data and are not part of it.
 */
export function compileQualityQuery(source: string, checks: readonly QualityCheck[], options: QualityQueryOptions): QualityQuery {
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const q = quoteIdentifier;
  const drops = checks.filter((c) => c.kind === 'expect' && c.action === 'drop');
  const kept = drops.length ? drops.map((c) => `coalesce((${(c as { expression: string }).expression}), false)`).join(' AND ') : undefined;
  const onKept = (predicate: string) => (kept ? `(_sw_kept AND ${predicate})` : predicate);
  const rowJson = `to_json(named_struct(${options.sourceColumns.map((c) => `${sqlLiteral(c)}, ${q(c)}`).join(', ')}))`;
  const windows: string[] = [];
  const joins: string[] = [];
  /**
   * Each row check's two flags and its sample value (only on failing rows), computed once per row in a
   * projection before the window: what the window sorts is then narrow (the optimizer drops the
   * columns nothing reads any more), and the aggregate reads booleans. Uniqueness's own come after it.
   */
  const flags: string[] = [];
  const samples: string[] = [];
  const afterWindow: string[] = [];
  const select: string[] = [`count(*) AS _sw_rows`];
  if (kept) select.push('count_if(_sw_kept) AS _sw_kept_rows');
  const columns = new Map<QualityCheck, CheckColumns>();
  checks.forEach((check, index) => {
    const id = `_sw_${index}`;
    const rowCheck = (checked: string, failing: string, sample: string) => {
      const target = check.kind === 'unique' ? afterWindow : flags;
      target.push(`(${check.kind === 'expect' ? checked : onKept(checked)}) AS ${id}_c`, `(${check.kind === 'expect' ? failing : onKept(failing)}) AS ${id}_f`);
      (check.kind === 'unique' ? afterWindow : samples).push(`CASE WHEN ${check.kind === 'unique' ? `(${onKept(failing)})` : `${id}_f`} THEN ${sample} END AS ${id}_v`);
      select.push(
        `count_if(${id}_c) AS ${id}_checked`,
        `count_if(${id}_f) AS ${id}_failing`,
        // Only failing rows reach the heap.
        `min_by(${id}_v, ${id}_v, ${sampleSize}) FILTER (WHERE ${id}_f) AS ${id}_samples`,
      );
      columns.set(check, { checked: `${id}_checked`, failing: `${id}_failing`, samples: `${id}_samples` });
    };
    const value = (column: string) => `CAST(${q(column)} AS STRING)`;
    switch (check.kind) {
      case 'not_null':
        rowCheck('TRUE', failingPredicate(check)!, rowJson);
        break;
      case 'unique': {
        const keys = check.columns.map(q);
        const present = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
        windows.push(`count(${kept ? 'IF(_sw_kept, 1, NULL)' : '*'}) OVER (PARTITION BY ${keys.join(', ')}) AS ${id}_copies`);
        rowCheck(present, `${present} AND ${id}_copies > 1`, keys.length === 1 ? value(check.columns[0]!) : `to_json(named_struct(${check.columns.map((c) => `${sqlLiteral(c)}, ${q(c)}`).join(', ')}))`);
        break;
      }
      case 'accepted_values':
      case 'between':
      case 'regex':
        rowCheck(`${q(check.column)} IS NOT NULL`, failingPredicate(check)!, value(check.column));
        break;
      case 'references': {
        const column = q(check.column);
        joins.push(`LEFT JOIN (SELECT DISTINCT ${q(check.targetColumn)} AS ${id}_key FROM ${options.tableName(check.target)}) AS ${id}_ref ON _sw_source.${column} = ${id}_ref.${id}_key`);
        rowCheck(`${column} IS NOT NULL`, `${column} IS NOT NULL AND ${id}_key IS NULL`, value(check.column));
        break;
      }
      case 'expect':
        rowCheck('TRUE', failingPredicate(check)!, rowJson);
        break;
      case 'row_count':
        select.push(`${kept ? 'count_if(_sw_kept)' : 'count(*)'} AS ${id}_value`);
        columns.set(check, { value: `${id}_value` });
        break;
      case 'freshness':
        select.push(
          `CAST(current_timestamp() AS LONG) - CAST(CAST(max(${q(check.column)})${kept ? ' FILTER (WHERE _sw_kept)' : ''} AS TIMESTAMP) AS LONG) AS ${id}_value`,
        );
        columns.set(check, { value: `${id}_value` });
        break;
      case 'sql':
        // A condition on aggregates the user writes: it sees every row the source gives.
        select.push(`(${check.condition}) AS ${id}_value`);
        columns.set(check, { value: `${id}_value` });
        break;
      case 'schema':
        break;
    }
  });
  // The other datasets' keys are joined first (broadcast, over the scan), then the window counts copies.
  const base = `SELECT *${kept ? `, (${kept}) AS _sw_kept` : ''} FROM (${source}) AS _sw_source${joins.length ? `\n${joins.join('\n')}` : ''}`;
  const flaggedRows = flags.length ? `SELECT *, ${samples.join(', ')} FROM (SELECT *, ${flags.join(', ')} FROM (${base}) AS _sw_joined) AS _sw_flags` : base;
  const withWindows = windows.length ? `SELECT *, ${windows.join(', ')} FROM (${flaggedRows}) AS _sw_windowed` : flaggedRows;
  const flagged = afterWindow.length ? `SELECT *, ${afterWindow.join(', ')} FROM (${withWindows}) AS _sw_counted` : withWindows;
  const sql = `SELECT ${select.join(',\n  ')}\nFROM (${flagged}) AS _sw_flagged`;
  return { sql, columns, keptColumn: kept ? '_sw_kept_rows' : undefined };
}

/** When a row fails a check that looks at one row alone; undefined for the others. */
function failingPredicate(check: QualityCheck): string | undefined {
  switch (check.kind) {
    case 'not_null':
      return `${quoteIdentifier(check.column)} IS NULL`;
    case 'accepted_values': {
      const column = quoteIdentifier(check.column);
      const listed = check.values.filter((v) => v !== null).map(sqlLiteral);
      return `${column} IS NOT NULL AND NOT coalesce(${column} IN (${listed.length ? listed.join(', ') : 'NULL'}), false)`;
    }
    case 'between': {
      const column = quoteIdentifier(check.column);
      const bounds = [
        check.min !== undefined ? `${column} ${check.strict ? '>' : '>='} ${sqlLiteral(check.min)}` : undefined,
        check.max !== undefined ? `${column} ${check.strict ? '<' : '<='} ${sqlLiteral(check.max)}` : undefined,
      ].filter(Boolean);
      return `${column} IS NOT NULL AND NOT coalesce(${bounds.join(' AND ')}, false)`;
    }
    case 'regex': {
      const column = quoteIdentifier(check.column);
      return `${column} IS NOT NULL AND NOT coalesce(CAST(${column} AS STRING) RLIKE ${sqlLiteral(check.pattern)}, false)`;
    }
    case 'expect':
      return `NOT coalesce((${check.expression}), false)`;
    default:
      return undefined;
  }
}

/**
 * The rows that fail a row check, at most `limit` of them (Show Failing Rows); undefined for checks of
 * the dataset as a whole.
 */
export function failingRowsQuery(source: string, check: QualityCheck, options: { tableName: (dataset: string) => string; limit: number }): string | undefined {
  const q = quoteIdentifier;
  const predicate = failingPredicate(check);
  if (predicate) return `SELECT * FROM (${source}) AS _sw_input WHERE ${predicate} LIMIT ${options.limit}`;
  if (check.kind === 'unique') {
    const keys = check.columns.map(q).join(', ');
    return `SELECT * EXCEPT (_sw_copies) FROM (SELECT *, count(*) OVER (PARTITION BY ${keys}) AS _sw_copies FROM (${source}) AS _sw_input) WHERE ${check.columns.map((c) => `${q(c)} IS NOT NULL`).join(' AND ')} AND _sw_copies > 1 ORDER BY ${keys} LIMIT ${options.limit}`;
  }
  if (check.kind === 'references')
    return `SELECT _sw_input.* FROM (${source}) AS _sw_input LEFT ANTI JOIN (SELECT DISTINCT ${q(check.targetColumn)} AS _sw_key FROM ${options.tableName(check.target)}) AS _sw_ref ON _sw_input.${q(check.column)} = _sw_ref._sw_key WHERE _sw_input.${q(check.column)} IS NOT NULL LIMIT ${options.limit}`;
  return undefined;
}
