import { RecordBatchStreamWriter, Table, tableFromIPC, type RecordBatch, type Schema } from 'apache-arrow';
import { formatTable } from '../arrow/resultFormatters.js';
import { rowsOf, sparkTypeName, toDisplayText, type SparkRow } from '../arrow/sparkValues.js';

/** The MIME type of a result in a notebook: JSON holding the rows as base64 Arrow IPC, and what they are. */
export const ARROW_OUTPUT_MIME = 'application/vnd.spark-workbench.arrow+json';
/** A chart saved into a notebook, in the MIME type Jupyter tools know. */
export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/** Rows shown in the text/plain and text/html fallbacks (GitHub, Jupyter without the renderer). */
const FALLBACK_ROWS = 20;

export interface ArrowCellData {
  readonly version: 1;
  /** One Arrow IPC stream (schema and the stored rows), base64. */
  readonly ipc: string;
  /** Rows stored here. */
  readonly rows: number;
  /** Whether these are all the result's rows; when false, Spark had more than the stored ones. */
  readonly complete: boolean;
  readonly elapsedMs: number;
  /** The statement, for a SQL cell's result. */
  readonly sql?: string;
}

/** A result as a notebook output: the Arrow MIME item with text/plain and text/html fallbacks. */
export interface ArrowCellOutput {
  readonly [ARROW_OUTPUT_MIME]: ArrowCellData;
  readonly 'text/plain': string;
  readonly 'text/html': string;
}

/**
 * The output of a result: `batches` are what was fetched (at most `storedRows` are kept), `complete`
 * whether Spark had no more rows. The batches are written as one IPC stream (schema once).
 */
export function arrowCellOutput(
  schema: Schema,
  batches: readonly RecordBatch[],
  options: { readonly storedRows: number; readonly complete: boolean; readonly elapsedMs: number; readonly sql?: string },
): ArrowCellOutput {
  let table = batches.length > 0 ? new Table(schema, batches as RecordBatch[]) : new Table(schema);
  let complete = options.complete;
  if (table.numRows > options.storedRows) {
    table = table.slice(0, options.storedRows);
    complete = false;
  }
  const ipc = RecordBatchStreamWriter.writeAll(table.numRows ? table : new Table(schema)).toUint8Array(true);
  const data: ArrowCellData = {
    version: 1,
    ipc: Buffer.from(ipc).toString('base64'),
    rows: table.numRows,
    complete,
    elapsedMs: Math.round(options.elapsedMs),
    ...(options.sql === undefined ? {} : { sql: options.sql }),
  };
  return { [ARROW_OUTPUT_MIME]: data, 'text/plain': textFallback(table, complete), 'text/html': htmlFallback(table, complete) };
}

/** The stored rows of an output, as a table. */
export function arrowCellTable(data: ArrowCellData): Table {
  return tableFromIPC(Buffer.from(data.ipc, 'base64'));
}

/** Validates a value read from a notebook as ArrowCellData, field by field. */
export function parseArrowCellData(value: unknown): ArrowCellData | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || typeof v.ipc !== 'string' || !Number.isSafeInteger(v.rows) || typeof v.complete !== 'boolean')
    return undefined;
  if (typeof v.elapsedMs !== 'number' || (v.sql !== undefined && typeof v.sql !== 'string')) return undefined;
  return {
    version: 1,
    ipc: v.ipc,
    rows: v.rows as number,
    complete: v.complete,
    elapsedMs: v.elapsedMs,
    ...(typeof v.sql === 'string' ? { sql: v.sql } : {}),
  };
}

export function storedRowsNote(rows: number, complete: boolean): string {
  const count = `${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
  return complete ? count : `first ${count} stored (the result has more)`;
}

function textFallback(table: Table, complete: boolean): string {
  const shown = firstRows(table);
  const text = formatTable(table.schema, shown);
  if (shown.length === table.numRows && complete) return text;
  return `${text.replace(/\(\d+ rows?\)\n$/, '')}(${shown.length} shown; ${storedRowsNote(table.numRows, complete)})\n`;
}

function htmlFallback(table: Table, complete: boolean): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const head = table.schema.fields.map((f) => `<th title="${escape(sparkTypeName(f.type))}">${escape(f.name)}</th>`).join('');
  const body = firstRows(table)
    .map(
      (row) =>
        `<tr>${row.map((value) => `<td>${value === null ? '<i>NULL</i>' : escape(toDisplayText(value))}</td>`).join('')}</tr>`,
    )
    .join('');
  const shown = Math.min(FALLBACK_ROWS, table.numRows);
  const note =
    shown === table.numRows && complete
      ? storedRowsNote(table.numRows, true)
      : `${shown} shown; ${storedRowsNote(table.numRows, complete)}`;
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table><p>${escape(note)}</p>`;
}

function firstRows(table: Table): SparkRow[] {
  // An empty table has no batches to slice.
  return table.numRows === 0 ? [] : [...rowsOf(table.slice(0, FALLBACK_ROWS))];
}
