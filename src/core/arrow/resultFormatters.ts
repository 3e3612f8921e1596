import type { RecordBatch, Schema } from 'apache-arrow';
import { isNumericType, rowsOf, sparkTypeName, toDisplayText, toJsonValue, type SparkRow } from './sparkValues.js';

export type TextSink = (chunk: string) => void;

/** Column names made unique for JSON objects: a repeated name gets _2, _3… */
export function uniqueColumnNames(schema: Schema): string[] {
  const seen = new Map<string, number>();
  return schema.fields.map((field) => {
    const count = (seen.get(field.name) ?? 0) + 1;
    seen.set(field.name, count);
    return count === 1 ? field.name : `${field.name}_${count}`;
  });
}

/**
 * Writes one JSON array of row objects, batch by batch, never holding the whole result; with `lines`,
 * on a single line (one JSON Lines document).
 */
export class JsonArrayWriter {
  private names: string[] | undefined;
  private first = true;
  private readonly open: string;
  private readonly separator: string;
  private readonly close: string;

  constructor(
    private readonly sink: TextSink,
    options: { readonly lines?: boolean } = {},
  ) {
    [this.open, this.separator, this.close] = options.lines ? ['[', ',', ']\n'] : ['[\n', ',\n', '\n]\n'];
  }

  writeBatch(batch: RecordBatch): void {
    this.names ??= uniqueColumnNames(batch.schema);
    const names = this.names;
    for (const row of rowsOf(batch)) {
      const object: Record<string, unknown> = {};
      row.forEach((value, i) => (object[names[i]!] = toJsonValue(value)));
      this.sink(`${this.first ? this.open : this.separator}${JSON.stringify(object)}`);
      this.first = false;
    }
  }

  end(): void {
    this.sink(this.first ? '[]\n' : this.close);
  }
}

/** RFC 4180 CSV with a header line; null is an empty field, nested values use their display text. */
export class CsvWriter {
  private headerWritten = false;

  constructor(private readonly sink: TextSink) {}

  writeHeader(schema: Schema): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    this.sink(`${schema.fields.map((f) => csvField(f.name)).join(',')}\r\n`);
  }

  writeBatch(batch: RecordBatch): void {
    this.writeHeader(batch.schema);
    let text = '';
    for (const row of rowsOf(batch)) text += `${row.map((v) => (v === null ? '' : csvField(toDisplayText(v)))).join(',')}\r\n`;
    this.sink(text);
  }
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * An aligned text table: names, then Spark types, then rows; numbers right-aligned, NULL for nulls,
 * long cells cut with "…" at `maxColumnWidth`, control characters shown escaped so rows stay on one line.
 */
export function formatTable(schema: Schema, rows: readonly SparkRow[], maxColumnWidth = 60): string {
  const names = schema.fields.map((f) => f.name);
  const types = schema.fields.map((f) => sparkTypeName(f.type));
  const numeric = schema.fields.map((f) => isNumericType(f.type));
  const cells = rows.map((row) => row.map((value) => clip(oneLine(toDisplayText(value)), maxColumnWidth)));
  const widths = names.map((name, i) => Math.max(name.length, types[i]!.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[], alignRight: boolean[]) =>
    values
      .map((v, i) => (alignRight[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  const left = names.map(() => false);
  const out = [line(names, left), line(types, left), widths.map((w) => '-'.repeat(w)).join('-+-')];
  for (const row of cells) out.push(line(row, numeric));
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]/g, (ch) => (ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : '\\t'));
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
