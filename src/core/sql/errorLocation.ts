import type { SparkError } from '../connect/sparkError.js';

/** A span of the submitted SQL text: 0-based UTF-16 offsets, end exclusive (editor convention). */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

export interface LineColumn {
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
}

/**
 * Where in `sqlText` a Spark error points. Analysis errors carry query contexts (0-based, stop
 * inclusive); parse errors only "(line L, pos P)" in their message, a point we widen to the token there.
 * The context's fragment is checked against the text, and searched for when the offsets disagree
 * (characters outside the BMP before the error can shift Spark's offsets).
 */
export function locateSparkError(sqlText: string, error: Pick<SparkError, 'sqlContext' | 'parsePosition'>): TextSpan | undefined {
  const context = error.sqlContext;
  if (context && context.stopIndex >= context.startIndex) {
    const start = context.startIndex;
    const end = context.stopIndex + 1;
    if (sqlText.slice(start, end) === context.fragment || !context.fragment) {
      if (end <= sqlText.length) return { start, end };
    }
    const found = sqlText.indexOf(context.fragment);
    if (found !== -1) return { start: found, end: found + context.fragment.length };
  }
  const position = error.parsePosition;
  if (position) {
    const start = offsetOf(sqlText, position.line, position.column + 1);
    if (start === undefined) return undefined;
    return { start, end: start + tokenLengthAt(sqlText, start) };
  }
  return undefined;
}

/** The offset of a 1-based line and column, or undefined when outside the text. */
export function offsetOf(text: string, line: number, column: number): number | undefined {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1) return undefined;
    offset = newline + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const length = (lineEnd === -1 ? text.length : lineEnd) - offset;
  if (column - 1 > length) return undefined;
  return offset + column - 1;
}

export function lineColumnOf(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Length of the word or symbol run at `offset` (at least 1 unless at the end), for underlining. */
function tokenLengthAt(text: string, offset: number): number {
  if (offset >= text.length) return 0;
  const rest = text.slice(offset);
  const word = /^[\p{L}\p{N}_`'".]+/u.exec(rest) ?? /^[^\s\p{L}\p{N}_]+/u.exec(rest);
  return word ? word[0].length : 1;
}
