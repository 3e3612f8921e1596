/** What a notebook cell runs: SQL (through the TypeScript client) or Python (in the helper's shell). */
export type CellSource =
  /** `script` is the cell's text with a `%%sql` line blanked out, so offsets in it are offsets in the cell. */
  { readonly kind: 'sql'; readonly script: string } | { readonly kind: 'python'; readonly code: string };

const SQL_MAGIC = /^%%sql[ \t]*(?=\r?\n|$)/;

/** A `sql` cell, or a Python cell whose first line is `%%sql`, runs as SQL; any other cell as Python. */
export function cellSource(languageId: string, text: string): CellSource {
  if (languageId === 'sql') return { kind: 'sql', script: text };
  const magic = SQL_MAGIC.exec(text);
  if (magic) return { kind: 'sql', script: ' '.repeat(magic[0].length) + text.slice(magic[0].length) };
  return { kind: 'python', code: text };
}
