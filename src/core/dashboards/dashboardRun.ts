import type { Table } from 'apache-arrow';
import { chartFieldsOf, type ChartField } from '../charts/chartFields.js';
import { chartInSpark, schemaOnlySql } from '../charts/chartData.js';
import { chartRowsOf } from '../charts/chartRows.js';
import { isRecord } from '../charts/unsupportedChart.js';
import { SparkError } from '../connect/sparkError.js';
import { isNumericType, rowsOf, sparkTypeName, toDisplayText, type SparkValue } from '../arrow/sparkValues.js';
import { conciseSparkMessage } from '../sql/conciseMessage.js';
import { locateSparkError } from '../sql/errorLocation.js';
import type { SqlParameterValue } from '../sql/sqlParameters.js';
import type { QualityRun } from '../quality/qualityHistory.js';
import { closestName } from '../util/closestName.js';
import { shorthandSpec } from './chartShorthand.js';
import type { DashboardDefinition, DashboardProblem, DashboardTile, FileRange, TileSql } from './dashboardFile.js';
import { argsFor, parameterArgs, parameterControls } from './dashboardParameters.js';
import type { DashboardView, ParameterControl, ParameterValues, TileContent, TileState } from './tileResults.js';

/** What a dashboard needs of Spark: one query's whole (small) result, its parameters bound. */
export interface TileQueries {
  /**
   * The kept data-quality runs of a pipeline spec or quality file (a path as the dashboard writes it,
   * relative to its folder), oldest first; undefined where the caller keeps none.
   */
  qualityRuns?(path: string): readonly QualityRun[] | undefined;
  run(
    sql: string,
    options: { readonly args?: Record<string, SqlParameterValue>; readonly maxRows?: number; readonly signal?: AbortSignal },
  ): Promise<Table>;
  /** Analyses a query without running it: its errors point into this text. */
  analyze(sql: string, args?: Record<string, SqlParameterValue>): Promise<void>;
}

/** A chart that cannot be aggregated in Spark draws at most this many rows (one mark each). */
export const LOCAL_CHART_ROWS = 5000;
/** Choices a `choices_sql` offers at most. */
const MAX_CHOICES = 500;

export interface TileOutcome {
  readonly state: Exclude<TileState, { state: 'loading' }>;
  /** Problems to show in the dashboard file, at the text they are about. */
  readonly problems: readonly DashboardProblem[];
}

/** The values each choice's `choices_sql` returned, by parameter; a failing query is a problem at its text. */
export async function queryChoices(
  definition: DashboardDefinition,
  queries: TileQueries,
  signal?: AbortSignal,
): Promise<{ readonly choices: Map<string, string[]>; readonly problems: DashboardProblem[] }> {
  const choices = new Map<string, string[]>();
  const problems: DashboardProblem[] = [];
  await Promise.all(
    definition.parameters.map(async (parameter) => {
      if (parameter.kind !== 'choice' || !parameter.choicesSql) return;
      try {
        await queries.analyze(parameter.choicesSql.text);
        const table = await queries.run(parameter.choicesSql.text, { maxRows: MAX_CHOICES, signal });
        const values: string[] = [];
        for (const row of rowsOf(table)) if (row[0] !== null && row[0] !== undefined) values.push(toDisplayText(row[0]));
        choices.set(parameter.name, values);
      } catch (error) {
        if (!(error instanceof SparkError) || error.kind === 'cancelled') throw error;
        problems.push(sqlProblem(parameter.choicesSql, error));
      }
    }),
  );
  return { choices, problems };
}

/** The page's frame: title, parameters with their values, the tiles' places. */
export function dashboardView(definition: DashboardDefinition, controls: readonly ParameterControl[]): DashboardView {
  return {
    title: definition.title,
    ...(definition.description ? { description: definition.description } : {}),
    parameters: controls,
    tiles: definition.tiles.map(({ id, title, width, height }) => ({ id, title, width, height })),
  };
}

export interface DashboardRunOptions {
  readonly signal?: AbortSignal;
  /** Called as each tile is drawn or fails, in the order they finish. */
  readonly onTile?: (tileId: string, outcome: TileOutcome) => void;
  /** Only these tiles (default: all). */
  readonly only?: ReadonlySet<string>;
  /** A picked value that is not among its parameter's choices is an error (else the default is used). */
  readonly strict?: boolean;
}

/**
 * Runs a dashboard's tiles, all at once: each tile's own queries run in Spark concurrently with the
 * others', and one failing tile leaves the rest drawn. Parameters are bound as named arguments.
 */
export async function runDashboard(
  definition: DashboardDefinition,
  picked: ParameterValues,
  queries: TileQueries,
  options: DashboardRunOptions = {},
): Promise<{ readonly view: DashboardView; readonly tiles: Map<string, TileOutcome>; readonly problems: DashboardProblem[] }> {
  const { choices, problems } = await queryChoices(definition, queries, options.signal);
  const controls = parameterControls(definition.parameters, picked, choices);
  if (options.strict)
    for (const control of controls) {
      const given = picked[control.name];
      if (control.kind === 'choice' && typeof given === 'string' && control.value !== given)
        throw new Error(
          `'${given}' is not a choice of ${control.name}: ${[...(control.all ? ['All'] : []), ...control.choices].join(', ')}.`,
        );
    }
  const args = parameterArgs(controls);
  const tiles = new Map<string, TileOutcome>();
  await Promise.all(
    definition.tiles
      .filter((tile) => !options.only || options.only.has(tile.id))
      .map(async (tile) => {
        const outcome = await runTile(tile, args, queries, options.signal);
        tiles.set(tile.id, outcome);
        options.onTile?.(tile.id, outcome);
      }),
  );
  return { view: dashboardView(definition, controls), tiles, problems };
}

/** One tile: its query analysed (errors at their place in the file), then drawn from what Spark returns. */
export async function runTile(
  tile: DashboardTile,
  args: Readonly<Record<string, SqlParameterValue>>,
  queries: TileQueries,
  signal?: AbortSignal,
): Promise<TileOutcome> {
  const started = Date.now();
  if (tile.source.kind === 'quality') return qualityTile(tile, tile.source.path, queries, started);
  const { sql, locate } = tileQuery(tile);
  const bound = (text: string) => argsFor(text, args);
  try {
    await queries.analyze(sql, bound(sql));
    const run = (text: string, maxRows?: number) => queries.run(text, { args: bound(text), maxRows, signal });
    const done = (content: TileContent, note: string): TileOutcome => ({
      state: { state: 'done', content, note, elapsedMs: Date.now() - started },
      problems: [],
    });
    const view = tile.view;
    if (view.kind === 'table') {
      const table = await run(sql, view.rows + 1);
      const columns = table.schema.fields.map((f) => ({
        name: f.name,
        type: sparkTypeName(f.type),
        numeric: isNumericType(f.type),
      }));
      const rows = [...rowsOf(table)].slice(0, view.rows).map((row) => row.map((v) => (v === null ? null : toDisplayText(v))));
      const truncated = table.numRows > view.rows;
      return done(
        { kind: 'table', columns, rows, truncated },
        truncated ? `The first ${view.rows} rows.` : `${rows.length} rows.`,
      );
    }
    if (view.kind === 'number') {
      const table = await run(sql, 1);
      const fields = table.schema.fields;
      const problems: DashboardProblem[] = [];
      const columnOf = (wanted: { column: string; range: FileRange } | undefined, fallback: number) => {
        if (!wanted) return fallback;
        const index = fields.findIndex((f) => f.name.toLowerCase() === wanted.column.toLowerCase());
        if (index === -1)
          problems.push(
            unknownColumn(
              wanted.column,
              wanted.range,
              fields.map((f) => f.name),
            ),
          );
        return index;
      };
      const valueIndex = columnOf(
        view.value,
        fields.findIndex((f) => isNumericType(f.type)),
      );
      const previousIndex = view.previous ? columnOf(view.previous, -1) : undefined;
      if (problems.length) return failed(problems, tile);
      if (valueIndex === -1)
        return failed(
          [{ ...tile.range, severity: 'error', message: `Tile '${tile.title}': the query returns no numeric column to show.` }],
          tile,
        );
      const [row] = rowsOf(table);
      const value = row ? numberOf(row[valueIndex]!) : null;
      const previous = previousIndex === undefined ? undefined : row ? numberOf(row[previousIndex]!) : null;
      return done(
        {
          kind: 'number',
          value,
          ...(previous !== undefined ? { previous } : {}),
          ...(view.format ? { format: view.format } : {}),
          column: fields[valueIndex]!.name,
        },
        row ? `${fields[valueIndex]!.name} of the first row.` : 'The query returned no row.',
      );
    }
    const fields = chartFieldsOf((await run(schemaOnlySql(sql))).schema);
    const planned = chartSpec(tile, fields);
    if ('problems' in planned) return failed(planned.problems, tile);
    const chart = await chartContent(sql, planned.spec, fields, run);
    if ('tooMany' in chart)
      return failed([{ ...tile.range, severity: 'error', message: `Tile '${tile.title}': ${chart.tooMany}` }], tile);
    return done(chart.content, chart.note);
  } catch (error) {
    if (!(error instanceof SparkError) || error.kind === 'cancelled') throw error;
    if (error.kind !== 'spark') return { state: { state: 'error', message: error.message }, problems: [] };
    const span = locateSparkError(sql, error);
    const range = span ? locate(span.start, span.end) : undefined;
    const problem: DashboardProblem = {
      ...(range ?? tile.range),
      severity: 'error',
      message: `Tile '${tile.title}': ${conciseSparkMessage(error.message, error.errorClass)}`,
    };
    if (error.errorClass === 'TABLE_OR_VIEW_NOT_FOUND' && tile.source.kind === 'dataset') {
      // Spark's first sentence names the table; the rest is about search paths and DROP.
      const named = problem.message.split('\n')[0]!.replace(/ Verify the spelling.*$/, '');
      const nearest = await nearestTable(tile.source.dataset, queries);
      return failed([{ ...problem, ...tile.source.range, message: named + nearest }], tile);
    }
    return failed([problem], tile, error);
  }
}

/** The SQL a tile runs, and where a span of it is written in the file. */
export function tileQuery(tile: DashboardTile): {
  readonly sql: string;
  locate(start: number, end: number): FileRange | undefined;
} {
  const source = tile.source;
  if (source.kind === 'sql') {
    const { text, fileOffset } = source.sql;
    return {
      sql: text,
      locate: (start, end) => ({ start: fileOffset(start), end: Math.max(fileOffset(end), fileOffset(start) + 1) }),
    };
  }
  if (source.kind === 'quality') return { sql: '', locate: () => source.range };
  const prefix = `SELECT * FROM ${source.dataset}`;
  if (!source.where) return { sql: prefix, locate: () => source.range };
  const head = `${prefix} WHERE (`;
  const where = source.where;
  return {
    sql: `${head}${where.text})`,
    locate: (start, end) =>
      start >= head.length && start < head.length + where.text.length
        ? {
            start: where.fileOffset(start - head.length),
            end: Math.max(
              where.fileOffset(Math.min(end, head.length + where.text.length) - head.length),
              where.fileOffset(start - head.length) + 1,
            ),
          }
        : source.range,
  };
}

/** The tables a tile reads, as written (a dataset tile's dataset; for SQL tiles see the caller). */
export function tileDataset(tile: DashboardTile): string | undefined {
  return tile.source.kind === 'dataset' ? tile.source.dataset : undefined;
}

function chartSpec(
  tile: DashboardTile,
  fields: readonly ChartField[],
): { spec: Record<string, unknown> } | { problems: readonly DashboardProblem[] } {
  const view = tile.view;
  if (view.kind !== 'chart' || view.quality) throw new Error('not a chart tile of a query');
  if (view.shorthand) return shorthandSpec(view.shorthand, fields);
  // Data always comes from the tile's query: a spec cannot point Vega at a file or URL.
  const { data: _data, datasets: _datasets, $schema: _schema, ...rest } = view.spec;
  const names = fields.map((f) => f.name);
  const unknown = specFields(rest).filter((name) => !names.includes(name));
  if (unknown.length) return { problems: unknown.map((name) => unknownColumn(name, view.range, names)) };
  return { spec: rest };
}

/** The chart's rows: aggregated in Spark where the spec allows it, else the query's rows (at most LOCAL_CHART_ROWS). */
async function chartContent(
  sql: string,
  spec: Record<string, unknown>,
  fields: readonly ChartField[],
  run: (sql: string, maxRows?: number) => Promise<Table>,
): Promise<{ content: TileContent; note: string } | { tooMany: string }> {
  const named = { ...spec, data: { name: 'table' } };
  const pushed = await chartInSpark({ sql, spec: named, fields, timeZone: 'UTC' }, (text) => run(text));
  if (pushed.kind === 'aggregated') {
    const rows = chartRowsOf(pushed.table);
    return {
      content: { kind: 'chart', spec: { ...pushed.spec, data: { name: 'table' } }, rows },
      note: `Aggregated in Spark from ${pushed.sourceRows.toLocaleString('en-US')} rows (${rows.length.toLocaleString('en-US')} fetched).`,
    };
  }
  const table = await run(sql, LOCAL_CHART_ROWS + 1);
  if (table.numRows > LOCAL_CHART_ROWS)
    return {
      tooMany:
        `This chart draws one mark per row (${pushed.reason}) and the query returns more than ${LOCAL_CHART_ROWS.toLocaleString('en-US')} rows: ` +
        'aggregate in the query, or give the chart an aggregate (y: sum(amount)).',
    };
  const rows = chartRowsOf(table);
  return { content: { kind: 'chart', spec: named, rows }, note: `Drawn from all ${rows.length.toLocaleString('en-US')} rows.` };
}

function failed(problems: readonly DashboardProblem[], tile: DashboardTile, error?: SparkError): TileOutcome {
  const message =
    problems.map((p) => p.message.replace(`Tile '${tile.title}': `, '')).join('\n') ||
    (error ? conciseSparkMessage(error.message, error.errorClass) : 'failed');
  return { state: { state: 'error', message }, problems };
}

function unknownColumn(name: string, range: FileRange, columns: readonly string[]): DashboardProblem {
  const closest = closestName(name, columns);
  return {
    ...range,
    severity: 'error',
    message: `The tile's query has no column '${name}'.${closest ? ` Did you mean '${closest}'?` : ''} Columns: ${columns.join(', ')}.`,
  };
}

/** The `field`s a Vega-Lite spec's encodings name (its channels, at any depth of layer/encoding). */
function specFields(spec: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key: string | undefined) => {
    if (Array.isArray(value)) value.forEach((item) => visit(item, undefined));
    else if (isRecord(value)) {
      if (key !== undefined && typeof value.field === 'string' && !('transform' in value)) found.push(value.field);
      for (const [k, v] of Object.entries(value)) if (k !== 'transform' && k !== 'params') visit(v, k);
    }
  };
  if (isRecord(spec) && spec.transform === undefined) visit(spec.encoding, undefined);
  return [...new Set(found)];
}

function numberOf(value: SparkValue): number | null {
  if (value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const text = toDisplayText(value);
  const number = Number(text);
  return Number.isFinite(number) ? number : null;
}

function sqlProblem(sql: TileSql, error: SparkError): DashboardProblem {
  const span = locateSparkError(sql.text, error);
  const range = span
    ? { start: sql.fileOffset(span.start), end: Math.max(sql.fileOffset(span.end), sql.fileOffset(span.start) + 1) }
    : sql.range;
  return { ...range, severity: 'error', message: conciseSparkMessage(error.message, error.errorClass) };
}

/** " Did you mean …?" from the tables of the dataset's schema, when one is within two edits. */
async function nearestTable(dataset: string, queries: TileQueries): Promise<string> {
  const parts = dataset.split('.');
  const schema = parts.slice(0, -1).join('.');
  try {
    const table = await queries.run(schema ? `SHOW TABLES IN ${schema}` : 'SHOW TABLES', {});
    const names = [...rowsOf(table)].map((row) => String(row[1] ?? ''));
    const closest = closestName(parts[parts.length - 1]!, names);
    return closest ? ` Did you mean '${schema ? `${schema}.` : ''}${closest}'?` : '';
  } catch {
    return '';
  }
}

/** A quality tile: checks passed, warned and failed in each kept run, as stacked bars (no Spark query). */
function qualityTile(tile: DashboardTile, path: string, queries: TileQueries, started: number): TileOutcome {
  const runs = queries.qualityRuns?.(path);
  if (!runs?.length)
    return {
      state: {
        state: 'error',
        message: `No data-quality results of ${path} are kept yet: run the pipeline (or its checks) first.`,
      },
      problems: [
        {
          ...(tile.source.kind === 'quality' ? tile.source.range : tile.range),
          severity: 'warning',
          message: `No data-quality results of ${path} are kept yet.`,
        },
      ],
    };
  const rows = runs.flatMap((run) => {
    const checks = run.datasets.flatMap((d) => d.checks);
    const failed = checks.filter((c) => c.status === 'error' || (c.status === 'failed' && c.severity === 'error')).length;
    const warned = checks.filter((c) => c.status === 'failed' && c.severity !== 'error').length;
    const run_at = run.at;
    return [
      { run: run_at, outcome: 'passed', checks: checks.filter((c) => c.status === 'passed').length },
      { run: run_at, outcome: 'warned', checks: warned },
      { run: run_at, outcome: 'failed', checks: failed },
    ];
  });
  const spec = {
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'run', type: 'ordinal', timeUnit: { unit: 'yearmonthdatehoursminutesseconds', utc: true }, title: 'Run (UTC)' },
      y: { field: 'checks', type: 'quantitative', title: 'Checks', stack: true, axis: { tickMinStep: 1, format: 'd' } },
      color: {
        field: 'outcome',
        type: 'nominal',
        scale: { domain: ['passed', 'warned', 'failed'], range: ['#5a9e5e', '#d9a400', '#c72e0f'] },
        sort: ['passed', 'warned', 'failed'],
        title: 'Checks',
      },
      order: { field: 'outcome', sort: 'descending' },
    },
    data: { name: 'table' },
  };
  return {
    state: {
      state: 'done',
      content: { kind: 'chart', spec, rows },
      note: runs.length === 1 ? `The last run of ${path}.` : `The last ${runs.length} runs of ${path}.`,
      elapsedMs: Date.now() - started,
    },
    problems: [],
  };
}
