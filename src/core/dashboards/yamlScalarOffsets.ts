import { isScalar, Scalar, type Node } from 'yaml';

/**
 * Maps an offset in a YAML scalar's value to the offset in the file where that character is written,
 * so an error Spark reports in a tile's SQL lands on the character in the dashboard file. Block
 * literals (`|`) keep their lines and drop the block's indentation; single-line plain and quoted scalars
 * are shifted by their opening quote. Anything else (folded or multi-line flow text, escapes) maps to
 * the scalar's start: still the right tile, just not the exact column.
 */
export function scalarOffsetMapper(text: string, node: Node): (valueOffset: number) => number {
  const [start, end] = node.range ?? [0, 0];
  if (!isScalar(node) || typeof node.value !== 'string') return () => start;
  const value = node.value;
  const source = text.slice(start, end);
  if (node.type === Scalar.BLOCK_LITERAL) {
    const headerEnd = source.indexOf('\n');
    if (headerEnd === -1) return () => start;
    const body = source.slice(headerEnd + 1);
    const lines = body.split('\n');
    const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
    const lineStarts: number[] = [];
    let offset = start + headerEnd + 1;
    for (const line of lines) {
      lineStarts.push(offset);
      offset += line.length + 1;
    }
    return (valueOffset) => {
      const before = value.slice(0, valueOffset).split('\n');
      const line = before.length - 1;
      const column = before[before.length - 1]!.length;
      return line < lineStarts.length ? lineStarts[line]! + (Number.isFinite(indent) ? indent : 0) + column : start;
    };
  }
  const singleLine = !source.includes('\n') && !source.includes('\\');
  if (node.type === Scalar.PLAIN && singleLine) return (valueOffset) => start + valueOffset;
  if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && singleLine && !source.includes("''"))
    return (valueOffset) => start + 1 + valueOffset;
  return () => start;
}
