import { splitSqlStatements } from '../sql/statementSplitter.js';

/** The user's query as SQL text around which a chart's query is built. */

/**
 * The user's query as a FROM item. It goes on lines of its own, so a trailing line comment cannot
 * swallow the closing parenthesis.
 */
export function sourceRelation(query: string, alias = 'src'): string {
  return `(\n${singleStatement(query)}\n) AS ${alias}`;
}

/** The one statement of `query`, without the semicolon (and comments after it) a file usually has. */
export function singleStatement(query: string): string {
  const statements = splitSqlStatements(query);
  if (statements.length !== 1) throw new Error(`A chart needs exactly one query; found ${statements.length} statements.`);
  return statements[0]!.text;
}
