import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import schema from '../../../schemas/spark-pipeline.schema.json';

/** A completion in a spec: `insertText` may be a snippet (`${1:…}`). */
export interface SpecCompletion {
  readonly label: string;
  readonly kind: 'property' | 'file' | 'folder' | 'snippet';
  readonly detail?: string;
  readonly documentation?: string;
  readonly insertText: string;
  readonly snippet?: boolean;
  /** The text it replaces. */
  readonly start: number;
  readonly end: number;
}

interface SchemaProperty {
  readonly description?: string;
  readonly properties?: Record<string, SchemaProperty>;
  readonly items?: SchemaProperty;
}

const TOP_LEVEL = schema.properties as Record<string, SchemaProperty>;
const GLOB = (TOP_LEVEL.libraries!.items!.properties!.glob!.properties ?? {}) as Record<string, SchemaProperty>;

/** How each top-level field is written when completed: the field and a value to fill in. */
const TOP_LEVEL_SNIPPETS: Record<string, string> = {
  name: 'name: ${1:my_pipeline}',
  storage: 'storage: file:///${1:path/to/storage}',
  catalog: 'catalog: ${1:spark_catalog}',
  database: 'database: ${1:default}',
  schema: 'schema: ${1:default}',
  configuration: 'configuration:\n  ${1:spark.sql.shuffle.partitions}: "${2:4}"',
  libraries: 'libraries:\n  - glob:\n      include: ${1:transformations/**}',
};

/**
 * Completions at `offset` of a spec: the fields not written yet (at the top level), a library entry
 * (after `- ` in libraries), and the folders and definition files next to the spec after `include:`.
 */
export function specCompletions(text: string, offset: number, specFolder: string): SpecCompletion[] {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const include = /^(\s*(?:-\s*)?include:\s*["']?)([^"'\s]*)$/.exec(before);
  if (include) return includeCompletions(specFolder, include[2]!, offset - include[2]!.length, offset);
  const topLevel = /^([A-Za-z_-]*)$/.exec(before);
  if (topLevel) {
    const present = new Set([...text.matchAll(/^([A-Za-z_-]+)\s*:/gm)].map((m) => m[1]!));
    const wordEnd = offset + (/^[A-Za-z_-]*/.exec(text.slice(offset))?.[0].length ?? 0);
    return Object.keys(TOP_LEVEL)
      .filter((field) => !present.has(field) || field === topLevel[1])
      .map((field) => ({
        label: field,
        kind: 'property',
        documentation: TOP_LEVEL[field]!.description,
        insertText: TOP_LEVEL_SNIPPETS[field] ?? `${field}: `,
        snippet: true,
        start: lineStart,
        end: wordEnd,
      }));
  }
  const entry = /^(\s*)-\s*([A-Za-z_]*)$/.exec(before);
  if (entry && inLibraries(text, lineStart)) {
    const indent = ' '.repeat(entry[1]!.length + 4);
    return [
      {
        label: 'glob',
        kind: 'snippet',
        detail: 'a set of definition files',
        documentation: GLOB.include?.description,
        insertText: `glob:\n${indent}include: \${1:transformations/**}`,
        snippet: true,
        start: offset - entry[2]!.length,
        end: offset,
      },
    ];
  }
  return [];
}

function inLibraries(text: string, lineStart: number): boolean {
  const above = text.slice(0, lineStart).split('\n').reverse();
  const field = above.find((line) => /^[A-Za-z_-]+\s*:/.test(line));
  return field !== undefined && /^libraries\s*:/.test(field);
}

function includeCompletions(specFolder: string, typed: string, start: number, end: number): SpecCompletion[] {
  const slash = typed.lastIndexOf('/');
  const folderPart = slash === -1 ? '' : typed.slice(0, slash + 1);
  const folder = join(specFolder, folderPart);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const out: SpecCompletion[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === '__pycache__' || entry.name === 'node_modules') continue;
    const path = folderPart + entry.name;
    if (entry.isDirectory()) {
      out.push({ label: `${path}/**`, kind: 'folder', detail: 'every file below it', insertText: `${path}/**`, start, end });
      out.push({ label: `${path}/`, kind: 'folder', insertText: `${path}/`, start, end });
    } else if (/\.(sql|py)$/.test(entry.name)) out.push({ label: path, kind: 'file', insertText: path, start, end });
  }
  return out;
}

/** The schema's description of the field at `offset` (a top-level field, `glob` or `include`). */
export function specHover(text: string, offset: number): { markdown: string; start: number; end: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd);
  const key = /^(\s*(?:-\s*)?)([A-Za-z_-]+)\s*:/.exec(line);
  if (!key) return undefined;
  const start = lineStart + key[1]!.length;
  const end = start + key[2]!.length;
  if (offset < start || offset > end) return undefined;
  const field =
    key[1]!.length === 0 ? TOP_LEVEL[key[2]!] : key[2] === 'glob' ? TOP_LEVEL.libraries!.items!.properties!.glob : GLOB[key[2]!];
  if (!field?.description) return undefined;
  return { markdown: `**${key[2]}**: ${field.description}`, start, end };
}
