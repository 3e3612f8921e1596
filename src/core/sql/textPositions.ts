/** A place in a text as editors count it: 0-based line, and 0-based character (UTF-16 units) in it. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

/** The line and character of an offset ("\r\n" and "\n" both end a line). */
export function positionAt(text: string, offset: number): TextPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: clamped - lineStart };
}

/** The 0-based range of [start, end) for an editor. */
export function rangeOf(text: string, start: number, end: number) {
  const from = positionAt(text, start);
  const to = positionAt(text, end);
  return { startLine: from.line, startCharacter: from.character, endLine: to.line, endCharacter: to.character };
}
