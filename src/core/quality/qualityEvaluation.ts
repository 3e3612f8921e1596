import type { Table } from 'apache-arrow';
import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { asSparkError } from '../connect/sparkError.js';
import { conciseSparkMessage } from '../sql/conciseMessage.js';
import { closestName } from '../util/closestName.js';
import { columnsOf, isRowCheck, type QualityCheck } from './qualityChecks.js';
import { percent } from './qualityFormat.js';
import { quoteIdentifier } from '../sql/sqlText.js';
import { compileQualityQuery, DEFAULT_SAMPLE_SIZE } from './qualityQuery.js';

export type CheckStatus = 'passed' | 'failed' | 'error';

export interface CheckResult {
  readonly check: QualityCheck;
  /** `error`: the check could not run (its message says why); never counted as passed. */
  readonly status: CheckStatus;
  /** Row checks: rows looked at and rows that failed. */
  readonly checked?: number;
  readonly failing?: number;
  /** Rows a `DROP ROW` expectation removed from the dataset. */
  readonly dropped?: number;
  /** Up to the sample size of failing values (rows as JSON for not_null and expectations). */
  readonly samples: readonly string[];
  /** What a dataset-level check saw ("12 rows", "newest 3 h old"). */
  readonly observed?: string;
  readonly message: string;
}

export interface DatasetQuality {
  readonly dataset: string;
  /** Rows in the dataset (kept rows, where `DROP ROW` applied); undefined when nothing could run. */
  readonly rows?: number;
  readonly results: readonly CheckResult[];
  /** The aggregate that ran, for whoever wants to see it. */
  readonly query?: string;
  /** The query of the dataset's rows the checks read (Show Failing Rows reads it again). */
  readonly source: string;
  readonly durationMs: number;
}

export interface DatasetSource {
  readonly dataset: string;
  /** A query whose rows are the dataset's (before any `DROP ROW` expectation drops them). */
  readonly query: string;
  readonly checks: readonly QualityCheck[];
  /** How a query names another dataset (for `references`). */
  readonly tableName: (dataset: string) => string;
}

export interface EvaluateOptions {
  readonly sampleSize?: number;
  readonly signal?: AbortSignal;
  readonly tags?: readonly string[];
}

/**
 * Evaluates every check of one dataset: first what needs no data (the schema, that each column named
 * exists, that each expression and referenced dataset resolves: each a cheap analysis), then one
 * aggregate for the rest. A check that cannot run is an error of its own and the others still run.
 */
export async function evaluateDatasetQuality(
  client: SparkConnectClient,
  source: DatasetSource,
  options: EvaluateOptions = {},
): Promise<DatasetQuality> {
  const started = Date.now();
  const results = new Map<QualityCheck, CheckResult>();
  const cannotRun = (check: QualityCheck, message: string) =>
    results.set(check, { check, status: 'error', samples: [], message: `Could not run: ${message}` });
  const done = (query?: string, rows?: number): DatasetQuality => ({
    dataset: source.dataset,
    rows,
    query,
    source: source.query,
    results: source.checks.map((c) => results.get(c)!),
    durationMs: Date.now() - started,
  });
  // Each expression and referenced dataset is analysed while Spark describes the source: round trips
  // side by side, not one after the other.
  const analyses = new Map(
    source.checks.map((check) => [check, analyse(client, source, check).then(() => undefined, sparkMessage)]),
  );
  let schema: { name: string; type: string }[];
  try {
    schema = await describeQuery(client, source.query, options);
  } catch (thrown) {
    const message = sparkMessage(thrown);
    await Promise.all(analyses.values());
    for (const check of source.checks) cannotRun(check, message);
    return done();
  }
  const known = new Map(schema.map((c) => [c.name.toLowerCase(), c]));
  const names = schema.map((c) => c.name);
  for (const check of source.checks) {
    const missing = columnsOf(check).find((c) => !known.has(c.toLowerCase()));
    const problem = await analyses.get(check);
    if (missing !== undefined) {
      const closest = closestName(missing, names);
      cannotRun(check, `${source.dataset} has no column '${missing}'.${closest ? ` Did you mean '${closest}'?` : ''}`);
    } else if (problem !== undefined) cannotRun(check, problem);
  }
  for (const check of source.checks)
    if (check.kind === 'schema' && !results.has(check)) {
      const problems = check.columns.flatMap(({ name, type }) => {
        const found = known.get(name.toLowerCase());
        if (!found) {
          const closest = closestName(name, names);
          return [`no column ${name}${closest ? ` (did you mean ${closest}?)` : ''}`];
        }
        return type && normalType(type) !== normalType(found.type) ? [`${found.name} is ${found.type}, not ${type}`] : [];
      });
      results.set(check, {
        check,
        status: problems.length ? 'failed' : 'passed',
        samples: [],
        observed: schema.map((c) => `${c.name} ${c.type}`).join(', '),
        message: problems.length
          ? `Schema: ${problems.join('; ')}.`
          : `Schema has ${check.columns.map((c) => c.name).join(', ')}.`,
      });
    }
  const runnable = source.checks.filter((c) => !results.has(c));
  if (!runnable.length) return done();
  const compiled = compileQualityQuery(source.query, runnable, {
    sourceColumns: names,
    rowsAsJson: schema.some((c) => /\b(map|variant)\b/i.test(c.type)),
    tableName: source.tableName,
    sampleSize: options.sampleSize ?? DEFAULT_SAMPLE_SIZE,
  });
  let table: Table;
  try {
    table = await client.sql(compiled.sql, { signal: options.signal, tags: options.tags }).toTable();
  } catch (thrown) {
    const error = asSparkError(thrown);
    if (error.kind === 'cancelled') throw error;
    for (const check of runnable) cannotRun(check, conciseSparkMessage(error.message, error.errorClass));
    return done(compiled.sql);
  }
  const cell = (column: string | undefined): unknown => (column === undefined ? undefined : table.getChild(column)?.get(0));
  const allRows = Number(cell('_sw_rows') ?? 0);
  const keptRows = compiled.keptColumn ? Number(cell(compiled.keptColumn)) : allRows;
  for (const check of runnable) {
    const columns = compiled.columns.get(check)!;
    if (isRowCheck(check)) {
      const checked = Number(cell(columns.checked));
      const failing = Number(cell(columns.failing));
      const samples = sampleList(cell(columns.samples));
      const dropped = check.kind === 'expect' && check.action === 'drop' ? failing : undefined;
      const passing = checked === 0 ? 1 : (checked - failing) / checked;
      const failed = check.kind === 'expect' && check.action === 'fail' ? failing > 0 : passing < check.mostly;
      results.set(check, {
        check,
        status: failed ? 'failed' : 'passed',
        checked,
        failing,
        dropped,
        samples,
        message: rowMessage(check, checked, failing, dropped, samples),
      });
    } else {
      const value = cell(columns.value);
      results.set(check, datasetLevelResult(check, value));
    }
  }
  return done(compiled.sql, keptRows);
}

/** The analysis a check needs before it runs: its expression resolves to a boolean, its other dataset exists. */
async function analyse(client: SparkConnectClient, source: DatasetSource, check: QualityCheck): Promise<void> {
  if (check.kind === 'expect')
    await expectBoolean(client, `SELECT (${check.expression}) AS e FROM (${source.query}) AS _sw_input`);
  else if (check.kind === 'sql')
    await expectBoolean(client, `SELECT (${check.condition}) AS e FROM (${source.query}) AS _sw_input`);
  else if (check.kind === 'references')
    await client.schemaOf(`SELECT ${quoteIdentifier(check.targetColumn)} FROM ${source.tableName(check.target)}`);
}

async function describeQuery(
  client: SparkConnectClient,
  query: string,
  options: EvaluateOptions,
): Promise<{ name: string; type: string }[]> {
  const table = await client
    .sql(`DESCRIBE QUERY SELECT * FROM (${query}) AS _sw_input`, { signal: options.signal, tags: options.tags })
    .toTable();
  const names = table.getChild('col_name');
  const types = table.getChild('data_type');
  return Array.from({ length: table.numRows }, (_, i) => ({ name: String(names?.get(i)), type: String(types?.get(i)) }));
}

async function expectBoolean(client: SparkConnectClient, query: string): Promise<void> {
  const type = await client.schemaOf(query);
  const field = type?.kind.case === 'struct' ? type.kind.value.fields[0] : undefined;
  const kind = field?.dataType?.kind.case;
  if (kind && kind !== 'boolean' && kind !== 'null')
    throw new Error(
      `the condition is ${kind}, not a boolean: it must be true or false for each ${/FROM \(/.test(query) ? 'row' : 'dataset'}.`,
    );
}

function sparkMessage(thrown: unknown): string {
  const error = asSparkError(thrown);
  return conciseSparkMessage(error.message, error.errorClass);
}

const TYPE_ALIASES: Record<string, string> = {
  integer: 'int',
  long: 'bigint',
  short: 'smallint',
  byte: 'tinyint',
  real: 'float',
  bool: 'boolean',
  numeric: 'decimal',
  dec: 'decimal',
  text: 'string',
};

function normalType(type: string): string {
  const lower = type.toLowerCase().replace(/\s+/g, '');
  const base = /^[a-z_]+/.exec(lower)?.[0] ?? lower;
  return (TYPE_ALIASES[base] ?? base) + lower.slice(base.length);
}

function sampleList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list =
    typeof (value as { toArray?: unknown }).toArray === 'function'
      ? (value as { toArray(): unknown[] }).toArray()
      : (value as unknown[]);
  const seen: string[] = [];
  for (const item of Array.from(list)) {
    const text = item === null || item === undefined ? 'NULL' : String(item);
    if (!seen.includes(text)) seen.push(text);
  }
  return seen;
}

/** How much of a sample a message shows. */
const SHORT_SAMPLE = 80;

function rowMessage(
  check: QualityCheck,
  checked: number,
  failing: number,
  dropped: number | undefined,
  samples: readonly string[],
): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const figures = `${count(failing)} of ${count(checked)} rows failed (${percent(failing, checked)})`;
  const mostly = check.mostly < 1 ? `; mostly ${check.mostly} needs ≥ ${percent(check.mostly, 1)} passing` : '';
  const droppedText = dropped !== undefined && dropped > 0 ? `; ${count(dropped)} rows dropped` : '';
  // One short sample: the rest are in the result (Show Failing Rows, reports), not in a one-line message.
  const first = samples[0];
  const sampleText =
    first === undefined ? '' : `; e.g. ${first.length > SHORT_SAMPLE ? `${first.slice(0, SHORT_SAMPLE - 1)}…` : first}`;
  return `${check.name}: ${figures}${mostly}${droppedText}${sampleText}`;
}

function datasetLevelResult(check: QualityCheck, value: unknown): CheckResult {
  const base = { check, samples: [] as string[] };
  switch (check.kind) {
    case 'row_count': {
      const count = Number(value);
      const ok = (check.min === undefined || count >= check.min) && (check.max === undefined || count <= check.max);
      const wanted = [
        check.min !== undefined ? `≥ ${check.min.toLocaleString('en-US')}` : '',
        check.max !== undefined ? `≤ ${check.max.toLocaleString('en-US')}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return {
        ...base,
        status: ok ? 'passed' : 'failed',
        observed: `${count.toLocaleString('en-US')} rows`,
        message: `${check.name}: ${count.toLocaleString('en-US')} rows; expected ${wanted}`,
      };
    }
    case 'freshness': {
      if (value === null || value === undefined)
        return {
          ...base,
          status: 'failed',
          observed: 'no values',
          message: `${check.name}: ${check.column} has no values to date the data by`,
        };
      const age = Number(value);
      return {
        ...base,
        status: age <= check.maxAgeSeconds ? 'passed' : 'failed',
        observed: `newest ${humanAge(age)} old`,
        message: `${check.name}: the newest ${check.column} is ${humanAge(age)} old; at most ${check.maxAge} expected`,
      };
    }
    case 'sql': {
      const ok = value === true;
      return {
        ...base,
        status: ok ? 'passed' : 'failed',
        observed: String(value),
        message: `${check.name}: ${check.condition} is ${value === null || value === undefined ? 'NULL' : String(value)}`,
      };
    }
    default:
      return { ...base, status: 'error', message: `Could not run: ${check.kind} is not a dataset-level check` };
  }
}

function humanAge(seconds: number): string {
  const abs = Math.abs(seconds);
  const text =
    abs < 120
      ? `${abs} s`
      : abs < 7200
        ? `${Math.round(abs / 60)} min`
        : abs < 172800
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} d`;
  return seconds < 0 ? `${text} in the future` : text;
}
