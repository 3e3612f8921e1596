import type { RecordBatch, Table } from 'apache-arrow';
import { sparkValueAt, toJsonValue, type SparkValue } from '../arrow/sparkValues.js';

/** A row as Vega reads it: plain numbers, strings, booleans and nulls, keyed by column name. */
export type ChartRow = Record<string, unknown>;

/**
 * Rows for Vega: 64-bit integers and decimals become doubles (a chart needs no more digits), dates and
 * timestamps become epoch milliseconds (Vega's toDate reads those). Dates and wall-clock timestamps
 * count from UTC midnight, as apache-arrow and Spark's own Arrow writer do; the pushdown SQL assumes
 * exactly this conversion.
 */
export function chartRowsOf(source: RecordBatch | Table): ChartRow[] {
  const rows: ChartRow[] = [];
  const batches = 'batches' in source ? source.batches : [source];
  for (const batch of batches) {
    const names = batch.schema.fields.map((field) => field.name);
    const columns = names.map((_, i) => batch.getChildAt(i)!.data[0]!);
    for (let index = 0; index < batch.numRows; index++) {
      const row: ChartRow = {};
      for (let c = 0; c < columns.length; c++) row[names[c]!] = chartValue(sparkValueAt(columns[c]!, index));
      rows.push(row);
    }
  }
  return rows;
}

export function chartValue(value: SparkValue): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return toJsonValue(value);
  switch (value.kind) {
    case 'decimal':
      return Number(value.toString());
    case 'date':
      return value.daysSinceEpoch * 86_400_000;
    case 'timestamp':
      return Number(floorDiv(value.microsSinceEpoch, 1000n));
    default:
      return toJsonValue(value);
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}
