import type { CatalogCache, ResolvedTable } from './catalogCache.js';
import type { SqlContext } from './sqlContext.js';
import { markdownText } from '../../util/markdownText.js';

export type SuggestionKind = 'keyword' | 'function' | 'table' | 'view' | 'column' | 'schema' | 'catalog';

/** One completion, in plain terms (the editor layer turns it into its own item). */
export interface Suggestion {
  readonly label: string;
  readonly kind: SuggestionKind;
  readonly detail?: string;
  readonly insertText?: string;
  /** Columns first, then tables and schemas, then functions, then keywords. */
  readonly sortText: string;
}

const SORT: Record<SuggestionKind, string> = {
  column: '1',
  table: '2',
  view: '2',
  schema: '3',
  catalog: '4',
  function: '5',
  keyword: '6',
};

/** A name as SQL needs it: plain when it is a simple identifier, else in backticks. */
export function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '`' + name.replace(/`/g, '``') + '`';
}

function suggestion(label: string, kind: SuggestionKind, detail?: string): Suggestion {
  const quoted = sqlName(label);
  return {
    label,
    kind,
    detail,
    sortText: `${SORT[kind]}${label.toLowerCase()}`,
    ...(quoted !== label ? { insertText: quoted } : {}),
  };
}

/**
 * What to offer at the cursor, from the grammar's reading of the statement and the live catalog:
 * after FROM/JOIN the tables of the current schema (or of `schema.` / `catalog.schema.` typed so far),
 * the schemas and catalogs; in a select list or a condition the columns of the statement's tables (of
 * one table after `alias.` or `table.`), functions and keywords; after USE the schemas.
 */
export async function suggestionsAt(context: SqlContext, catalog: CatalogCache | undefined): Promise<Suggestion[]> {
  const out: Suggestion[] = [];
  const expects = new Set(context.expects);
  const qualifier = context.qualifier;
  if (catalog) {
    const current = await catalog.currentNamespace().catch(() => undefined);
    if (expects.has('column')) {
      const owner = qualifier.length ? await tableOfQualifier(context, catalog, qualifier) : undefined;
      const tables = owner ? [owner] : qualifier.length ? [] : await statementTables(context, catalog);
      for (const { table, label } of tables) {
        const columns = await catalog.columns(table.catalog, table.schema, table.table.name).catch(() => []);
        for (const column of columns) out.push(suggestion(column.name, 'column', `${column.dataType} · ${label}`));
      }
    }
    if (expects.has('table') && current) {
      const [catalogName, schema] =
        qualifier.length >= 2
          ? [qualifier[0]!, qualifier[1]!]
          : qualifier.length === 1
            ? [current.catalog, qualifier[0]!]
            : [current.catalog, current.schema];
      for (const table of await catalog.tables(catalogName, schema).catch(() => [])) {
        if (qualifier.length && table.temporary) continue; // temporary views have no schema
        out.push(
          suggestion(
            table.name,
            /VIEW/i.test(table.type) || table.temporary ? 'view' : 'table',
            table.temporary ? 'temporary view' : `${schema} · ${table.type.toLowerCase()}`,
          ),
        );
      }
      if (qualifier.length === 0) {
        for (const name of await catalog.schemas(current.catalog).catch(() => []))
          out.push(suggestion(name, 'schema', `schema in ${current.catalog}`));
        for (const name of await catalog.catalogs().catch(() => [])) out.push(suggestion(name, 'catalog', 'catalog'));
      } else if (qualifier.length === 1) {
        // `x.` may also be a catalog whose schemas come next.
        for (const name of await catalog.schemas(qualifier[0]!).catch(() => []))
          out.push(suggestion(name, 'schema', `schema in ${qualifier[0]}`));
      }
    }
    if (expects.has('schema') && current) {
      const inCatalog = qualifier[0] ?? current.catalog;
      for (const name of await catalog.schemas(inCatalog).catch(() => []))
        out.push(suggestion(name, 'schema', `schema in ${inCatalog}`));
      if (!qualifier.length)
        for (const name of await catalog.catalogs().catch(() => [])) out.push(suggestion(name, 'catalog', 'catalog'));
    }
    if (expects.has('function') && qualifier.length === 0)
      for (const name of await catalog.functions().catch(() => [])) out.push(suggestion(name, 'function', 'function'));
  }
  for (const keyword of context.keywords) out.push({ label: keyword, kind: 'keyword', sortText: `${SORT.keyword}${keyword}` });
  return dedupe(out);
}

interface StatementTable {
  readonly table: ResolvedTable;
  /** How the statement calls it (its alias, else its name). */
  readonly label: string;
}

async function statementTables(context: SqlContext, catalog: CatalogCache): Promise<StatementTable[]> {
  const found: StatementTable[] = [];
  for (const entry of context.tables) {
    const table = await catalog.resolve(entry.parts).catch(() => undefined);
    if (table) found.push({ table, label: entry.alias ?? entry.parts.join('.') });
  }
  return found;
}

/** `o.` → the table the statement aliases as o, or a table named o (also `schema.table.`). */
async function tableOfQualifier(
  context: SqlContext,
  catalog: CatalogCache,
  qualifier: readonly string[],
): Promise<StatementTable | undefined> {
  const key = qualifier.join('.').toLowerCase();
  const byAlias = context.tables.find(
    (t) => t.alias?.toLowerCase() === key || (!t.alias && t.parts.join('.').toLowerCase() === key),
  );
  const table = await catalog.resolve(byAlias?.parts ?? qualifier).catch(() => undefined);
  return table && { table, label: qualifier.join('.') };
}

function dedupe(items: Suggestion[]): Suggestion[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}\0${item.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The hover of a table: its full name and type, its COMMENT, and its columns with their types. */
export async function tableHover(catalog: CatalogCache, table: ResolvedTable): Promise<string> {
  const columns = await catalog.columns(table.catalog, table.schema, table.table.name).catch(() => []);
  const name = [table.catalog, table.schema, table.table.name].filter(Boolean).join('.');
  const kind = table.table.temporary ? 'temporary view' : table.table.type.toLowerCase();
  const rows = columns.map((c) => `| ${markdownText(c.name)} | ${markdownText(c.dataType)} |`);
  const comment = table.table.comment ? ['', markdownText(table.table.comment)] : [];
  return [
    `**${markdownText(name)}** · ${markdownText(kind)}`,
    ...comment,
    '',
    '| column | type |',
    '| --- | --- |',
    ...rows,
  ].join('\n');
}
