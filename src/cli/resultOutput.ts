import type { Schema } from 'apache-arrow';
import { CsvWriter, formatTable, JsonArrayWriter, type TextSink } from '../core/arrow/resultFormatters.js';
import { rowsOf, type SparkRow } from '../core/arrow/sparkValues.js';
import type { QueryExecution } from '../core/connect/queryExecution.js';

export type OutputFormat = 'table' | 'json' | 'csv';

/**
 * Prints a result as it arrives: JSON and CSV stream batch by batch; a table needs every row to size its
 * columns, so it is printed at the end.
 */
export async function writeResult(execution: QueryExecution, format: OutputFormat, sink: TextSink): Promise<void> {
  if (format === 'json') {
    const writer = new JsonArrayWriter(sink);
    for await (const event of execution) if (event.type === 'batch') writer.writeBatch(event.batch);
    writer.end();
    return;
  }
  if (format === 'csv') {
    const writer = new CsvWriter(sink);
    for await (const event of execution) {
      if (event.type === 'schema') writer.writeHeader(event.schema);
      else if (event.type === 'batch') writer.writeBatch(event.batch);
    }
    return;
  }
  let schema: Schema | undefined;
  const rows: SparkRow[] = [];
  for await (const event of execution) {
    if (event.type === 'schema') schema = event.schema;
    else if (event.type === 'batch') for (const row of rowsOf(event.batch)) rows.push(row);
  }
  // A statement with no result columns (most DDL) has nothing to show.
  if (schema && schema.fields.length > 0) sink(formatTable(schema, rows));
}
