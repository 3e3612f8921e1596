/**
 * Spark SQL text built from names and values a user controls: every identifier and every literal goes
 * through here, so a name with a quote, a backslash, a backtick or any letter means only itself.
 */

export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A dotted, quoted name of the non-empty parts (a temporary view has no catalog or namespace). */
export function qualifiedName(...parts: readonly string[]): string {
  return parts
    .filter((part) => part !== '')
    .map(quoteIdentifier)
    .join('.');
}

/**
 * The parts of a name as written in SQL: `a.b`, `` `it's a.b`.c `` (a quoted part keeps its dots, and
 * a doubled backtick is one), spaces around the dots ignored.
 */
export function nameParts(name: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const text = name.trim();
  while (i <= text.length) {
    while (text[i] === ' ') i++;
    if (text[i] === '`') {
      let part = '';
      i++;
      while (i < text.length) {
        if (text[i] === '`' && text[i + 1] === '`') {
          part += '`';
          i += 2;
        } else if (text[i] === '`') {
          i++;
          break;
        } else part += text[i++];
      }
      parts.push(part);
      while (text[i] === ' ') i++;
    } else {
      const dot = text.indexOf('.', i);
      const end = dot === -1 ? text.length : dot;
      parts.push(text.slice(i, end).trim());
      i = end;
    }
    if (text[i] !== '.') break;
    i++;
  }
  return parts;
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
 * The text with its string literals and comments blanked (each character a space, line breaks kept), so
 * a search for names finds only code, at the same offsets.
 */
export function blankLiteralsAndComments(text: string): string {
  return text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|\/\*[\s\S]*?\*\//g, (match) => match.replace(/[^\n]/g, ' '));
}
