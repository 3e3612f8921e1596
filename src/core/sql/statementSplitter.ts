/** One statement of a SQL script and where it starts, so errors map back to the file. */
export interface SqlStatement {
  /** The statement without its `;` and without surrounding white space. */
  readonly text: string;
  /** Offset of `text` in the script (0-based, UTF-16 units). */
  readonly start: number;
  /** Offset just past `text`. */
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /**
   * Where Spark's own piece of the script begins: right after the previous `;` (or at 0), blanks and
   * comments included. Spark's pipeline engine reports positions relative to it.
   */
  readonly pieceStart: number;
}

/**
 * Splits a SQL script at semicolons the way Spark's own splitter does (StringUtils.splitSemiColon, which
 * Declarative Pipelines uses): not inside '…', "…" or `…` (backslash escapes in quotes), `--` line
 * comments or nested /* … *\/ block comments. Statements holding only comments or white space are dropped.
 */
export function splitSqlStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let pieceStart = 0;
  let i = 0;
  const n = script.length;
  const flush = (pieceEnd: number) => {
    const piece = script.slice(pieceStart, pieceEnd);
    if (hasCode(piece)) {
      const leading = piece.length - piece.trimStart().length;
      const text = piece.trim();
      const start = pieceStart + leading;
      statements.push({ text, start, end: start + text.length, line: lineAt(script, start), pieceStart });
    }
  };
  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const newline = script.indexOf('\n', i);
      i = newline === -1 ? n : newline + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === "'" || ch === '"' || ch === '`') {
      i = skipQuoted(script, i, ch);
    } else if (ch === ';') {
      flush(i);
      pieceStart = i + 1;
      i++;
    } else {
      i++;
    }
  }
  flush(n);
  return statements;
}

function skipQuoted(script: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < script.length) {
    const ch = script[i]!;
    if (ch === '\\' && quote !== '`') i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return script.length;
}

function skipBlockComment(script: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < script.length) {
    if (script[i] === '/' && script[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (script[i] === '*' && script[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return script.length;
}

/** True when the piece has something other than comments and white space. */
function hasCode(piece: string): boolean {
  let i = 0;
  while (i < piece.length) {
    const ch = piece[i]!;
    if (/\s/.test(ch)) i++;
    else if (ch === '-' && piece[i + 1] === '-') {
      const newline = piece.indexOf('\n', i);
      i = newline === -1 ? piece.length : newline + 1;
    } else if (ch === '/' && piece[i + 1] === '*') i = skipBlockComment(piece, i);
    else return true;
  }
  return false;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
