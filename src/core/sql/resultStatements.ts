import { codeStart } from './statementAtCursor.js';
import type { SqlStatement } from './statementSplitter.js';

const CATALOG_CHANGING_KEYWORDS = new Set(['CREATE', 'DROP', 'ALTER', 'USE', 'REPLACE', 'REFRESH', 'MSCK', 'RENAME']);

const RESULT_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST']);

/**
 * Whether a statement answers with rows to look at (a query, SHOW, DESCRIBE, EXPLAIN, `SET key` without a
 * value), rather than only doing something (CREATE, INSERT, DROP, USE, SET key = value…). Run File opens a
 * results tab for the first kind only.
 */
export function returnsRows(statement: SqlStatement): boolean {
  const { code, keyword } = firstKeyword(statement);
  if (RESULT_KEYWORDS.has(keyword)) return true;
  if (keyword === 'SET') return !code.includes('=');
  return false;
}

const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM']);

/** Whether a statement is a query (its rows can be fetched as a relation in one request). */
export function isQuery(statement: SqlStatement): boolean {
  return QUERY_KEYWORDS.has(firstKeyword(statement).keyword);
}

/** Whether a statement may change what the catalog lists (tables, schemas, the current schema). */
export function changesCatalog(statement: SqlStatement): boolean {
  return CATALOG_CHANGING_KEYWORDS.has(firstKeyword(statement).keyword);
}

function firstKeyword(statement: SqlStatement): { code: string; keyword: string } {
  const code = statement.text.slice(codeStart(statement) - statement.start).replace(/^\(+\s*/, '');
  return { code, keyword: /^[A-Za-z]+/.exec(code)?.[0]?.toUpperCase() ?? '' };
}
