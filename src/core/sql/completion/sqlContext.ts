// Only the Spark dialect of the package, so the bundle holds one grammar, not all of them.
import { SparkSQL } from 'dt-sql-parser/dist/parser/spark';
import { blankLiteralsAndComments } from '../sqlText.js';

/**
 * What the text around the cursor of one statement asks for, read with dt-sql-parser's Spark SQL
 * grammar: which kinds of names fit there (tables, columns, functions, schemas), the dotted prefix typed
 * so far (`o.` → ['o']), the word being typed, and the tables the statement reads with their aliases.
 * Plain data, so it crosses a worker boundary.
 */
export interface SqlContext {
  /** Kinds of names that fit at the cursor. */
  readonly expects: readonly ExpectedName[];
  /** The parts before the last dot of the name being typed: `sales.or|` → ['sales']. */
  readonly qualifier: readonly string[];
  /** The part being typed, and where it starts (offset into the statement). */
  readonly word: string;
  readonly wordStart: number;
  /** Keywords the grammar allows at the cursor. */
  readonly keywords: readonly string[];
  /** Tables and views the statement reads (`sales.orders` → ['sales', 'orders']), with their aliases. */
  readonly tables: readonly { readonly parts: readonly string[]; readonly alias?: string }[];
}

export type ExpectedName = 'table' | 'column' | 'function' | 'schema' | 'catalog';

interface Parser {
  getSuggestionAtCaretPosition(
    sql: string,
    caret: { lineNumber: number; column: number },
  ): { syntax: { syntaxContextType: string; wordRanges: { text: string }[] }[]; keywords: string[] } | null;
  getAllEntities(
    sql: string,
    caret?: { lineNumber: number; column: number },
  ):
    | {
        entityContextType: string;
        text: string;
        _alias?: { text: string } | null;
        declareType?: number;
        position: { startIndex: number; endIndex: number };
      }[]
    | null;
}

let parser: Parser | undefined;

/** The grammar (a second or more to set up on first use: run it off the extension host's thread). */
function sparkParser(): Parser {
  parser ??= new SparkSQL() as unknown as Parser;
  return parser;
}

const SYNTAX_KINDS: Record<string, ExpectedName | undefined> = {
  table: 'table',
  view: 'table',
  column: 'column',
  function: 'function',
  database: 'schema',
  catalog: 'catalog',
};

/** The context at `offset` of `statement` (a single statement's text). */
export function sqlContextAt(statement: string, offset: number): SqlContext {
  const spark = sparkParser();
  const before = statement.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  const caret = { lineNumber: line, column };
  const suggestion = spark.getSuggestionAtCaretPosition(statement, caret);
  const { qualifier, word, wordStart } = typedName(before);
  const expects = new Set<ExpectedName>();
  for (const syntax of suggestion?.syntax ?? []) {
    const kind = SYNTAX_KINDS[syntax.syntaxContextType];
    if (kind) expects.add(kind);
  }
  // The grammar has no context after `catalog.schema.`: a third part is a table there.
  if (qualifier.length >= 1 && expects.has('function') && !expects.has('column') && !expects.has('table')) expects.add('table');
  const tables: { parts: string[]; alias?: string }[] = [];
  for (const entity of spark.getAllEntities(statement) ?? []) {
    if (entity.entityContextType !== 'table' && entity.entityContextType !== 'view') continue;
    if (entity.declareType === 1) continue; // a derived table `(SELECT …) t`: no catalog name to look up
    tables.push({ parts: splitName(entity.text), ...(entity._alias?.text ? { alias: unquote(entity._alias.text) } : {}) });
  }
  return {
    expects: [...expects],
    qualifier,
    word,
    wordStart,
    // After a dot only names fit; the grammar would also offer every operator keyword.
    keywords: qualifier.length ? [] : (suggestion?.keywords ?? []),
    tables,
  };
}

/** The dotted name being typed at the end of `before`: `JOIN sales.ord` → qualifier ['sales'], word 'ord'. */
export function typedName(before: string): { qualifier: string[]; word: string; wordStart: number } {
  const match = /((?:(?:`[^`]*`|[\p{L}\p{N}_]+)\.)*)(`[^`]*|[\p{L}\p{N}_]*)$/u.exec(before)!;
  const qualifier = match[1] ? splitName(match[1].slice(0, -1)) : [];
  return { qualifier, word: unquote(match[2] ?? ''), wordStart: before.length - (match[2]?.length ?? 0) };
}

/** `a.b` → ['a', 'b']; backquoted parts may hold dots. */
export function splitName(name: string): string[] {
  const parts: string[] = [];
  const pattern = /`((?:[^`]|``)*)`|([^.`\s]+)/g;
  for (let match = pattern.exec(name); match; match = pattern.exec(name))
    parts.push(match[1] !== undefined ? match[1].replace(/``/g, '`') : match[2]!);
  return parts;
}

function unquote(text: string): string {
  return text.startsWith('`') ? text.slice(1).replace(/`$/, '').replace(/``/g, '`') : text;
}

/** The dotted name under `offset` (`sales.orders` when the cursor is on either part), with its span. */
export function nameAt(text: string, offset: number): { parts: string[]; start: number; end: number } | undefined {
  const part = /(?:`(?:[^`]|``)*`|[\p{L}\p{N}_]+)/u;
  const name = new RegExp(`${part.source}(?:\\.${part.source})*`, 'gu');
  for (let match = name.exec(text); match; match = name.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (offset >= start && offset <= end) return /^\d/.test(match[0]) ? undefined : { parts: splitName(match[0]), start, end };
    if (start > offset) break;
  }
  return undefined;
}

/**
 * The tables and views a query reads, by name as written (`sales.orders`), in order: what a pipeline
 * flow depends on. `STREAM(x)` and `STREAM x` read x; names a WITH clause defines are not tables.
 */
export function tablesReadBy(query: string): string[] {
  const spark = sparkParser();
  const plain = query.replace(/\bSTREAM\s*\(\s*([^()]+?)\s*\)/gi, ' $1 ').replace(/\bSTREAM\s+(?=[`\w])/gi, '       ');
  const ctes = new Set(
    [...plain.matchAll(/(?:\bWITH\b|,)\s*(`[^`]+`|\w+)\s+AS\s*\(/gi)].map((m) => unquote(m[1]!).toLowerCase()),
  );
  const found: { at: number; name: string }[] = [];
  for (const entity of spark.getAllEntities(plain) ?? []) {
    if ((entity.entityContextType !== 'table' && entity.entityContextType !== 'view') || entity.declareType === 1) continue;
    // The grammar takes LATERAL VIEW's generator (`stack(3, …)`) for a table: a name called is a function.
    if (/^\s*\(/.test(plain.slice(entity.position.endIndex + 1))) continue;
    found.push({ at: entity.position.startIndex, name: splitName(entity.text).join('.') });
  }
  found.push(...threePartNamesRead(plain));
  const names: string[] = [];
  for (const { name } of found.sort((a, b) => a.at - b.at)) {
    if (!name || ctes.has(name.toLowerCase()) || names.includes(name)) continue;
    names.push(name);
  }
  return names;
}

/**
 * Tables named catalog.schema.table after FROM or JOIN (a database's `crm.public.customers`): the
 * grammar finds no entity in a name of three parts. Strings and comments are blanked first.
 */
function threePartNamesRead(query: string): { at: number; name: string }[] {
  const text = blankLiteralsAndComments(query);
  const part = '(?:`(?:[^`]|``)+`|[\\p{L}_][\\p{L}\\p{N}_]*)';
  const name = new RegExp(`\\b(?:FROM|JOIN)\\s+(${part}(?:\\s*\\.\\s*${part}){2,})(?![\\p{L}\\p{N}_\\x60])(?!\\s*\\()`, 'giu');
  return [...text.matchAll(name)].map((match) => ({
    at: match.index + match[0].length - match[1]!.length,
    name: splitName(match[1]!.replace(/\s*\.\s*/g, '.')).join('.'),
  }));
}
