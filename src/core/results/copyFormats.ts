// Text forms for copying grid cells, rows and columns to the clipboard.

/** A Markdown table; pipes and line breaks inside values are escaped so every row stays one table row. */
export function toMarkdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}

/** RFC 4180 CSV with a header line. */
export function toCsv(headers: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const field = (text: string | null) => (text === null ? '' : /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [headers, ...rows].map((cells) => cells.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Tab-separated, as spreadsheets paste it: tabs and line breaks inside values become spaces. */
export function toTsv(rows: readonly (readonly string[])[]): string {
  return rows.map((cells) => cells.map((text) => text.replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n');
}
