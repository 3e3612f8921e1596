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
 * Spark's parser counts in code points, JavaScript strings in UTF-16 units: the two differ after a
 * character outside the BMP (an emoji), so offsets are converted, and a context's fragment is checked
 * against the text (and searched for as a last resort).
 */
export function locateSparkError(sqlText: string, error: Pick<SparkError, 'sqlContext' | 'parsePosition'>): TextSpan | undefined {
  const context = error.sqlContext;
  if (context && context.stopIndex >= context.startIndex) {
    // Spark's offsets count code points, but it cuts the fragment from Java's UTF-16 string at those
    // same numbers: the fragment matches the UTF-16 reading, the span is the code-point one.
    const start = utf16OffsetOfCodePoint(sqlText, context.startIndex);
    const end = utf16OffsetOfCodePoint(sqlText, context.stopIndex + 1);
    const cutAsSparkDoes = sqlText.slice(context.startIndex, context.stopIndex + 1);
    if (context.stopIndex < sqlText.length && (!context.fragment || cutAsSparkDoes === context.fragment)) return { start, end };
    const found = context.fragment ? sqlText.indexOf(context.fragment) : -1;
    if (found !== -1) return { start: found, end: found + context.fragment.length };
  }
  const position = error.parsePosition;
  if (position) {
    const lineStart = offsetOf(sqlText, position.line, 1);
    if (lineStart === undefined) return undefined;
    const start = lineStart + utf16OffsetOfCodePoint(sqlText.slice(lineStart), position.column);
    if (start > sqlText.length) return undefined;
    return { start, end: start + tokenLengthAt(sqlText, start) };
  }
  return undefined;
}

/** Where an error of one statement of a script points, in the script's own offsets. */
export function locateInScript(
  statement: { readonly text: string; readonly start: number },
  error: Pick<SparkError, 'sqlContext' | 'parsePosition'>,
): TextSpan | undefined {
  const span = locateSparkError(statement.text, error);
  return span && { start: statement.start + span.start, end: statement.start + span.end };
}

/** The UTF-16 offset of the `codePoints`-th code point of `text` (its length when past the end). */
export function utf16OffsetOfCodePoint(text: string, codePoints: number): number {
  let offset = 0;
  for (let i = 0; i < codePoints && offset < text.length; i++) {
    const unit = text.charCodeAt(offset);
    offset += unit >= 0xd800 && unit <= 0xdbff && offset + 1 < text.length ? 2 : 1;
  }
  return offset;
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
