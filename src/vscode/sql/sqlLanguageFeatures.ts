import type { CatalogCache } from '../../core/sql/completion/catalogCache.js';
import { nameAt, type SqlContext } from '../../core/sql/completion/sqlContext.js';
import { suggestionsAt, tableHover } from '../../core/sql/completion/sqlCompletions.js';
import { markdownText } from '../../core/util/markdownText.js';
import { completionStatement, statementAt } from '../../core/sql/statementAtCursor.js';
import { splitSqlStatements } from '../../core/sql/statementSplitter.js';
import type { CompletionItem, CompletionSource, DocumentSnapshot, HoverInfo, HoverSource } from '../host/editorHost.js';

/** Where the grammar's reading of a statement comes from (a worker thread in the extension). */
export interface SqlContextSource {
  contextAt(statement: string, offset: number, signal?: AbortSignal): Promise<SqlContext>;
}

/**
 * Completion and hover in SQL files: the statement around the cursor read with Spark's grammar, names
 * from the live catalog of the current connection (none while disconnected: typing never connects),
 * cached per connection.
 */
export class SqlLanguageFeatures implements CompletionSource, HoverSource {
  constructor(
    private readonly grammar: SqlContextSource,
    private readonly catalog: () => CatalogCache | undefined,
  ) {}

  async complete(document: DocumentSnapshot, offset: number, signal: AbortSignal): Promise<CompletionItem[]> {
    const statement = completionStatement(document.text, splitSqlStatements(document.text), offset);
    const context = await this.grammar.contextAt(statement.text, offset - statement.start, signal);
    const suggestions = await suggestionsAt(context, this.catalog());
    const replace = { start: statement.start + context.wordStart, end: offset };
    return suggestions.map((s) => ({ ...s, replace }));
  }

  async hover(document: DocumentSnapshot, offset: number, signal: AbortSignal): Promise<HoverInfo | undefined> {
    const catalog = this.catalog();
    const statement = this.statementAround(document, offset);
    if (!catalog || !statement) return undefined;
    const name = nameAt(statement.text, offset - statement.start);
    if (!name) return undefined;
    const span = { start: statement.start + name.start, end: statement.start + name.end };
    if (name.parts.length === 1 && /^\s*\(/.test(statement.text.slice(name.end))) {
      const usage = await catalog.describeFunction(name.parts[0]!).catch(() => '');
      return usage ? { markdown: '```text\n' + usage.replace(/```/g, "'''") + '\n```', ...span } : undefined;
    }
    const context = await this.grammar.contextAt(statement.text, name.end, signal);
    const lower = name.parts.join('.').toLowerCase();
    const used = context.tables.find((t) => t.alias?.toLowerCase() === lower || t.parts.join('.').toLowerCase() === lower);
    const table = await catalog.resolve(used?.parts ?? name.parts).catch(() => undefined);
    if (table) return { markdown: await tableHover(catalog, table), ...span };
    // A column: `alias.column`, or a bare name found in one of the statement's tables.
    const column = name.parts.at(-1)!.toLowerCase();
    const owners =
      name.parts.length > 1
        ? context.tables.filter((t) => (t.alias ?? t.parts.at(-1))?.toLowerCase() === name.parts.at(-2)!.toLowerCase())
        : context.tables;
    for (const owner of owners) {
      const resolved = await catalog.resolve(owner.parts).catch(() => undefined);
      if (!resolved) continue;
      const found = (await catalog.columns(resolved.catalog, resolved.schema, resolved.table.name).catch(() => [])).find(
        (c) => c.name.toLowerCase() === column,
      );
      if (found) {
        const where = [resolved.catalog, resolved.schema, resolved.table.name].filter(Boolean).join('.');
        return {
          markdown: `**${markdownText(found.name)}** · ${markdownText(found.dataType)}\n\ncolumn of ${markdownText(where)}`,
          ...span,
        };
      }
    }
    return undefined;
  }

  private statementAround(document: DocumentSnapshot, offset: number) {
    const statements = splitSqlStatements(document.text);
    const statement = statementAt(document.text, statements, offset);
    return statement && offset >= statement.start && offset <= statement.end + 1 ? statement : undefined;
  }
}
