import { codeStart } from '../sql/statementAtCursor.js';
import type { SqlStatement } from '../sql/statementSplitter.js';
import { definitionQueryStart } from './pipelineGraph.js';

/**
 * A pipeline definition's query as a statement of its own, placed where it stands in the file, so
 * running it previews the dataset and its errors land on the right characters. Streaming reads
 * (`STREAM x`, `STREAM(x)`) become batch reads of the same length: a preview reads what is there now.
 * Undefined for anything but a materialized view, streaming table or flow with a query.
 */
export function definitionPreview(script: string, statement: SqlStatement): SqlStatement | undefined {
  const code = codeStart(statement);
  const start = definitionQueryStart(script.slice(code, statement.end));
  if (start === undefined || code + start >= statement.end) return undefined;
  const at = code + start;
  const text = script
    .slice(at, statement.end)
    .replace(
      /\bSTREAM(\s*\(\s*)([^()]+?)(\s*\))/gi,
      (_, open: string, name: string, close: string) => ' '.repeat(6 + open.length) + name + ' '.repeat(close.length),
    )
    .replace(/\bSTREAM(\s+)(?=[`\w])/gi, (_, gap: string) => ' '.repeat(6) + gap);
  return { text, start: at, end: statement.end, line: script.slice(0, at).split('\n').length, pieceStart: statement.pieceStart };
}
