import { codeStart } from '../sql/statementAtCursor.js';
import { nameParts, qualifiedName } from '../sql/sqlText.js';
import { featureTableOf, statementFeatureTable } from '../features/featureTables.js';
import { splitSqlStatements, type SqlStatement } from '../sql/statementSplitter.js';

export type DatasetKind = 'materializedView' | 'streamingTable' | 'temporaryView' | 'view' | 'sink';

/** Where a dataset or flow is defined: a file of the pipeline (relative to the spec) and a span in it. */
export interface DefinitionLocation {
  readonly file: string;
  /** 1-based line of the definition (the statement's first line of code, or the decorator). */
  readonly line: number;
  /** Offsets into the file, for SQL definitions. */
  readonly start?: number;
  readonly end?: number;
}

export interface PipelineDataset {
  /** As written in the definition. */
  readonly name: string;
  readonly kind: DatasetKind;
  readonly location: DefinitionLocation;
  /** Its entity keys and timestamp, when its table properties make it a feature table. */
  readonly featureTable?: { readonly keys: readonly string[]; readonly timestamp: string };
}

export interface PipelineFlow {
  readonly name: string;
  readonly target: string;
  /** What it reads, as written (tables of the pipeline, or of the catalog). */
  readonly reads: readonly string[];
  readonly location: DefinitionLocation;
  /** The SQL statement of a SQL flow (for positions Spark reports relative to it). */
  readonly statement?: SqlStatement;
}

export interface PipelineGraph {
  readonly datasets: readonly PipelineDataset[];
  readonly flows: readonly PipelineFlow[];
}

/** Reads the tables a query reads (dt-sql-parser's Spark grammar, in its worker). */
export type TablesRead = (query: string) => Promise<string[]>;

const NAME = String.raw`((?:\`[^\`]+\`|[\w]+)(?:\s*\.\s*(?:\`[^\`]+\`|[\w]+))*)`;
const DEFINITIONS: readonly { pattern: RegExp; kind: DatasetKind | 'flow' }[] = [
  {
    pattern: new RegExp(
      String.raw`^CREATE\s+(?:OR\s+REFRESH\s+)?(?:PRIVATE\s+)?MATERIALIZED\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`,
      'i',
    ),
    kind: 'materializedView',
  },
  {
    pattern: new RegExp(
      String.raw`^CREATE\s+(?:OR\s+REFRESH\s+)?(?:PRIVATE\s+)?STREAMING\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`,
      'i',
    ),
    kind: 'streamingTable',
  },
  {
    pattern: new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'i'),
    kind: 'temporaryView',
  },
  { pattern: new RegExp(String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'i'), kind: 'view' },
  { pattern: new RegExp(String.raw`^CREATE\s+FLOW\s+${NAME}\s+AS\s+INSERT\s+INTO\s+${NAME}`, 'i'), kind: 'flow' },
];

/**
 * The datasets and flows of a pipeline's SQL file, as Spark's SQL registration reads them: each
 * CREATE MATERIALIZED VIEW / STREAMING TABLE … AS / (TEMPORARY) VIEW defines a dataset and the flow
 * that fills it (of the same name); CREATE FLOW … AS INSERT INTO target defines a flow into another
 * dataset. A flow reads the tables of its query.
 */
export async function sqlDefinitions(file: string, text: string, tablesRead: TablesRead): Promise<PipelineGraph> {
  const datasets: PipelineDataset[] = [];
  const flows: PipelineFlow[] = [];
  for (const statement of splitSqlStatements(text)) {
    const code = text.slice(codeStart(statement), statement.end);
    const location = { file, line: lineAt(text, codeStart(statement)), start: codeStart(statement), end: statement.end };
    for (const { pattern, kind } of DEFINITIONS) {
      const match = pattern.exec(code);
      if (!match) continue;
      const query =
        kind === 'flow' ? code.slice(match[0].length).replace(/^\s*(BY\s+NAME\s+)?/i, '') : queryOf(code, match[0].length);
      const reads = query ? await tablesRead(query).catch(() => []) : [];
      if (kind === 'flow') {
        flows.push({ name: unquote(match[1]!), target: unquote(match[2]!), reads, location, statement });
      } else {
        const name = unquote(match[1]!);
        const feature = statementFeatureTable(code)?.declared;
        datasets.push({ name, kind, location, ...(feature && !('problem' in feature) ? { featureTable: feature } : {}) });
        if (query) flows.push({ name, target: name, reads, location, statement });
      }
      break;
    }
  }
  return { datasets, flows };
}

/** The query after the definition's `AS` (past a column list in parentheses), if it has one. */
function queryOf(code: string, from: number): string | undefined {
  const start = queryStart(code, from);
  return start === undefined ? undefined : code.slice(start);
}

function queryStart(code: string, from: number): number | undefined {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const close = code.indexOf(ch, i + 1);
      i = close === -1 ? code.length : close;
    } else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^AS\b/i.test(code.slice(i, i + 3)) && /\s/.test(code[i - 1] ?? ' ')) {
      if (!/^\s/.test(code.slice(i + 2))) return undefined;
      const lead = /^\s*(INSERT\s+INTO\s+\S+\s+(BY\s+NAME\s+)?)?/i.exec(code.slice(i + 2))![0].length;
      return i + 2 + lead;
    }
  }
  return undefined;
}

/**
 * Where the query of a materialized view, streaming table or flow definition starts in `code` (which
 * begins with its CREATE): what runs alone as a preview of the dataset. Views are left out: they run
 * as they are outside a pipeline too.
 */
export function definitionQueryStart(code: string): number | undefined {
  for (const { pattern, kind } of DEFINITIONS) {
    if (kind === 'view' || kind === 'temporaryView') continue;
    const match = pattern.exec(code);
    if (!match) continue;
    if (kind !== 'flow') return queryStart(code, match[0].length);
    return match[0].length + /^\s*(BY\s+NAME\s+)?/i.exec(code.slice(match[0].length))![0].length;
  }
  return undefined;
}

function unquote(name: string): string {
  return name
    .split(/\s*\.\s*/)
    .map((part) => part.replace(/^`|`$/g, ''))
    .join('.');
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** What the Python helper reports of a .py definition file. */
export interface PythonDefinitions {
  readonly outputs: readonly {
    name: string;
    type: string;
    file: string;
    line: number;
    /** The table properties its decorator sets (a feature table's keys among them). */
    tableProperties?: Readonly<Record<string, string>>;
  }[];
  readonly flows: readonly {
    name: string;
    target: string;
    reads: readonly string[];
    file: string;
    line: number;
    /** Declared with @dp.expect… (the line of each decorator). */
    expectations?: readonly { name: string; condition: string; action: 'keep' | 'drop' | 'fail'; file: string; line: number }[];
    /** A session temporary view of the rows before `drop` expectations filtered them (batch flows). */
    unfilteredView?: string;
  }[];
  /** Datasets whose function skipped itself in this run (spark_workbench_models.skip_dataset), with why. */
  readonly skipped?: readonly { name: string; type?: string; file: string; line: number; reason: string }[];
  /**
   * Datasets whose flow applies a fitted model (model.transform), left out when the request asked: Spark
   * binds a model's input to the tables as they are when the flow is defined.
   */
  readonly deferred?: readonly { name: string; type?: string; file: string; line: number; reads: readonly string[] }[];
  /** What the definitions asked the run to say (the model version a scoring view loaded, say). */
  readonly notes?: readonly string[];
}

const PYTHON_KINDS: Record<string, DatasetKind> = {
  MaterializedView: 'materializedView',
  StreamingTable: 'streamingTable',
  TemporaryView: 'temporaryView',
  Sink: 'sink',
};

export function pythonDatasetKind(type: string | undefined): DatasetKind {
  return PYTHON_KINDS[type ?? ''] ?? 'materializedView';
}

/** The helper's report as part of the graph. */
export function pythonDefinitions(report: PythonDefinitions): PipelineGraph {
  return {
    datasets: report.outputs.map((o) => {
      const feature = featureTableOf(o.tableProperties ?? {});
      return {
        name: o.name,
        kind: pythonDatasetKind(o.type),
        location: { file: o.file, line: o.line },
        ...(feature && !('problem' in feature) ? { featureTable: feature } : {}),
      };
    }),
    flows: report.flows.map((f) => ({
      name: f.name,
      target: f.target,
      reads: f.reads,
      location: { file: f.file, line: f.line },
    })),
  };
}

/** The graphs of several files as one, its datasets upstream first. */
export function mergeGraphs(graphs: readonly PipelineGraph[]): PipelineGraph {
  const flows = graphs.flatMap((g) => g.flows);
  return {
    datasets: upstreamFirst(
      graphs.flatMap((g) => g.datasets),
      flows,
    ),
    flows,
  };
}

/** Each dataset after the datasets its flows read; otherwise in the order written (a cycle keeps it). */
function upstreamFirst(datasets: readonly PipelineDataset[], flows: readonly PipelineFlow[]): PipelineDataset[] {
  const inputs = new Map(
    datasets.map((dataset) => [
      dataset,
      datasets.filter(
        (other) =>
          other !== dataset &&
          flows.some((f) => sameName(f.target, dataset.name) && f.reads.some((r) => sameName(r, other.name))),
      ),
    ]),
  );
  const placed: PipelineDataset[] = [];
  const visiting = new Set<PipelineDataset>();
  const place = (dataset: PipelineDataset) => {
    if (placed.includes(dataset) || visiting.has(dataset)) return;
    visiting.add(dataset);
    for (const input of inputs.get(dataset) ?? []) place(input);
    placed.push(dataset);
  };
  for (const dataset of datasets) place(dataset);
  return placed;
}

/** Two names as written, one perhaps more qualified than the other. */
export function sameName(a: string, b: string): boolean {
  return sameDataset(a, b) || sameDataset(b, a);
}

/**
 * Whether a name Spark reports (`spark_catalog.default.daily`) is the one written in a definition
 * (`daily`, `default.daily`): the written parts are the last parts of Spark's, case-insensitively.
 */
export function sameDataset(reported: string, written: string): boolean {
  const a = nameParts(reported.toLowerCase());
  const b = nameParts(written.toLowerCase());
  return b.length <= a.length && b.every((part, i) => part === a[a.length - b.length + i]);
}

/** A dataset's name qualified with the spec's catalog and database where it has fewer parts. */
export function qualified(spec: { readonly catalog?: string; readonly database?: string }, name: string): string {
  const parts = nameParts(name);
  const full =
    parts.length >= 3 ? parts : parts.length === 2 ? [spec.catalog, ...parts] : [spec.catalog, spec.database, ...parts];
  return qualifiedName(...full.filter((p): p is string => !!p));
}
