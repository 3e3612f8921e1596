import { Type, type DataType, type Schema } from 'apache-arrow';

/** How a chart can use a column: Vega-Lite's measurement types, plus "other" for what it cannot plot. */
export type ChartFieldType = 'temporal' | 'quantitative' | 'nominal' | 'other';

/**
 * How the column is stored. The SQL that reproduces Vega's semantics depends on it: only floating-point
 * columns hold NaN, only strings hold '' (which Vega counts as missing), and dates, instants and
 * wall-clock times reach Vega as different milliseconds.
 */
export type FieldStorage =
  'integer' | 'float' | 'decimal' | 'string' | 'boolean' | 'date' | 'timestamp' | 'timestamp_ntz' | 'other';

export interface ChartField {
  readonly name: string;
  readonly type: ChartFieldType;
  /** When absent, the SQL assumes the most general storage of the type (float, string, timestamp). */
  readonly storage?: FieldStorage;
}

export function chartFieldsOf(schema: Schema): ChartField[] {
  return schema.fields.map((field) => {
    const storage = storageOf(field.type);
    return { name: field.name, type: chartTypeOf(storage), storage };
  });
}

export function storageOf(type: DataType): FieldStorage {
  switch (type.typeId) {
    case Type.Int:
      return 'integer';
    case Type.Float:
      return 'float';
    case Type.Decimal:
      return 'decimal';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Bool:
      return 'boolean';
    case Type.Date:
      return 'date';
    case Type.Timestamp:
      return (type as unknown as { timezone: string | null }).timezone ? 'timestamp' : 'timestamp_ntz';
    default:
      return 'other';
  }
}

export function chartTypeOf(storage: FieldStorage): ChartFieldType {
  switch (storage) {
    case 'integer':
    case 'float':
    case 'decimal':
      return 'quantitative';
    case 'string':
    case 'boolean':
      return 'nominal';
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return 'temporal';
    default:
      return 'other';
  }
}

/** The storage to plan SQL for: the declared one, else the most general one of the chart type. */
export function effectiveStorage(field: ChartField): FieldStorage {
  if (field.storage) return field.storage;
  switch (field.type) {
    case 'quantitative':
      return 'float';
    case 'nominal':
      return 'string';
    case 'temporal':
      return 'timestamp';
    default:
      return 'other';
  }
}
