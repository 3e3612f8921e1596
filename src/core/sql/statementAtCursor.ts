import type { SqlStatement } from './statementSplitter.js';

/**
 * The statement a command at `offset` means: the one the cursor is in (its `;` included), else the one
 * just before it when only blanks lie between (the cursor after `;` or at the end of its line), else
 * the next one.
 */
export function statementAt(script: string, statements: readonly SqlStatement[], offset: number): SqlStatement | undefined {
  const inside = statements.find((s) => offset >= s.start && offset <= s.end + 1);
  if (inside) return inside;
  const before = [...statements].reverse().find((s) => s.end <= offset);
  if (before && script.slice(before.end, offset).replace(/;/, '').trim() === '') return before;
  return statements.find((s) => s.start >= offset) ?? before;
}

/** The statements that overlap [start, end): what Run Selection runs when the selection spans several. */
export function statementsOverlapping(statements: readonly SqlStatement[], start: number, end: number): SqlStatement[] {
  return statements.filter((s) => s.start < end && s.end > start);
}

/**
 * Where a statement's code begins, past the comments that lead it: where a CodeLens or a "statement 2"
 * label belongs.
 */
export function codeStart(statement: SqlStatement): number {
  const text = statement.text;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) i++;
    else if (text.startsWith('--', i)) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 2;
    } else break;
  }
  return statement.start + i;
}

/**
 * The text completion reads at `offset`: the whole statement the cursor is in, or, past a statement's
 * end (the blanks typed after it) or in a new one after `;`, everything from that statement's start up to
 * the cursor.
 */
export function completionStatement(
  script: string,
  statements: readonly SqlStatement[],
  offset: number,
): { start: number; text: string } {
  const before = [...statements].reverse().find((s) => s.start <= offset);
  if (before && !script.slice(before.end, offset).includes(';'))
    return { start: before.start, text: script.slice(before.start, Math.max(before.end, offset)) };
  const start = before ? script.lastIndexOf(';', offset - 1) + 1 : 0;
  return { start, text: script.slice(start, offset) };
}
