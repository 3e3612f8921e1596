import { tableFromIPC, type Data, type RecordBatch, type Schema } from 'apache-arrow';
import { compareSparkValues } from '../../core/arrow/sparkValueOrder.js';
import { isNumericType, sparkTypeName, sparkValueAt, toDisplayText, type SparkValue } from '../../core/arrow/sparkValues.js';

export interface ColumnInfo {
  readonly name: string;
  readonly typeName: string;
  readonly numeric: boolean;
  readonly nested: boolean;
}

export interface GridSort {
  readonly column: number;
  readonly descending: boolean;
}

/**
 * The rows a results grid holds, kept as Arrow batches (columnar, as they arrived) rather than row
 * objects, so a million rows cost their Arrow size. Sorting and filtering build a row permutation.
 */
export class ResultStore {
  schema: Schema | undefined;
  columns: ColumnInfo[] = [];
  private readonly chunks: Data[][] = [];
  private readonly starts: number[] = [];
  private loaded = 0;
  private order: Int32Array | undefined;
  sort: GridSort | undefined;
  filter = '';

  reset(): void {
    this.schema = undefined;
    this.columns = [];
    this.chunks.length = 0;
    this.starts.length = 0;
    this.loaded = 0;
    this.order = undefined;
    this.sort = undefined;
    this.filter = '';
  }

  /** Adds an IPC stream (schema, then any batches). Returns the number of rows it added. */
  addIpc(ipc: Uint8Array): number {
    const table = tableFromIPC(ipc);
    if (!this.schema) this.setSchema(table.schema);
    let added = 0;
    for (const batch of table.batches) added += this.addBatch(batch);
    return added;
  }

  private setSchema(schema: Schema): void {
    this.schema = schema;
    this.columns = schema.fields.map((field) => ({
      name: field.name,
      typeName: sparkTypeName(field.type),
      numeric: isNumericType(field.type),
      nested: /^(array|map|struct)</.test(sparkTypeName(field.type)),
    }));
  }

  private addBatch(batch: RecordBatch): number {
    if (batch.numRows === 0) return 0;
    this.chunks.push(batch.schema.fields.map((_, i) => batch.getChildAt(i)!.data[0]!));
    this.starts.push(this.loaded);
    this.loaded += batch.numRows;
    // New rows join an active sort or filter.
    if (this.order) this.applyView();
    return batch.numRows;
  }

  get loadedRows(): number {
    return this.loaded;
  }

  /** Rows the grid shows: all loaded rows, or those the filter keeps. */
  get visibleRows(): number {
    return this.order ? this.order.length : this.loaded;
  }

  /** The loaded row at a visible position. */
  rowAt(position: number): number {
    return this.order ? this.order[position]! : position;
  }

  value(row: number, column: number): SparkValue {
    // Binary search for the batch holding the row.
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= row) low = middle;
      else high = middle - 1;
    }
    return sparkValueAt(this.chunks[low]![column]!, row - this.starts[low]!);
  }

  text(row: number, column: number): string {
    return toDisplayText(this.value(row, column));
  }

  setSort(sort: GridSort | undefined): void {
    this.sort = sort;
    this.applyView();
  }

  setFilter(filter: string): void {
    this.filter = filter;
    this.applyView();
  }

  private applyView(): void {
    if (!this.sort && this.filter.trim() === '') {
      this.order = undefined;
      return;
    }
    const term = this.filter.trim().toLowerCase();
    const rows: number[] = [];
    for (let row = 0; row < this.loaded; row++) {
      if (term === '' || this.columns.some((_, column) => this.text(row, column).toLowerCase().includes(term))) rows.push(row);
    }
    const sort = this.sort;
    if (sort) {
      // Read the sort column once; the comparison then runs on plain values.
      const keys: SparkValue[] = new Array<SparkValue>(this.loaded);
      for (const row of rows) keys[row] = this.value(row, sort.column);
      const direction = sort.descending ? -1 : 1;
      rows.sort((a, b) => {
        const left = keys[a] as SparkValue;
        const right = keys[b] as SparkValue;
        // NULLs stay last in both directions, as Spark's NULLS LAST.
        if (left === null || right === null) return compareSparkValues(left, right) || a - b;
        return direction * compareSparkValues(left, right) || a - b;
      });
    }
    this.order = Int32Array.from(rows);
  }
}
