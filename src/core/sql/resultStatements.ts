import { codeStart } from './statementAtCursor.js';
import type { SqlStatement } from './statementSplitter.js';

const RESULT_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST']);

/**
 * Whether a statement answers with rows to look at (a query, SHOW, DESCRIBE, EXPLAIN, `SET key` without a
 * value), rather than only doing something (CREATE, INSERT, DROP, USE, SET key = value…). Run File opens a
 * results tab for the first kind only.
 */
export function returnsRows(statement: SqlStatement): boolean {
  const code = statement.text.slice(codeStart(statement) - statement.start).replace(/^\(+\s*/, '');
  const keyword = /^[A-Za-z]+/.exec(code)?.[0]?.toUpperCase() ?? '';
  if (RESULT_KEYWORDS.has(keyword)) return true;
  if (keyword === 'SET') return !code.includes('=');
  return false;
}
