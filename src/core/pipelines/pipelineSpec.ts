import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closestName } from '../util/closestName.js';
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { yamlSyntaxProblems } from '../util/yamlProblems.js';

/** The names Spark looks for, in the working folder and then in each parent. */
export const SPEC_FILE_NAMES = ['spark-pipeline.yml', 'spark-pipeline.yaml'] as const;

export interface LibraryGlob {
  /** As written: a file path, or a folder ending in `/**`. */
  readonly include: string;
  readonly start: number;
  readonly end: number;
}

/** A Spark Declarative Pipelines spec, as pyspark's `spark-pipelines` reads it. */
export interface PipelineSpec {
  readonly name: string;
  readonly storage: string;
  readonly catalog?: string;
  readonly database?: string;
  readonly configuration: Readonly<Record<string, string>>;
  readonly libraries: readonly LibraryGlob[];
}

/** A fix a problem comes with: replace [start, end) of the spec with `text`. */
export interface SpecFix {
  readonly title: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface SpecProblem {
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Spark's error class for the same mistake, where it has one. */
  readonly code?: string;
  readonly fix?: SpecFix;
}

export interface SpecCheck {
  /** Undefined when the spec cannot run at all (a missing name or storage, broken YAML). */
  readonly spec?: PipelineSpec;
  readonly problems: readonly SpecProblem[];
  /** The definition files the libraries match, relative to the spec's folder, in the order Spark registers them. */
  readonly files: readonly string[];
}

const ALLOWED_FIELDS = ['name', 'storage', 'catalog', 'database', 'schema', 'configuration', 'libraries'];

/**
 * Checks a spec the way Spark would, and for what Spark finds only when it runs: a library matching no
 * file, a file that does not exist, a definition file that is neither .py nor .sql, a storage that is
 * not an absolute URI. Every problem has the range of the text it is about.
 */
export function checkPipelineSpec(text: string, specPath: string): SpecCheck {
  const check = new SpecChecker(text, specPath);
  const pairs = check.fields();
  if (!pairs) return { problems: check.problems, files: [] };
  const name = check.stringField(pairs, 'name', true);
  const storage = check.storage(pairs);
  const catalog = check.stringField(pairs, 'catalog', false);
  const database = check.schemaField(pairs);
  const configuration = check.configuration(pairs.get('configuration')?.value);
  const libraries = check.libraries(pairs.get('libraries')?.value);
  const files = check.definitionFiles(libraries);
  const { problems } = check;
  if (name === undefined || storage === undefined || problems.some((p) => p.severity === 'error'))
    return { problems, files, spec: undefined };
  return { problems, files, spec: { name, storage, catalog, database, configuration, libraries } };
}

type SpecFields = ReadonlyMap<string, Pair<Node, Node>>;

/** The checks of a spec's text, one field at a time, collecting the problems found. */
class SpecChecker {
  readonly problems: SpecProblem[] = [];

  constructor(
    private readonly text: string,
    private readonly specPath: string,
  ) {}

  /** A problem at a node's range, or on the first line when the node has none. */
  private problem(
    node: { range?: [number, number, number?] | null } | undefined,
    message: string,
    extra: Partial<SpecProblem> = {},
  ) {
    const [start, end] = node?.range ?? [0, Math.max(1, firstLineLength(this.text))];
    this.problems.push({ start, end: Math.max(end, start + 1), severity: 'error', message, ...extra });
  }

  /** The spec's top-level fields, each unknown one a problem; none when the text is not a YAML map. */
  fields(): SpecFields | undefined {
    const document = parseDocument(this.text, { prettyErrors: false });
    this.problems.push(...yamlSyntaxProblems(document));
    if (document.errors.length) return undefined;
    const root = document.contents;
    if (!isMap(root)) {
      this.problem(root ?? undefined, 'A pipeline spec is a map of fields: name, storage, libraries…', {
        code: 'PIPELINE_SPEC_INVALID',
      });
      return undefined;
    }
    const pairs = new Map<string, Pair<Node, Node>>();
    for (const pair of (root as YAMLMap<Node, Node>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      pairs.set(key, pair);
      if (ALLOWED_FIELDS.includes(key)) continue;
      const closest = closestField(key);
      this.problem(
        pair.key ?? undefined,
        `Spark does not know the field '${key}'.${closest ? ` Did you mean '${closest}'?` : ''} Fields: ${ALLOWED_FIELDS.join(', ')}.`,
        {
          code: 'PIPELINE_SPEC_UNEXPECTED_FIELD',
          fix:
            closest && pair.key?.range
              ? { title: `Rename to '${closest}'`, start: pair.key.range[0], end: pair.key.range[1], text: closest }
              : undefined,
        },
      );
    }
    return pairs;
  }

  stringField(pairs: SpecFields, name: string, required: boolean): string | undefined {
    const pair = pairs.get(name);
    if (!pair) {
      if (required)
        this.problems.push({
          start: 0,
          end: Math.max(1, firstLineLength(this.text)),
          severity: 'error',
          message: `The spec needs a '${name}' field.`,
          code: 'PIPELINE_SPEC_MISSING_REQUIRED_FIELD',
        });
      return undefined;
    }
    const value = pair.value;
    if (!isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '') {
      this.problem(value ?? pair.key ?? undefined, `'${name}' must be a non-empty text.`);
      return undefined;
    }
    return value.value;
  }

  /** `storage`, which Spark needs as an absolute URI: a relative path gets the fix to its file:// URI. */
  storage(pairs: SpecFields): string | undefined {
    const storage = this.stringField(pairs, 'storage', true);
    const node = pairs.get('storage')?.value;
    if (storage !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\//.test(storage)) {
      const absolute = pathToFileURL(resolve(dirname(this.specPath), storage)).href;
      this.problem(
        node ?? undefined,
        `'storage' must be an absolute URI with a scheme (file:///…, s3a://…, hdfs://…); Spark refuses '${storage}'.`,
        {
          code: 'PIPELINE_STORAGE_ROOT_INVALID',
          fix: node?.range ? { title: `Use ${absolute}`, start: node.range[0], end: node.range[1], text: absolute } : undefined,
        },
      );
    }
    return storage;
  }

  /** `database`, or its alias `schema` (Spark takes `database` when both are set). */
  schemaField(pairs: SpecFields): string | undefined {
    const database = this.stringField(pairs, 'database', false);
    const schema = this.stringField(pairs, 'schema', false);
    if (database !== undefined && schema !== undefined)
      this.problem(
        pairs.get('schema')!.key ?? undefined,
        "Both 'database' and 'schema' are set: Spark uses 'database' and ignores 'schema'.",
        {
          severity: 'warning',
        },
      );
    return database ?? schema;
  }

  /** `configuration`: Spark settings to text values (a value that is not text gets the fix to quote it). */
  configuration(node: Node | null | undefined): Record<string, string> {
    const configuration: Record<string, string> = {};
    if (!node) return configuration;
    if (!isMap(node)) {
      this.problem(node, "'configuration' must be a map of Spark settings to text values.", {
        code: 'PIPELINE_SPEC_FIELD_NOT_DICT',
      });
      return configuration;
    }
    for (const pair of (node as YAMLMap<Node, Node>).items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof key !== 'string')
        this.problem(pair.key ?? undefined, 'Configuration keys must be text.', { code: 'PIPELINE_SPEC_DICT_KEY_NOT_STRING' });
      else if (typeof value !== 'string') {
        const valueNode = pair.value;
        this.problem(valueNode ?? pair.key ?? undefined, `The value of '${key}' must be text: quote it.`, {
          code: 'PIPELINE_SPEC_DICT_VALUE_NOT_STRING',
          fix:
            valueNode?.range && value !== undefined && value !== null
              ? {
                  title: `Quote it: "${String(value)}"`,
                  start: valueNode.range[0],
                  end: valueNode.range[1],
                  text: JSON.stringify(String(value)),
                }
              : undefined,
        });
      } else configuration[key] = value;
    }
    return configuration;
  }

  /** `libraries`: the `- glob: {include: …}` entries, with the range of each pattern. */
  libraries(node: Node | null | undefined): LibraryGlob[] {
    const libraries: LibraryGlob[] = [];
    if (!node) return libraries;
    if (!isSeq(node)) {
      this.problem(node, "'libraries' must be a list of `- glob: {include: …}` entries.");
      return libraries;
    }
    for (const entry of node.items as Node[]) {
      const include = isMap(entry) ? (entry.get('glob', true) as Node | undefined) : undefined;
      const pattern = include && isMap(include) ? (include.get('include', true) as Node | undefined) : undefined;
      if (!pattern || !isScalar(pattern) || typeof pattern.value !== 'string') {
        this.problem(pattern ?? include ?? entry, 'Each library is `- glob:` with `include: <file, or folder/**>`.');
        continue;
      }
      libraries.push({ include: pattern.value, start: pattern.range![0], end: pattern.range![1] });
    }
    return libraries;
  }

  /** The definition files the libraries match beside the spec, each once, in order; what Spark would refuse is a problem. */
  definitionFiles(libraries: readonly LibraryGlob[]): string[] {
    const files: string[] = [];
    const specFolder = dirname(this.specPath);
    for (const library of libraries) {
      const at = { start: library.start, end: library.end };
      const matched = matchLibrary(specFolder, library.include);
      if (matched.kind === 'invalid') {
        this.problems.push({
          ...at,
          severity: 'error',
          message: `Spark takes a file path or a folder ending in /**, not '${library.include}'.`,
          code: 'PIPELINE_SPEC_INVALID_GLOB_PATTERN',
        });
        continue;
      }
      if (matched.files.length === 0) {
        this.problems.push({
          ...at,
          severity: matched.kind === 'file' ? 'error' : 'warning',
          message:
            matched.kind === 'file'
              ? `There is no file '${library.include}' next to the spec.`
              : `No file matches '${library.include}'.`,
        });
        continue;
      }
      for (const file of matched.files) {
        if (!/\.(py|sql)$/.test(file)) {
          this.problems.push({
            ...at,
            severity: 'error',
            message: `'${file}' is neither a .py nor a .sql file; Spark refuses it.`,
            code: 'PIPELINE_UNSUPPORTED_DEFINITIONS_FILE_EXTENSION',
          });
          continue;
        }
        if (!files.includes(file)) files.push(file);
      }
    }
    return files;
  }
}

function firstLineLength(text: string): number {
  const newline = text.indexOf('\n');
  return newline === -1 ? text.length : newline;
}

/** The files a library's include matches, relative to the spec's folder (pyspark's glob rules). */
export function matchLibrary(specFolder: string, include: string): { kind: 'file' | 'folder' | 'invalid'; files: string[] } {
  const magic = /[*?[]/;
  if (!magic.test(include)) {
    const path = resolve(specFolder, include);
    return { kind: 'file', files: existsSync(path) && statSync(path).isFile() ? [relativeTo(specFolder, path)] : [] };
  }
  if (include.endsWith('/**') && !magic.test(include.slice(0, -3))) {
    const folder = resolve(specFolder, include.slice(0, -3));
    return { kind: 'folder', files: listFiles(folder).map((file) => relativeTo(specFolder, file)) };
  }
  return { kind: 'invalid', files: [] };
}

function listFiles(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === '__pycache__') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function relativeTo(folder: string, path: string): string {
  return relative(folder, path).split(sep).join('/');
}

/** The spec Spark would use from `folder`: the nearest spark-pipeline.yml|yaml up the tree. */
export function findPipelineSpec(folder: string): string {
  let current = resolve(folder);
  for (;;) {
    const found = SPEC_FILE_NAMES.map((name) => join(current, name)).filter((path) => existsSync(path));
    if (found.length > 1) throw new Error(`Both spark-pipeline.yml and spark-pipeline.yaml are in ${current}: keep one.`);
    if (found.length === 1) return found[0]!;
    const parent = dirname(current);
    if (parent === current)
      throw new Error(`No spark-pipeline.yml or spark-pipeline.yaml in ${resolve(folder)} or any folder above it.`);
    current = parent;
  }
}

/** Whether the other spec name sits next to this one (Spark refuses a folder with both). */
export function hasTwinSpec(specPath: string): boolean {
  const folder = dirname(specPath);
  return SPEC_FILE_NAMES.filter((name) => existsSync(join(folder, name))).length > 1;
}

function closestField(key: string): string | undefined {
  return closestName(key, ALLOWED_FIELDS);
}
