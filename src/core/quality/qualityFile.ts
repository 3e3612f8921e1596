import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { closestName } from '../util/closestName.js';
import { ROW_CHECK_KINDS, type QualityCheck, type QualitySeverity, type SourceRange } from './qualityChecks.js';
import { yamlSyntaxProblems } from '../util/yamlProblems.js';

export interface QualityFileProblem extends SourceRange {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface QualityFile {
  /** The checks that can run, in file order, by dataset. */
  readonly checks: readonly QualityCheck[];
  readonly problems: readonly QualityFileProblem[];
  /** `samples:`: failing values kept per check (0: counts only, the fastest); the default when absent. */
  readonly sampleSize?: number;
}

/** The most sample values a check may keep (each is a heap entry in Spark and a line in a message). */
export const MAX_SAMPLE_SIZE = 100;

/** What each check type takes besides the common `name`, `severity`, `mostly`, `description`. */
const CHECK_TYPES = {
  not_null: { column: 'one', params: [] },
  unique: { column: 'some', params: [] },
  accepted_values: { column: 'one', params: ['values'] },
  between: { column: 'one', params: ['min', 'max', 'strict'] },
  regex: { column: 'one', params: ['pattern'] },
  references: { column: 'one', params: ['dataset', 'key'] },
  row_count: { column: 'none', params: ['min', 'max'] },
  schema: { column: 'none', params: ['columns'] },
  freshness: { column: 'one', params: ['max_age'] },
  sql: { column: 'none', params: [] },
} as const satisfies Record<string, { column: 'one' | 'some' | 'none'; params: readonly string[] }>;
export type QualityFileCheckType = keyof typeof CHECK_TYPES;
export const QUALITY_CHECK_TYPES = Object.keys(CHECK_TYPES) as QualityFileCheckType[];
const COMMON = ['name', 'severity', 'mostly', 'description'];
/** The quality file's checks of rows (expectations are declared in definitions, not here). */
const ROW_CHECKS = ROW_CHECK_KINDS.filter((kind): kind is QualityFileCheckType =>
  (QUALITY_CHECK_TYPES as string[]).includes(kind),
);

/**
 * Reads a quality file: `datasets:` maps each dataset (a pipeline dataset or any table) to its list of
 * checks, each `- TYPE: COLUMN` (or columns, or for dataset-level checks their settings) with its
 * settings beside it. Every problem carries the range of the text it is about, and a check with a
 * problem is left out (never reported as passed).
 */
export function parseQualityFile(text: string, file: string): QualityFile {
  const problems: QualityFileProblem[] = [];
  const checks: QualityCheck[] = [];
  let sampleSize: number | undefined;
  const rangeOf = (node: Node | null | undefined): SourceRange => {
    const [start, end] = node?.range ?? [0, Math.max(1, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'))];
    return { start, end: Math.max(end, start + 1) };
  };
  const problem = (node: Node | null | undefined, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ ...rangeOf(node), severity, message });
  const document = parseDocument(text, { prettyErrors: false });
  problems.push(...yamlSyntaxProblems(document));
  if (document.errors.length) return { checks, problems };
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { checks, problems };
  if (!isMap(root)) {
    problem(root, 'A quality file is a map with `datasets:`, each dataset a list of checks.');
    return { checks, problems };
  }
  for (const pair of (root as YAMLMap<Node, Node>).items) {
    const key = scalarText(pair.key);
    if (key === 'samples') {
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SAMPLE_SIZE) sampleSize = value;
      else
        problem(
          pair.value ?? pair.key,
          `\`samples:\` is how many failing values each check keeps: a whole number from 0 (counts only) to ${MAX_SAMPLE_SIZE}.`,
        );
      continue;
    }
    if (key !== 'datasets') {
      problem(pair.key, `Unknown field '${key}'. A quality file has \`datasets:\` and optionally \`samples:\`.`);
      continue;
    }
    if (!isMap(pair.value)) {
      problem(pair.value ?? pair.key, '`datasets:` maps each dataset name to its list of checks.');
      continue;
    }
    for (const datasetPair of (pair.value as YAMLMap<Node, Node>).items) {
      const dataset = scalarText(datasetPair.key);
      if (!dataset) {
        problem(datasetPair.key, 'A dataset name is text: a table, or a dataset of the pipeline.');
        continue;
      }
      if (!isSeq(datasetPair.value)) {
        problem(
          datasetPair.value ?? datasetPair.key,
          `The checks of ${dataset} are a list: \`- not_null: column\`, \`- unique: [a, b]\`…`,
        );
        continue;
      }
      const names = new Set<string>();
      for (const item of datasetPair.value.items as Node[]) {
        const check = readCheck(item, dataset, file, problem, rangeOf);
        if (!check) continue;
        if (names.has(check.name)) {
          problem(item, `${dataset} has two checks named '${check.name}'; give one a \`name:\` of its own.`);
          continue;
        }
        names.add(check.name);
        checks.push(check);
      }
    }
  }
  return { checks, problems, sampleSize };
}

function readCheck(
  item: Node,
  dataset: string,
  file: string,
  problem: (node: Node | null | undefined, message: string, severity?: 'error' | 'warning') => void,
  rangeOf: (node: Node | null | undefined) => SourceRange,
): QualityCheck | undefined {
  if (!isMap(item)) {
    problem(item, `A check is a map: \`- TYPE: COLUMN\` with its settings beside it. Types: ${QUALITY_CHECK_TYPES.join(', ')}.`);
    return undefined;
  }
  const pairs = (item as YAMLMap<Node, Node>).items;
  const typePairs = pairs.filter((p) => (QUALITY_CHECK_TYPES as string[]).includes(scalarText(p.key) ?? ''));
  const settings = new Map<string, Pair<Node, Node>>();
  let ok = true;
  for (const pair of pairs) {
    const key = scalarText(pair.key) ?? '';
    if ((QUALITY_CHECK_TYPES as string[]).includes(key)) continue;
    const allowed = [
      ...COMMON,
      ...new Set(typePairs.flatMap((p) => CHECK_TYPES[scalarText(p.key) as QualityFileCheckType].params)),
    ];
    if (!allowed.includes(key)) {
      const closest = closestName(key, typePairs.length ? allowed : [...QUALITY_CHECK_TYPES, ...COMMON]);
      problem(
        pair.key,
        typePairs.length
          ? `A ${scalarText(typePairs[0]!.key)} check has no setting '${key}'.${closest ? ` Did you mean '${closest}'?` : ''} Settings: ${allowed.join(', ')}.`
          : `Unknown check type '${key}'.${closest ? ` Did you mean '${closest}'?` : ''} Types: ${QUALITY_CHECK_TYPES.join(', ')}.`,
      );
      ok = false;
      continue;
    }
    settings.set(key, pair);
  }
  if (typePairs.length !== 1) {
    if (typePairs.length > 1) problem(typePairs[1]!.key, 'One check per list item: start another item with `- `.');
    else if (ok) problem(item, `A check needs its type: ${QUALITY_CHECK_TYPES.join(', ')}.`);
    return undefined;
  }
  const typePair = typePairs[0]!;
  const type = scalarText(typePair.key) as QualityFileCheckType;
  const shape = CHECK_TYPES[type];
  const range = { start: rangeOf(typePair.key).start, end: rangeOf(typePair.value ?? typePair.key).end };
  const value = typePair.value;
  // Dataset-level checks may put their settings under the type: `row_count: {min: 1}`.
  if (shape.column === 'none' && isMap(value))
    for (const pair of (value as YAMLMap<Node, Node>).items) {
      const key = scalarText(pair.key) ?? '';
      if (!(shape.params as readonly string[]).includes(key)) {
        problem(pair.key, `A ${type} check has no setting '${key}'. Settings: ${shape.params.join(', ') || 'none'}.`);
        ok = false;
      } else settings.set(key, pair);
    }
  const setting = (key: string) => settings.get(key)?.value ?? undefined;
  const columns: string[] = [];
  if (shape.column === 'one' || shape.column === 'some') {
    const names = isSeq(value) && shape.column === 'some' ? (value.items as Node[]) : [value];
    for (const node of names) {
      const name = scalarText(node);
      if (name) columns.push(name);
      else {
        problem(
          node ?? typePair.key,
          shape.column === 'some' ? `${type} takes a column or a list of columns.` : `${type} takes a column name.`,
        );
        ok = false;
      }
    }
  }
  const severityText = scalarText(setting('severity')) ?? 'error';
  if (severityText !== 'warn' && severityText !== 'error') {
    problem(setting('severity'), `severity is 'warn' or 'error', not '${severityText}'.`);
    ok = false;
  }
  let mostly = 1;
  if (settings.has('mostly')) {
    const node = setting('mostly');
    const number = isScalar(node) ? Number(node.value) : NaN;
    if (!ROW_CHECKS.includes(type)) {
      problem(
        settings.get('mostly')!.key as Node,
        `mostly applies to checks of rows (${ROW_CHECKS.join(', ')}), not to ${type}.`,
      );
      ok = false;
    } else if (!isScalar(node) || typeof node.value !== 'number' || !(number > 0 && number <= 1)) {
      problem(node, 'mostly is the fraction of rows that must pass: a number above 0 and at most 1, e.g. 0.95.');
      ok = false;
    } else mostly = number;
  }
  const common = {
    dataset,
    name: scalarText(setting('name')) ?? [type, ...columns].join('_'),
    severity: severityText as QualitySeverity,
    mostly,
    description: scalarText(setting('description')),
    location: { file, ...range },
  };
  const required = (key: string): Node | undefined => {
    const node = setting(key);
    if (node === undefined) {
      problem(typePair.key, `A ${type} check needs \`${key}:\`.`);
      ok = false;
    }
    return node;
  };
  const numberOrText = (key: string): number | string | undefined => {
    const node = setting(key);
    if (node === undefined) return undefined;
    if (isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'string')) return node.value;
    problem(node, `${key} is a number, or a date or time as text.`);
    ok = false;
    return undefined;
  };
  let check: QualityCheck | undefined;
  switch (type) {
    case 'not_null':
      check = { ...common, kind: 'not_null', column: columns[0]! };
      break;
    case 'unique':
      check = { ...common, kind: 'unique', columns };
      break;
    case 'accepted_values': {
      const node = required('values');
      const values = isSeq(node) ? (node.items as Node[]).map((n) => (isScalar(n) ? n.value : undefined)) : undefined;
      if (node && (!values || values.some((v) => v === undefined || (typeof v === 'object' && v !== null)))) {
        problem(node, 'values is a list of the values allowed: [a, b, c].');
        ok = false;
      }
      check = {
        ...common,
        kind: 'accepted_values',
        column: columns[0]!,
        values: (values ?? []) as (string | number | boolean | null)[],
      };
      break;
    }
    case 'between': {
      const min = numberOrText('min');
      const max = numberOrText('max');
      if (min === undefined && max === undefined) {
        problem(typePair.key, 'A between check needs `min:`, `max:` or both.');
        ok = false;
      }
      if (typeof min === 'number' && typeof max === 'number' && min > max) {
        problem(setting('max'), `max (${max}) is below min (${min}): no value can pass.`);
        ok = false;
      }
      const strictNode = setting('strict');
      if (strictNode && !(isScalar(strictNode) && typeof strictNode.value === 'boolean')) {
        problem(strictNode, 'strict is true (min and max themselves fail) or false (the default: they pass).');
        ok = false;
      }
      check = {
        ...common,
        kind: 'between',
        column: columns[0]!,
        min,
        max,
        strict: isScalar(strictNode) && strictNode.value === true,
      };
      break;
    }
    case 'regex': {
      const node = required('pattern');
      const pattern = scalarText(node);
      if (node && pattern === undefined) {
        problem(node, 'pattern is a regular expression in quotes.');
        ok = false;
      } else if (pattern !== undefined) {
        const invalid = regexProblem(pattern);
        if (invalid) {
          problem(node, `The pattern does not compile: ${invalid}`);
          ok = false;
        }
      }
      check = { ...common, kind: 'regex', column: columns[0]!, pattern: pattern ?? '' };
      break;
    }
    case 'references': {
      const target = scalarText(required('dataset'));
      check = {
        ...common,
        kind: 'references',
        column: columns[0]!,
        target: target ?? '',
        targetColumn: scalarText(setting('key')) ?? columns[0]!,
      };
      break;
    }
    case 'row_count': {
      const min = numberOrText('min');
      const max = numberOrText('max');
      if (typeof min !== 'number' && typeof max !== 'number') {
        problem(typePair.key, 'A row_count check needs `min:`, `max:` or both, as whole numbers.');
        ok = false;
      }
      check = {
        ...common,
        kind: 'row_count',
        min: typeof min === 'number' ? min : undefined,
        max: typeof max === 'number' ? max : undefined,
      };
      break;
    }
    case 'schema': {
      const node = required('columns');
      const columnsWanted: { name: string; type?: string }[] = [];
      if (isMap(node))
        for (const pair of (node as YAMLMap<Node, Node>).items)
          columnsWanted.push({ name: scalarText(pair.key) ?? '', type: scalarText(pair.value) });
      else if (isSeq(node)) for (const n of node.items as Node[]) columnsWanted.push({ name: scalarText(n) ?? '' });
      else if (node) {
        problem(node, 'columns is a list of names, or a map of name: type (int, string, timestamp…).');
        ok = false;
      }
      check = { ...common, kind: 'schema', columns: columnsWanted };
      break;
    }
    case 'freshness': {
      const node = required('max_age');
      const text = scalarText(node);
      const seconds = text === undefined ? undefined : durationSeconds(text);
      if (node && seconds === undefined) {
        problem(node, "max_age is a duration: a number and a unit, e.g. '36h', '2d', '90m', '45s'.");
        ok = false;
      }
      check = { ...common, kind: 'freshness', column: columns[0]!, maxAgeSeconds: seconds ?? 0, maxAge: text ?? '' };
      break;
    }
    case 'sql': {
      const condition = scalarText(value);
      if (!condition) {
        problem(
          value ?? typePair.key,
          'sql takes a condition on aggregates that must hold, e.g. `avg(amount) BETWEEN 10 AND 500`.',
        );
        ok = false;
      }
      check = { ...common, kind: 'sql', condition: condition ?? '', name: scalarText(setting('name')) ?? 'sql' };
      break;
    }
  }
  return ok ? check : undefined;
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const value = node.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** '36h', '2d', '90 m': seconds; undefined when not a duration. */
export function durationSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  return match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : undefined;
}

/**
 * Why a pattern would not compile, as far as JavaScript can tell (Spark uses Java's regular expressions:
 * the common syntax is the same; Spark itself rejects the rest when the check runs).
 */
function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern.replace(/\\[AZz]/g, ''));
    return undefined;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^Invalid regular expression: /, '');
  }
}
