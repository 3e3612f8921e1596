/**
 * Spark's message repeats the class and SQL state shown beside it anyway, and appends the analyzed plan
 * or an ASCII-art copy of the query; a terminal line or a diagnostic needs only the sentence.
 */
export function conciseSparkMessage(message: string, errorClass?: string): string {
  let text = message.split(/;\n|\n\n|\n== SQL/)[0]!.trim();
  if (errorClass && text.startsWith(`[${errorClass}]`)) text = text.slice(errorClass.length + 2).trim();
  return text
    .replace(/\s*SQLSTATE: \w+;?/, '')
    .replace(/;? line \d+ pos \d+;?$/, '')
    .replace(/\s*\(line \d+, pos \d+\)$/, '')
    .trim();
}
