import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { isDate, parameterMarkers as markersOf } from '../sql/sqlParameters.js';
import { closestName } from '../util/closestName.js';
import { yamlSyntaxProblems } from '../util/yamlProblems.js';
import { scalarOffsetMapper } from './yamlScalarOffsets.js';

/** A span of the dashboard file: 0-based offsets, end exclusive. */
export interface FileRange {
  readonly start: number;
  readonly end: number;
}

export interface DashboardProblem extends FileRange {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export type DashboardParameter =
  | {
      readonly kind: 'date_range';
      readonly name: string;
      readonly label: string;
      /** Bound as :NAME_from and :NAME_to (DATE values). */
      readonly default: { readonly from: string; readonly to: string };
    }
  | {
      readonly kind: 'choice';
      readonly name: string;
      readonly label: string;
      /** Fixed choices; with `choicesSql` the first column of that query's rows is added after them. */
      readonly choices: readonly string[];
      readonly choicesSql?: TileSql;
      /** Offer "All", bound as NULL: `(:segment IS NULL OR segment = :segment)`. */
      readonly all: boolean;
      /** undefined: the first choice (or All, when offered). */
      readonly default?: string;
    }
  | { readonly kind: 'text'; readonly name: string; readonly label: string; readonly default: string };

/** SQL written in the file, with where each of its characters is in the file. */
export interface TileSql {
  readonly text: string;
  readonly range: FileRange;
  readonly fileOffset: (sqlOffset: number) => number;
}

export type TileSource =
  | { readonly kind: 'sql'; readonly sql: TileSql }
  /** The data-quality results of a pipeline's (or quality file's) last runs, as the tool kept them. */
  | { readonly kind: 'quality'; readonly path: string; readonly range: FileRange }
  | {
      readonly kind: 'dataset';
      readonly dataset: string;
      readonly range: FileRange;
      /** An optional filter (a SQL condition, parameters allowed). */
      readonly where?: TileSql;
    };

/** A field of the chart shorthand: `x: date`, `y: sum(amount)`, `x: month(date)`, `y: count()`. */
export interface ShorthandField {
  readonly field?: string;
  readonly aggregate?: string;
  readonly timeUnit?: string;
  readonly range: FileRange;
}

export interface ChartShorthand {
  readonly mark: string;
  readonly x?: ShorthandField;
  readonly y?: ShorthandField;
  readonly color?: ShorthandField;
  readonly range: FileRange;
}

export type TileView =
  | { readonly kind: 'chart'; readonly quality: true; readonly shorthand?: undefined; readonly spec?: undefined }
  | { readonly kind: 'chart'; readonly shorthand: ChartShorthand; readonly spec?: undefined; readonly quality?: undefined }
  | {
      readonly kind: 'chart';
      readonly spec: Record<string, unknown>;
      readonly shorthand?: undefined;
      readonly quality?: undefined;
      readonly range: FileRange;
    }
  | { readonly kind: 'table'; readonly rows: number }
  | {
      readonly kind: 'number';
      /** The column holding the figure (default: the first numeric column) and the one to compare with. */
      readonly value?: { readonly column: string; readonly range: FileRange };
      readonly previous?: { readonly column: string; readonly range: FileRange };
      /** A d3-format string (`,.0f`, `.1%`, `$,.2f`). */
      readonly format?: string;
    };

export interface DashboardTile {
  /** Unique in the dashboard: `tile-N` (N its place in the file). */
  readonly id: string;
  readonly title: string;
  readonly source: TileSource;
  readonly view: TileView;
  /** Columns of the 12-column grid (default 6) and rows of 150 px (default 2; a number's 1). */
  readonly width: number;
  readonly height: number;
  /** The tile's `- title:` item, for problems about the tile as a whole. */
  readonly range: FileRange;
}

export interface DashboardDefinition {
  readonly title: string;
  readonly description?: string;
  readonly parameters: readonly DashboardParameter[];
  readonly tiles: readonly DashboardTile[];
  readonly problems: readonly DashboardProblem[];
}

export const TILE_KINDS = ['chart', 'vega_lite', 'table', 'number'] as const;
export const MARKS = ['line', 'bar', 'area', 'point', 'tick', 'rect', 'arc'] as const;
export const AGGREGATES = ['count', 'sum', 'mean', 'average', 'median', 'min', 'max', 'distinct'] as const;
export const TIME_UNITS = [
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'date',
  'hours',
  'yearmonth',
  'yearmonthdate',
  'yearweek',
] as const;
export const PARAMETER_KINDS = ['date_range', 'choice', 'text'] as const;
/** Rows a table tile shows at most. */
export const MAX_TABLE_ROWS = 1000;

const TOP_KEYS = ['title', 'description', 'parameters', 'tiles'];
const TILE_KEYS = ['title', 'sql', 'dataset', 'quality', 'where', 'width', 'height', ...TILE_KINDS];
const PARAMETER_KEYS = ['type', 'label', 'default', 'choices', 'choices_sql', 'all'];
const NAME = /^[A-Za-z_]\w*$/;

/**
 * Reads a `*.dashboard.yml` file: a title, parameters, and tiles on a 12-column grid, each reading SQL or
 * a dataset and shown as a chart, a table or a number. Every problem carries the range of the text it is
 * about; a tile with a problem is left out (the others still draw).
 */
export function parseDashboard(text: string): DashboardDefinition {
  const problems: DashboardProblem[] = [];
  const rangeOf = (node: Node | null | undefined): FileRange => {
    const [start, end] = node?.range ?? [0, Math.max(1, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'))];
    return { start, end: Math.max(end, start + 1) };
  };
  const problem = (node: Node | null | undefined, message: string, severity: 'error' | 'warning' = 'error') => {
    problems.push({ ...rangeOf(node), severity, message });
    return undefined;
  };
  const empty = { title: 'Dashboard', parameters: [], tiles: [], problems };
  const document = parseDocument(text, { prettyErrors: false });
  problems.push(...yamlSyntaxProblems(document));
  if (document.errors.length) return empty;
  const root = document.contents;
  if (!isMap(root)) {
    problem(root, 'A dashboard is a map: `title:`, optional `parameters:`, and `tiles:`.');
    return empty;
  }
  const top = new Map<string, Pair<Node, Node>>();
  for (const pair of (root as YAMLMap<Node, Node>).items) {
    const key = scalarText(pair.key) ?? '';
    if (!TOP_KEYS.includes(key)) problem(pair.key, unknownKey(key, TOP_KEYS, 'A dashboard'));
    else top.set(key, pair);
  }
  const title = scalarText(top.get('title')?.value) ?? 'Dashboard';
  const sqlOf = (node: Node | null | undefined, what: string): TileSql | undefined => {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '')
      return problem(node, `${what} is SQL text (a block with \`|\` keeps its lines).`);
    return { text: node.value, range: rangeOf(node), fileOffset: scalarOffsetMapper(text, node) };
  };

  const parameters: DashboardParameter[] = [];
  const parametersNode = top.get('parameters')?.value;
  if (parametersNode !== undefined && parametersNode !== null) {
    if (!isMap(parametersNode))
      problem(parametersNode, '`parameters:` maps each name to its `type:` (date_range, choice, text).');
    else
      for (const pair of (parametersNode as YAMLMap<Node, Node>).items) {
        const parameter = readParameter(pair, problem, sqlOf);
        if (parameter) parameters.push(parameter);
      }
  }
  const parameterNames = parameters.flatMap((p) => (p.kind === 'date_range' ? [`${p.name}_from`, `${p.name}_to`] : [p.name]));

  const tiles: DashboardTile[] = [];
  const tilesNode = top.get('tiles')?.value;
  if (!isSeq(tilesNode)) {
    problem(tilesNode ?? top.get('tiles')?.key ?? root, 'A dashboard needs `tiles:`, a list of tiles (`- title: …`).');
  } else
    (tilesNode.items as Node[]).forEach((item, index) => {
      const tile = readTile(item, index, { problem, rangeOf, sqlOf });
      if (tile) tiles.push(tile);
    });
  for (const tile of tiles) checkParameterUse(tile, parameterNames, problems);
  const description = scalarText(top.get('description')?.value);
  return { title, ...(description ? { description } : {}), parameters, tiles, problems };
}

type Problem = (node: Node | null | undefined, message: string, severity?: 'error' | 'warning') => undefined;
type SqlOf = (node: Node | null | undefined, what: string) => TileSql | undefined;

function readParameter(pair: Pair<Node, Node>, problem: Problem, sqlOf: SqlOf): DashboardParameter | undefined {
  const name = scalarText(pair.key) ?? '';
  if (!NAME.test(name))
    return problem(pair.key, `A parameter's name is a SQL identifier (letters, digits, _), used as :${name || 'name'}.`);
  if (!isMap(pair.value))
    return problem(pair.value ?? pair.key, `Parameter ${name} is a map with its \`type:\` (${PARAMETER_KINDS.join(', ')}).`);
  const settings = new Map<string, Pair<Node, Node>>();
  for (const setting of (pair.value as YAMLMap<Node, Node>).items) {
    const key = scalarText(setting.key) ?? '';
    if (!PARAMETER_KEYS.includes(key)) problem(setting.key, unknownKey(key, PARAMETER_KEYS, 'A parameter'));
    else settings.set(key, setting);
  }
  const value = (key: string) => settings.get(key)?.value ?? undefined;
  const kind = scalarText(value('type'));
  const label = scalarText(value('label')) ?? name.replace(/_/g, ' ');
  switch (kind) {
    case 'date_range': {
      const node = value('default');
      const from = isMap(node) ? scalarText(node.get('from', true) as Node) : undefined;
      const to = isMap(node) ? scalarText(node.get('to', true) as Node) : undefined;
      if (!from || !to || !isDate(from) || !isDate(to))
        return problem(
          node ?? pair.key,
          `A date_range needs \`default: {from: YYYY-MM-DD, to: YYYY-MM-DD}\`; it binds :${name}_from and :${name}_to.`,
        );
      if (from > to) return problem(node, `The default range of ${name} ends (${to}) before it starts (${from}).`);
      return { kind, name, label, default: { from, to } };
    }
    case 'choice': {
      const choicesNode = value('choices');
      let choices: string[] = [];
      if (choicesNode !== undefined) {
        if (!isSeq(choicesNode) || !(choicesNode.items as Node[]).every((item) => scalarText(item) !== undefined))
          return problem(choicesNode, 'choices is a list of values: `[north, south]`.');
        choices = (choicesNode.items as Node[]).map((item) => scalarText(item)!);
      }
      const choicesSql = settings.has('choices_sql') ? sqlOf(value('choices_sql'), 'choices_sql') : undefined;
      if (settings.has('choices_sql') && !choicesSql) return undefined;
      if (!choices.length && !choicesSql)
        return problem(
          pair.key,
          `Choice ${name} needs \`choices: [a, b]\` or \`choices_sql:\` (its first column gives the choices).`,
        );
      const allNode = value('all');
      const all =
        allNode === undefined ? false : isScalar(allNode) && typeof allNode.value === 'boolean' ? allNode.value : undefined;
      if (all === undefined) return problem(allNode, '`all:` is true or false (true offers All, bound as NULL).');
      const chosen = scalarText(value('default'));
      if (chosen !== undefined && !choicesSql && !choices.includes(chosen))
        return problem(value('default'), `The default of ${name} is not one of its choices (${choices.join(', ')}).`);
      return {
        kind,
        name,
        label,
        choices,
        ...(choicesSql ? { choicesSql } : {}),
        all,
        ...(chosen !== undefined ? { default: chosen } : {}),
      };
    }
    case 'text':
      return { kind, name, label, default: scalarText(value('default')) ?? '' };
    default:
      return problem(
        value('type') ?? pair.key,
        `Parameter ${name} needs \`type:\` ${PARAMETER_KINDS.join(', ')}${kind ? ` (not '${kind}')` : ''}.`,
      );
  }
}

function readTile(
  item: Node,
  index: number,
  { problem, rangeOf, sqlOf }: { problem: Problem; rangeOf: (node: Node | null | undefined) => FileRange; sqlOf: SqlOf },
): DashboardTile | undefined {
  if (!isMap(item))
    return problem(item, 'A tile is a map: `- title:`, `sql:` or `dataset:`, and `chart:`, `table:` or `number:`.');
  const settings = new Map<string, Pair<Node, Node>>();
  let ok = true;
  for (const pair of (item as YAMLMap<Node, Node>).items) {
    const key = scalarText(pair.key) ?? '';
    if (!TILE_KEYS.includes(key)) {
      problem(pair.key, unknownKey(key, TILE_KEYS, 'A tile'));
      ok = false;
    } else settings.set(key, pair);
  }
  const value = (key: string) => settings.get(key)?.value ?? undefined;
  const title = scalarText(value('title')) ?? `Tile ${index + 1}`;
  let source: TileSource | undefined;
  const sources = (['sql', 'dataset', 'quality'] as const).filter((key) => settings.has(key));
  if (sources.length !== 1) {
    problem(item, `Tile '${title}' reads one of \`sql:\`, \`dataset:\` or \`quality:\` (a pipeline's data-quality runs).`);
    ok = false;
  } else if (settings.has('sql')) {
    const sql = sqlOf(value('sql'), 'sql');
    if (sql) source = { kind: 'sql', sql };
    if (settings.has('where'))
      problem(settings.get('where')!.key as Node, '`where:` filters a `dataset:`; put the condition in the SQL.');
  } else if (settings.has('quality')) {
    const spec = scalarText(value('quality'));
    if (!spec || !/\.ya?ml$/.test(spec))
      problem(value('quality'), 'quality is the path of a spark-pipeline.yml or a quality file, relative to this dashboard.');
    else source = { kind: 'quality', path: spec, range: rangeOf(value('quality')) };
  } else {
    const dataset = scalarText(value('dataset'));
    if (!dataset) problem(value('dataset'), 'dataset is the name of a table or a dataset of the pipeline.');
    else {
      const where = settings.has('where') ? sqlOf(value('where'), 'where') : undefined;
      if (!settings.has('where') || where)
        source = { kind: 'dataset', dataset, range: rangeOf(value('dataset')), ...(where ? { where } : {}) };
    }
  }
  const views = TILE_KINDS.filter((kind) => settings.has(kind));
  let view: TileView | undefined;
  if (source?.kind === 'quality') {
    // A quality tile draws its own chart: checks passed, warned and failed per run.
    if (views.length)
      problem(settings.get(views[0]!)!.key as Node, 'A `quality:` tile draws its own chart of the runs; leave out the view.');
    else view = { kind: 'chart', quality: true };
  } else if (views.length !== 1) {
    problem(
      views.length ? (settings.get(views[1]!)!.key as Node) : item,
      `Tile '${title}' shows one of: chart (the shorthand), vega_lite (a full spec), table or number.`,
    );
  } else view = readView(views[0]!, settings.get(views[0]!)!, { problem, rangeOf });
  const width = gridSize(value('width'), 6, 12, 'width', problem);
  const height = gridSize(value('height'), view?.kind === 'number' ? 1 : 2, 8, 'height', problem);
  if (!ok || !source || !view || width === undefined || height === undefined) return undefined;
  return { id: `tile-${index}`, title, source, view, width, height, range: rangeOf(item) };
}

function readView(
  kind: (typeof TILE_KINDS)[number],
  pair: Pair<Node, Node>,
  { problem, rangeOf }: { problem: Problem; rangeOf: (node: Node | null | undefined) => FileRange },
): TileView | undefined {
  const node = pair.value ?? undefined;
  switch (kind) {
    case 'vega_lite': {
      const spec = isMap(node) ? (node.toJSON() as unknown) : undefined;
      if (!spec || typeof spec !== 'object')
        return problem(node ?? (pair.key as Node), 'vega_lite is a Vega-Lite spec (a map); its data comes from the tile.');
      return { kind: 'chart', spec: spec as Record<string, unknown>, range: rangeOf(node) };
    }
    case 'chart': {
      if (!isMap(node))
        return problem(node ?? (pair.key as Node), 'chart is a map: `{mark: line, x: date, y: sum(amount), color: segment}`.');
      const fields: Partial<Record<'x' | 'y' | 'color', ShorthandField>> = {};
      let mark: string | undefined;
      let ok = true;
      for (const item of (node as YAMLMap<Node, Node>).items) {
        const key = scalarText(item.key) ?? '';
        if (key === 'mark') {
          mark = scalarText(item.value);
          if (!mark || !(MARKS as readonly string[]).includes(mark)) {
            const closest = closestName(mark ?? '', MARKS);
            problem(
              item.value ?? (item.key as Node),
              `mark is one of ${MARKS.join(', ')}.${closest ? ` Did you mean '${closest}'?` : ''}`,
            );
            ok = false;
          }
        } else if (key === 'x' || key === 'y' || key === 'color') {
          const field = readShorthandField(item.value, problem, rangeOf);
          if (field) fields[key] = field;
          else ok = false;
        } else {
          problem(item.key as Node, unknownKey(key, ['mark', 'x', 'y', 'color'], 'A chart'));
          ok = false;
        }
      }
      if (!mark) {
        if (ok) problem(pair.key as Node, `A chart needs its \`mark:\` (${MARKS.join(', ')}).`);
        return undefined;
      }
      if (!ok) return undefined;
      if (!fields.x && !fields.y) return problem(node, 'A chart needs `x:` or `y:` (a column, or `count()`).');
      return { kind: 'chart', shorthand: { mark, ...fields, range: rangeOf(node) } };
    }
    case 'table': {
      if (node === undefined || (isScalar(node) && node.value === null)) return { kind: 'table', rows: 100 };
      const rows = isMap(node) ? (node.get('rows', true) as Node | undefined) : undefined;
      const count = isScalar(rows) ? rows.value : undefined;
      if (
        !isMap(node) ||
        node.items.length !== 1 ||
        typeof count !== 'number' ||
        !Number.isInteger(count) ||
        count < 1 ||
        count > MAX_TABLE_ROWS
      )
        return problem(node, `table is empty or \`{rows: N}\`: the rows shown, 1 to ${MAX_TABLE_ROWS} (default 100).`);
      return { kind: 'table', rows: count };
    }
    case 'number': {
      if (node === undefined || (isScalar(node) && node.value === null)) return { kind: 'number' };
      if (!isMap(node))
        return problem(node, 'number is empty or a map: `{value: revenue, previous: revenue_before, format: ",.0f"}`.');
      const out: {
        value?: { column: string; range: FileRange };
        previous?: { column: string; range: FileRange };
        format?: string;
      } = {};
      for (const item of (node as YAMLMap<Node, Node>).items) {
        const key = scalarText(item.key) ?? '';
        const text = scalarText(item.value);
        if (!['value', 'previous', 'format'].includes(key))
          return problem(item.key as Node, unknownKey(key, ['value', 'previous', 'format'], 'A number'));
        if (!text)
          return problem(
            item.value ?? (item.key as Node),
            `${key} is ${key === 'format' ? 'a d3 format like ",.0f"' : 'a column name'}.`,
          );
        if (key === 'format') {
          if (!/^[^{}]{0,20}$/.test(text)) return problem(item.value, 'format is a short d3 format like ",.0f" or ".1%".');
          out.format = text;
        } else out[key as 'value' | 'previous'] = { column: text, range: rangeOf(item.value) };
      }
      return { kind: 'number', ...out };
    }
  }
}

const SHORTHAND = /^\s*(?:([A-Za-z]+)\(\s*([^()]*?)\s*\)|([^()]+?))\s*$/;

function readShorthandField(
  node: Node | null | undefined,
  problem: Problem,
  rangeOf: (node: Node | null | undefined) => FileRange,
): ShorthandField | undefined {
  const text = scalarText(node);
  const match = text === undefined ? null : SHORTHAND.exec(text);
  if (!match)
    return problem(
      node,
      'A chart field is a column (`date`), an aggregate (`sum(amount)`, `count()`) or a time unit (`month(date)`).',
    );
  const range = rangeOf(node);
  if (match[3] !== undefined) return { field: match[3], range };
  const fn = match[1]!.toLowerCase();
  const field = match[2] || undefined;
  if ((AGGREGATES as readonly string[]).includes(fn)) {
    if (!field && fn !== 'count') return problem(node, `${fn}() needs a column: \`${fn}(amount)\`.`);
    return { ...(field ? { field } : {}), aggregate: fn === 'average' ? 'mean' : fn, range };
  }
  if ((TIME_UNITS as readonly string[]).includes(fn)) {
    if (!field) return problem(node, `${fn}() needs a date or timestamp column: \`${fn}(date)\`.`);
    return { field, timeUnit: fn, range };
  }
  const closest = closestName(fn, [...AGGREGATES, ...TIME_UNITS]);
  return problem(
    node,
    `'${fn}' is neither an aggregate (${AGGREGATES.join(', ')}) nor a time unit (${TIME_UNITS.join(', ')}).${closest ? ` Did you mean '${closest}'?` : ''}`,
  );
}

function gridSize(
  node: Node | null | undefined,
  fallback: number,
  max: number,
  what: string,
  problem: Problem,
): number | undefined {
  if (node === undefined || node === null) return fallback;
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max) return value;
  return problem(
    node,
    `${what} is a whole number from 1 to ${max}${what === 'width' ? ' (columns of a 12-column grid)' : ' (rows of 150 px)'}.`,
  );
}

/** A `:name` in a tile's SQL that no parameter binds would fail in Spark: say so where it is written. */
function checkParameterUse(tile: DashboardTile, names: readonly string[], problems: DashboardProblem[]): void {
  const source = tile.source;
  const sqls = source.kind === 'sql' ? [source.sql] : source.kind === 'dataset' && source.where ? [source.where] : [];
  for (const sql of sqls)
    for (const marker of markersOf(sql.text)) {
      if (names.includes(marker.name)) continue;
      const closest = closestName(marker.name, names);
      problems.push({
        start: sql.fileOffset(marker.start),
        end: sql.fileOffset(marker.start) + marker.name.length + 1,
        severity: 'error',
        message: `No parameter binds :${marker.name}.${closest ? ` Did you mean :${closest}?` : ''}${names.length ? ` Parameters: ${names.map((n) => `:${n}`).join(', ')}.` : ' Declare it under `parameters:`.'}`,
      });
    }
}

function unknownKey(key: string, allowed: readonly string[], what: string): string {
  const closest = closestName(key, allowed);
  return `${what} has no '${key}'.${closest ? ` Did you mean '${closest}'?` : ''} Fields: ${allowed.join(', ')}.`;
}

export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return undefined;
}
