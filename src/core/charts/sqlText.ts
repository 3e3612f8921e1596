import { splitSqlStatements } from '../sql/statementSplitter.js';

/** Spark SQL text built from names and values a user controls: every one goes through here. */

export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * A string literal. Spark's parser treats a backslash as an escape character (unless the session set
 * spark.sql.parser.escapedStringLiterals), so both the quote and the backslash are escaped.
 */
export function stringLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * A DOUBLE literal that Spark parses to exactly this JavaScript number. A bare 0.1 would be a DECIMAL
 * in Spark, and decimal arithmetic would round differently from the doubles Vega computes with.
 */
export function doubleLiteral(value: number): string {
  if (Number.isNaN(value)) return "CAST('NaN' AS DOUBLE)";
  if (value === Infinity) return "CAST('Infinity' AS DOUBLE)";
  if (value === -Infinity) return "CAST('-Infinity' AS DOUBLE)";
  // JavaScript prints the shortest text that reads back as the same double; Java's parser agrees.
  const text = `${Math.abs(value)}D`;
  return value < 0 || Object.is(value, -0) ? `(-${text})` : text;
}

export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return value < 0 ? `(${value})` : String(value);
}

export function booleanLiteral(value: boolean): string {
  return value ? 'TRUE' : 'FALSE';
}

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
