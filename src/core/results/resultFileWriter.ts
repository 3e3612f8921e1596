import { makeData, RecordBatch, RecordBatchFileWriter, Struct, vectorFromArray, type Schema } from 'apache-arrow';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { batchToIpc } from '../arrow/arrowIpc.js';
import { CsvWriter, JsonArrayWriter } from '../arrow/resultFormatters.js';

export type ResultFileFormat = 'csv' | 'json' | 'parquet' | 'arrow';

export const RESULT_FILE_EXTENSIONS: Readonly<Record<ResultFileFormat, string>> = {
  csv: 'csv',
  json: 'json',
  parquet: 'parquet',
  arrow: 'arrow',
};

/**
 * Writes a result to a file batch by batch, never holding the whole result. The data goes to a
 * temporary file next to the target, renamed only when the last batch is written: a cancelled or
 * failed export leaves no half-written file under the chosen name.
 */
export interface ResultFileWriter {
  /** Resolves when the batch is handed to the disk's stream and that stream has room again. */
  write(batch: RecordBatch): Promise<void>;
  /** Completes the file (also for a result with no rows) and moves it to its name. */
  finish(schema: Schema | undefined): Promise<void>;
  /** Removes the temporary file. */
  abort(): Promise<void>;
}

/** Loads parquet-wasm's Node build on first use (a 5 MB WebAssembly module); the caller says where it is. */
export type ParquetModuleLoader = () => Promise<typeof import('parquet-wasm')>;

export async function openResultFile(
  target: string,
  format: ResultFileFormat,
  loadParquet?: ParquetModuleLoader,
): Promise<ResultFileWriter> {
  const temporary = `${target}.partial-${process.pid}-${Date.now()}`;
  const out = createWriteStream(temporary, { flags: 'wx' });
  await once(out, 'open');
  const encoder = format === 'parquet' ? await parquetEncoder(out, loadParquet) : textOrArrowEncoder(out, format);
  let closed = false;
  return {
    write: (batch) => encoder.write(batch),
    async finish(schema) {
      await encoder.end(schema);
      out.end();
      await once(out, 'finish');
      closed = true;
      await rename(temporary, target);
    },
    async abort() {
      // Let writes in flight land before the file goes, so none of them fails on a closed stream.
      if (!closed) await new Promise<void>((resolve) => out.end(() => resolve()));
      closed = true;
      await rm(temporary, { force: true });
    },
  };
}

interface BatchEncoder {
  write(batch: RecordBatch): Promise<void>;
  end(schema: Schema | undefined): Promise<void>;
}

async function written(out: WriteStream, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

function textOrArrowEncoder(out: WriteStream, format: 'csv' | 'json' | 'arrow'): BatchEncoder {
  if (format === 'arrow') {
    // Arrow IPC file format (Feather v2): pandas, polars and DuckDB read it directly.
    let writer: RecordBatchFileWriter | undefined;
    const pump = async (w: RecordBatchFileWriter) => {
      for await (const chunk of w) await written(out, chunk);
    };
    let pumping: Promise<void> | undefined;
    return {
      async write(batch) {
        if (!writer) {
          writer = new RecordBatchFileWriter();
          pumping = pump(writer);
        }
        writer.write(batch);
        await new Promise((resolve) => setImmediate(resolve));
      },
      async end(schema) {
        if (!writer) {
          if (!schema) return;
          writer = new RecordBatchFileWriter();
          pumping = pump(writer);
          writer.reset(undefined, schema);
        }
        writer.finish();
        await pumping;
      },
    };
  }
  let text = '';
  const sink = (chunk: string) => void (text += chunk);
  const csv = format === 'csv' ? new CsvWriter(sink) : undefined;
  const json = format === 'json' ? new JsonArrayWriter(sink) : undefined;
  const flush = async () => {
    const chunk = text;
    text = '';
    if (chunk) await written(out, chunk);
  };
  return {
    async write(batch) {
      csv?.writeBatch(batch);
      json?.writeBatch(batch);
      await flush();
    },
    async end(schema) {
      if (csv && schema) csv.writeHeader(schema);
      json?.end();
      await flush();
    },
  };
}

async function parquetEncoder(out: WriteStream, loadParquet: ParquetModuleLoader | undefined): Promise<BatchEncoder> {
  const parquet = await (loadParquet ?? (() => import('parquet-wasm')))();
  let input: ReadableStreamDefaultController<unknown> | undefined;
  let pumping: Promise<void> | undefined;
  // transformParquetStream reads the first batch before it resolves, so it starts after that batch is queued.
  const start = () => {
    const batches = new ReadableStream({ start: (controller) => void (input = controller) });
    pumping = (async () => {
      const bytes = await parquet.transformParquetStream(batches);
      for await (const chunk of bytes as unknown as AsyncIterable<Uint8Array>) await written(out, chunk);
    })();
  };
  return {
    async write(batch) {
      // Each batch crosses into WebAssembly memory as its own IPC stream.
      const table = parquet.Table.fromIPCStream(batchToIpc(batch));
      const wasmBatches = table.recordBatches();
      if (!input) start();
      for (const wasmBatch of wasmBatches) input!.enqueue(wasmBatch);
      await new Promise((resolve) => setImmediate(resolve));
    },
    async end(schema) {
      if (!input) {
        if (!schema) return;
        // No rows: Parquet still needs a file with the schema (parquet-wasm wants one batch, even an empty one).
        await written(out, parquet.writeParquet(parquet.Table.fromIPCStream(batchToIpc(emptyBatch(schema)))));
        return;
      }
      input.close();
      await pumping;
    },
  };
}

function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((field) => vectorFromArray([], field.type).data[0]!);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}
