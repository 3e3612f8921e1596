import { RecordBatch, RecordBatchStreamWriter, Table, type Schema } from 'apache-arrow';

/** A self-contained Arrow IPC stream with the schema and no rows: lets a reader show headers first. */
export function schemaToIpc(schema: Schema): Uint8Array {
  return RecordBatchStreamWriter.writeAll(new Table(schema)).toUint8Array(true);
}

/** One batch as a self-contained Arrow IPC stream (schema + batch), so each message decodes on its own. */
export function batchToIpc(batch: RecordBatch): Uint8Array {
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

/** The first `rows` rows of a batch (the batch itself when it is no longer). */
export function headOfBatch(batch: RecordBatch, rows: number): RecordBatch {
  return rows >= batch.numRows ? batch : batch.slice(0, Math.max(0, rows));
}

/** The last `rows` rows of a batch (the batch itself when it is no longer). */
export function tailOfBatch(batch: RecordBatch, rows: number): RecordBatch {
  return rows >= batch.numRows ? batch : batch.slice(batch.numRows - Math.max(0, rows));
}
