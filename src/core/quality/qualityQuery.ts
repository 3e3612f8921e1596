import type { QualityCheck } from './qualityChecks.js';
import { booleanLiteral, quoteIdentifier, stringLiteral } from '../sql/sqlText.js';

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
  /**
   * A whole-row sample is grouped and ordered as a struct, which Spark cannot do when a column is a
   * map or a variant: such rows are written as JSON at once.
   */
  readonly rowsAsJson?: boolean;
  /** A table name for `references` targets, as the query must name it. */
  readonly tableName: (dataset: string) => string;
  /** Sample values kept per failing check (5 by default); 0 keeps none, and the query only counts. */
  readonly sampleSize?: number;
}

/** A sample row as JSON with its NULL fields kept (to_json drops them): the NULL is often why it failed. */
export const ROW_JSON_OPTIONS = "map('ignoreNullFields', 'false')";

/** A Spark SQL literal of a value from a quality file. */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return booleanLiteral(value);
  return stringLiteral(value);
}

/** Bits per packed flag column: a BIGINT's, without its sign bit. */
const BITS_PER_MASK = 62;

/**
 * Row flags packed into BIGINT columns: a row carries one or two numbers through the shuffle a
 * uniqueness check needs instead of two booleans (eight bytes each in Spark's rows) per check.
 */
class PackedFlags {
  private readonly flags: string[] = [];

  constructor(private readonly prefix: string) {}

  /** Adds a per-row boolean and returns the test of its bit in the packed columns. */
  add(predicate: string): string {
    const index = this.flags.push(predicate) - 1;
    return `(${this.column(index)} & ${bit(index)}) != 0`;
  }

  /** The packed columns' definitions, for a projection. */
  columns(): string[] {
    const out: string[] = [];
    for (let first = 0; first < this.flags.length; first += BITS_PER_MASK)
      out.push(
        `(${this.flags
          .slice(first, first + BITS_PER_MASK)
          .map((f, i) => `IF(${f}, ${bit(first + i)}, 0L)`)
          .join(' | ')}) AS ${this.column(first)}`,
      );
    return out;
  }

  names(): string[] {
    return Array.from({ length: Math.ceil(this.flags.length / BITS_PER_MASK) }, (_, i) => this.column(i * BITS_PER_MASK));
  }

  private column(index: number): string {
    return `${this.prefix}${Math.floor(index / BITS_PER_MASK)}`;
  }
}

function bit(index: number): string {
  return `${(1n << BigInt(index % BITS_PER_MASK)).toString()}L`;
}

/**
 * Compiles every check of one dataset into one query over `source` (a query or a table) that reads
 * the data once. Each row gets its checks' flags, packed into BIGINTs, and for each failing check a
 * sample value; uniqueness is a window count over the same scan, references a left join with the
 * other dataset's distinct keys. Then two aggregates: the first groups rows by their flags and sample
 * values (compiled code, a hash table: rows that pass collapse into a few groups, and it runs before
 * the shuffle where no window needs one), the second sums the groups' counts and keeps the smallest
 * failing values per check, repeats included (`min_by(v, v, k)`: a heap of k, over groups rather than rows).
 * A custom `sql` condition is an aggregate of the user's over the rows themselves: with one, a single
 * aggregate over the rows computes everything. Where the dataset has `DROP ROW` expectations,
 * `source` is the query before they drop anything: the expectations count over all its rows, and the
 * other checks over the rows kept (what the dataset holds). `schema` checks need no data.
 */
export function compileQualityQuery(source: string, checks: readonly QualityCheck[], options: QualityQueryOptions): QualityQuery {
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const q = quoteIdentifier;
  const drops = checks.filter((c) => c.kind === 'expect' && c.action === 'drop');
  const kept = drops.length
    ? drops.map((c) => `coalesce((${(c as { expression: string }).expression}), false)`).join(' AND ')
    : undefined;
  const onKept = (predicate: string) => (kept ? `(_sw_kept AND ${predicate})` : predicate);
  const structOf = (names: readonly string[]) => `named_struct(${names.map((c) => `${sqlLiteral(c)}, ${q(c)}`).join(', ')})`;
  const rowStruct = structOf(options.sourceColumns);
  const wholeRow = options.rowsAsJson ? { value: `to_json(${rowStruct}, ${ROW_JSON_OPTIONS})` } : { value: rowStruct, row: true };
  const joins: string[] = [];
  const windows: string[] = [];
  /** Flags known before any window (packed before the shuffle) and those that need one. */
  const rowFlags = new PackedFlags('_sw_m');
  const windowFlags = new PackedFlags('_sw_w');
  const rowSamples: string[] = [];
  const windowSamples: string[] = [];
  /** Per-group figures of the first aggregate (dataset-level checks' inputs). */
  const groupFigures: string[] = [];
  const sampleNames: string[] = [];
  /** Each output column as an aggregate over the rows and as one over the groups. */
  const outputs: { name: string; overRows: string; overGroups: string }[] = [];
  const output = (name: string, overRows: string, overGroups: string) => outputs.push({ name, overRows, overGroups });
  /** The rows (where `flag` holds): counted, or their groups' counts summed. */
  const count = (name: string, flag?: string) =>
    output(name, flag ? `count_if(${flag})` : 'count(*)', `coalesce(sum(${flag ? `IF(${flag}, _sw_n, 0)` : '_sw_n'}), 0)`);
  count('_sw_rows');
  const keptBit = kept ? rowFlags.add('_sw_kept') : undefined;
  if (keptBit) count('_sw_kept_rows', keptBit);
  const columns = new Map<QualityCheck, CheckColumns>();
  let needsRows = false;
  checks.forEach((check, index) => {
    const id = `_sw_${index}`;
    const rowCheck = (checked: string, failing: string, sample: { value: string; row?: boolean }) => {
      const afterWindow = check.kind === 'unique';
      const flags = afterWindow ? windowFlags : rowFlags;
      const checkedBit = flags.add(check.kind === 'expect' ? checked : onKept(checked));
      const failingBit = flags.add(check.kind === 'expect' ? failing : onKept(failing));
      count(`${id}_checked`, checkedBit);
      count(`${id}_failing`, failingBit);
      if (sampleSize > 0) {
        (afterWindow ? windowSamples : rowSamples).push(`CASE WHEN ${failingBit} THEN ${sample.value} END AS ${id}_v`);
        sampleNames.push(`${id}_v`);
        // Only failing rows reach the heap; a row is kept as a struct and written as JSON only once chosen.
        const heap = `min_by(${id}_v, ${id}_v, ${sampleSize}) FILTER (WHERE ${failingBit})`;
        const samples = sample.row ? `transform(${heap}, _sw_row -> to_json(_sw_row, ${ROW_JSON_OPTIONS}))` : heap;
        output(`${id}_samples`, samples, samples);
      }
      columns.set(check, {
        checked: `${id}_checked`,
        failing: `${id}_failing`,
        samples: sampleSize > 0 ? `${id}_samples` : undefined,
      });
    };
    const value = (column: string) => ({ value: `CAST(${q(column)} AS STRING)` });
    switch (check.kind) {
      case 'not_null':
        rowCheck('TRUE', failingPredicate(check)!, wholeRow);
        break;
      case 'unique': {
        const keys = check.columns.map(q);
        const present = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
        windows.push(`count(${kept ? 'IF(_sw_kept, 1, NULL)' : '*'}) OVER (PARTITION BY ${keys.join(', ')}) AS ${id}_copies`);
        rowCheck(
          present,
          `${present} AND ${id}_copies > 1`,
          keys.length === 1 ? value(check.columns[0]!) : { value: structOf(check.columns), row: true },
        );
        break;
      }
      case 'accepted_values':
      case 'between':
      case 'regex':
        rowCheck(`${q(check.column)} IS NOT NULL`, failingPredicate(check)!, value(check.column));
        break;
      case 'references': {
        const column = q(check.column);
        joins.push(
          `LEFT JOIN (SELECT DISTINCT ${q(check.targetColumn)} AS ${id}_key FROM ${options.tableName(check.target)}) AS ${id}_ref ON _sw_source.${column} = ${id}_ref.${id}_key`,
        );
        rowCheck(`${column} IS NOT NULL`, `${column} IS NOT NULL AND ${id}_key IS NULL`, value(check.column));
        break;
      }
      case 'expect':
        rowCheck('TRUE', failingPredicate(check)!, wholeRow);
        break;
      case 'row_count':
        count(`${id}_value`, keptBit);
        columns.set(check, { value: `${id}_value` });
        break;
      case 'freshness': {
        const newest = `max(${q(check.column)})${keptBit ? ` FILTER (WHERE ${keptBit})` : ''}`;
        const age = (latest: string) => `CAST(current_timestamp() AS LONG) - CAST(CAST(${latest} AS TIMESTAMP) AS LONG)`;
        groupFigures.push(`${newest} AS ${id}_newest`);
        output(`${id}_value`, age(newest), age(`max(${id}_newest)`));
        columns.set(check, { value: `${id}_value` });
        break;
      }
      case 'sql':
        // A condition on aggregates the user writes: it sees every row the source gives.
        needsRows = true;
        output(`${id}_value`, `(${check.condition})`, 'NULL'); // never over groups: needsRows
        columns.set(check, { value: `${id}_value` });
        break;
      case 'schema':
        break;
    }
  });
  const base = `SELECT *${kept ? `, (${kept}) AS _sw_kept` : ''} FROM (${source}) AS _sw_source${joins.length ? `\n${joins.join('\n')}` : ''}`;
  // Each layer reads the one before: a sample's CASE tests its check's bit in a packed column.
  const layer = (from: string, alias: string, ...projections: string[][]) =>
    projections
      .filter((p) => p.length)
      .reduce((inner, p, i) => `SELECT *, ${p.join(', ')} FROM (${inner}) AS ${alias}_${i}`, from);
  const flagged = layer(base, '_sw_flags', rowFlags.columns(), rowSamples, windows, windowFlags.columns(), windowSamples);
  const groupKeys = [...rowFlags.names(), ...windowFlags.names(), ...sampleNames];
  // Without flags or samples (only row_count or freshness) there is nothing to group rows by.
  const overRows = needsRows || !groupKeys.length;
  const select = outputs.map((o) => `${overRows ? o.overRows : o.overGroups} AS ${o.name}`).join(',\n  ');
  const from = overRows
    ? `(${flagged}) AS _sw_flagged`
    : `(SELECT ${groupKeys.join(', ')}, ${['count(*) AS _sw_n', ...groupFigures].join(', ')} FROM (${flagged}) AS _sw_flagged GROUP BY ${groupKeys.join(', ')}) AS _sw_groups`;
  return { sql: `SELECT ${select}\nFROM ${from}`, columns, keptColumn: keptBit ? '_sw_kept_rows' : undefined };
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
export function failingRowsQuery(
  source: string,
  check: QualityCheck,
  options: { tableName: (dataset: string) => string; limit: number },
): string | undefined {
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
