import { DataType, Type, type Data, type Field, type RecordBatch, type Schema, type Table } from 'apache-arrow';
import { variantToJson } from './variant.js';

/**
 * Values of a Spark result with Spark's own precision: int64 as bigint, decimals and timestamps exact to
 * the last digit and microsecond. apache-arrow's `get()` is lossy for several Spark types (timestamps
 * become float milliseconds, decimals raw words, year-month intervals [years, months]), so values are
 * read from the column buffers directly.
 */
export type SparkValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | SparkDecimal
  | SparkDate
  | SparkTimestamp
  | SparkYearMonthInterval
  | SparkDayTimeInterval
  | SparkCalendarInterval
  | SparkArray
  | SparkMap
  | SparkStruct
  | SparkVariant;

export class SparkDecimal {
  readonly kind = 'decimal';
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}
  /** Exact, with all `scale` digits: 1.50 stays "1.50". */
  toString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    if (this.scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-this.scale);
    const padded = digits.padStart(this.scale + 1, '0');
    return `${negative ? '-' : ''}${padded.slice(0, -this.scale)}.${padded.slice(-this.scale)}`;
  }
}

export class SparkDate {
  readonly kind = 'date';
  constructor(readonly daysSinceEpoch: number) {}
  toString(): string {
    return isoDate(BigInt(this.daysSinceEpoch) * MICROS_PER_DAY);
  }
}

/** TIMESTAMP (an instant, `zoned`) or TIMESTAMP_NTZ (a wall-clock time, not zoned), in microseconds. */
export class SparkTimestamp {
  readonly kind = 'timestamp';
  constructor(
    readonly microsSinceEpoch: bigint,
    readonly zoned: boolean,
  ) {}
  /** ISO-8601 with microseconds; an instant in UTC ends with "Z", a wall-clock time has no zone. */
  toString(): string {
    const day = floorDiv(this.microsSinceEpoch, MICROS_PER_DAY);
    const inDay = this.microsSinceEpoch - day * MICROS_PER_DAY;
    const seconds = inDay / 1_000_000n;
    const micros = inDay % 1_000_000n;
    const time = `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}.${pad(micros, 6)}`;
    return `${isoDate(day * MICROS_PER_DAY)}T${time}${this.zoned ? 'Z' : ''}`;
  }
}

export class SparkYearMonthInterval {
  readonly kind = 'yearMonthInterval';
  constructor(readonly months: number) {}
  toString(): string {
    const sign = this.months < 0 ? '-' : '';
    const total = Math.abs(this.months);
    return `INTERVAL '${sign}${Math.floor(total / 12)}-${total % 12}' YEAR TO MONTH`;
  }
}

export class SparkDayTimeInterval {
  readonly kind = 'dayTimeInterval';
  constructor(readonly micros: bigint) {}
  toString(): string {
    const sign = this.micros < 0n ? '-' : '';
    const total = this.micros < 0n ? -this.micros : this.micros;
    const days = total / MICROS_PER_DAY;
    const rest = total % MICROS_PER_DAY;
    const seconds = rest / 1_000_000n;
    const time = `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}.${pad(rest % 1_000_000n, 6)}`;
    return `INTERVAL '${sign}${days} ${time}' DAY TO SECOND`;
  }
}

/** Spark's CalendarIntervalType (months, days and microseconds; Arrow carries nanoseconds). */
export class SparkCalendarInterval {
  readonly kind = 'calendarInterval';
  constructor(
    readonly months: number,
    readonly days: number,
    readonly nanos: bigint,
  ) {}
  toString(): string {
    const parts: string[] = [];
    if (this.months) parts.push(`${this.months} months`);
    if (this.days) parts.push(`${this.days} days`);
    if (this.nanos || parts.length === 0) parts.push(`${new SparkDecimal(this.nanos / 1000n, 6).toString()} seconds`);
    return parts.join(' ');
  }
}

export class SparkArray {
  readonly kind = 'array';
  constructor(readonly items: readonly SparkValue[]) {}
}

/** A map keeps its entries in order; keys may be any type, not only strings. */
export class SparkMap {
  readonly kind = 'map';
  constructor(readonly entries: readonly (readonly [SparkValue, SparkValue])[]) {}
}

/** A struct keeps its fields in order (names may repeat in Spark). */
export class SparkStruct {
  readonly kind = 'struct';
  constructor(readonly fields: readonly (readonly [string, SparkValue])[]) {}
}

/** A VARIANT value (semi-structured, from parse_json or a cast), shown as the JSON text Spark's to_json gives. */
export class SparkVariant {
  readonly kind = 'variant';
  private text: string | undefined;
  constructor(
    readonly value: Uint8Array,
    readonly metadata: Uint8Array,
  ) {}
  toString(): string {
    this.text ??= variantToJson(this.value, this.metadata);
    return this.text;
  }
}

/**
 * Spark sends a VARIANT column as struct<value: binary, metadata: binary> whose `metadata` child is
 * marked `variant: true` in its Arrow field metadata.
 */
export function isVariantType(type: DataType): boolean {
  if (type.typeId !== Type.Struct) return false;
  const children = (type as unknown as { children: Field[] }).children;
  return (
    children.length === 2 &&
    children.some((f) => f.name === 'value') &&
    children.some((f) => f.name === 'metadata' && f.metadata.get('variant') === 'true')
  );
}

const MICROS_PER_DAY = 86_400_000_000n;

/** The value at `index` of one column chunk. */
export function sparkValueAt(data: Data, index: number): SparkValue {
  if (!data.getValid(index)) return null;
  const type = data.type as DataType;
  // apache-arrow's Data.slice() cuts the value and offset buffers to the slice already; data.offset
  // then only applies to the bit-packed buffers (validity, booleans).
  const at = index;
  switch (type.typeId) {
    case Type.Null:
      return null;
    case Type.Bool:
      return ((data.values as Uint8Array)[(data.offset + at) >> 3]! & (1 << ((data.offset + at) & 7))) !== 0;
    case Type.Int:
    case Type.Float:
      return (data.values as ArrayLike<number | bigint>)[at] as number | bigint;
    case Type.Utf8:
    case Type.LargeUtf8:
      return DECODER.decode(bytesAt(data, at));
    case Type.Binary:
    case Type.LargeBinary:
      return bytesAt(data, at).slice();
    case Type.FixedSizeBinary: {
      const width = (type as unknown as { byteWidth: number }).byteWidth;
      return (data.values as Uint8Array).slice(at * width, (at + 1) * width);
    }
    case Type.Decimal:
      return decimalAt(data, at);
    case Type.Date: {
      const unit = (type as unknown as { unit: number }).unit;
      if (unit === 0) return new SparkDate((data.values as Int32Array)[at]!); // DAY
      return new SparkDate(Number(floorDiv(BigInt((data.values as unknown as BigInt64Array)[at]!), 86_400_000n)));
    }
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: number; timezone: string | null };
      const raw = BigInt((data.values as unknown as BigInt64Array)[at]!);
      return new SparkTimestamp(toMicros(raw, unit), Boolean(timezone));
    }
    case Type.Duration:
      return new SparkDayTimeInterval(
        toMicros(BigInt((data.values as unknown as BigInt64Array)[at]!), (type as unknown as { unit: number }).unit),
      );
    case Type.Interval:
      return intervalAt(data, at);
    case Type.List:
    case Type.LargeList: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const child = data.children[0]!;
      const items: SparkValue[] = [];
      for (let i = Number(offsets[at]); i < Number(offsets[at + 1]); i++) items.push(sparkValueAt(child, i));
      return new SparkArray(items);
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const child = data.children[0]!;
      const items: SparkValue[] = [];
      for (let i = at * size; i < (at + 1) * size; i++) items.push(sparkValueAt(child, i));
      return new SparkArray(items);
    }
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0]!;
      const [keys, values] = [entries.children[0]!, entries.children[1]!];
      const result: [SparkValue, SparkValue][] = [];
      for (let i = offsets[at]!; i < offsets[at + 1]!; i++) result.push([sparkValueAt(keys, i), sparkValueAt(values, i)]);
      return new SparkMap(result);
    }
    case Type.Struct: {
      const fields = (type as unknown as { children: Field[] }).children;
      if (isVariantType(type)) {
        const valueAt = fields.findIndex((f) => f.name === 'value');
        return new SparkVariant(bytesAt(data.children[valueAt]!, index), bytesAt(data.children[1 - valueAt]!, index));
      }
      // Arrow slices a struct's children together with it, so the child index is the row's own index.
      return new SparkStruct(fields.map((field, i) => [field.name, sparkValueAt(data.children[i]!, index)] as const));
    }
    default:
      throw new Error(`Arrow type ${String(type)} is not a type Spark sends.`);
  }
}

function bytesAt(data: Data, at: number): Uint8Array {
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  return (data.values as Uint8Array).subarray(Number(offsets[at]), Number(offsets[at + 1]));
}

function decimalAt(data: Data, at: number): SparkDecimal {
  const { scale, bitWidth } = data.type as unknown as { scale: number; bitWidth: number };
  const words = data.values as Uint32Array;
  const perValue = bitWidth / 32;
  let unsigned = 0n;
  for (let w = perValue - 1; w >= 0; w--) unsigned = (unsigned << 32n) | BigInt(words[at * perValue + w]!);
  const width = BigInt(bitWidth);
  const signed = unsigned >= 1n << (width - 1n) ? unsigned - (1n << width) : unsigned;
  return new SparkDecimal(signed, scale);
}

function intervalAt(data: Data, at: number): SparkValue {
  const unit = (data.type as unknown as { unit: number }).unit;
  const words = data.values as Int32Array;
  if (unit === 0) return new SparkYearMonthInterval(words[at]!); // YEAR_MONTH: total months
  if (unit === 1) {
    // DAY_TIME: days, milliseconds
    return new SparkCalendarInterval(0, words[at * 2]!, BigInt(words[at * 2 + 1]!) * 1_000_000n);
  }
  // MONTH_DAY_NANO: months int32, days int32, nanoseconds int64 (little endian)
  const base = at * 4;
  const low = BigInt(words[base + 2]! >>> 0);
  const high = BigInt(words[base + 3]!);
  return new SparkCalendarInterval(words[base]!, words[base + 1]!, (high << 32n) | low);
}

function toMicros(raw: bigint, unit: number): bigint {
  // TimeUnit: SECOND=0, MILLISECOND=1, MICROSECOND=2, NANOSECOND=3
  if (unit === 0) return raw * 1_000_000n;
  if (unit === 1) return raw * 1000n;
  if (unit === 3) return floorDiv(raw, 1000n);
  return raw;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(value: bigint | number, width: number): string {
  return value.toString().padStart(width, '0');
}

/** Proleptic Gregorian date of a microsecond instant (Spark 3+ uses the proleptic calendar too). */
function isoDate(micros: bigint): string {
  const days = Number(floorDiv(micros, MICROS_PER_DAY));
  const date = new Date(Date.UTC(1970, 0, 1) + days * 86_400_000);
  const year = date.getUTCFullYear();
  const yearText = year < 0 ? `-${pad(-year, 4)}` : year > 9999 ? `+${year}` : pad(year, 4);
  return `${yearText}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

const DECODER = new TextDecoder();

/** One row: values in schema order (Spark allows repeated column names, so rows are not keyed by name). */
export type SparkRow = SparkValue[];

/** The rows of a batch or table, each value read with full fidelity. */
export function* rowsOf(source: RecordBatch | Table): Generator<SparkRow> {
  const batches = 'batches' in source ? source.batches : [source];
  for (const batch of batches) {
    const columns = batch.schema.fields.map((_, i) => batch.getChildAt(i)!.data[0]!);
    for (let row = 0; row < batch.numRows; row++) yield columns.map((column) => sparkValueAt(column, row));
  }
}

/** Spark SQL's name for a column type, for headers: bigint, decimal(10,2), array<string>, map<string,int>… */
export function sparkTypeName(type: DataType): string {
  switch (type.typeId) {
    case Type.Null:
      return 'void';
    case Type.Bool:
      return 'boolean';
    case Type.Int: {
      const bits = (type as unknown as { bitWidth: number }).bitWidth;
      return bits === 8 ? 'tinyint' : bits === 16 ? 'smallint' : bits === 32 ? 'int' : 'bigint';
    }
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 1 ? 'float' : 'double';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'binary';
    case Type.Decimal: {
      const { precision, scale } = type as unknown as { precision: number; scale: number };
      return `decimal(${precision},${scale})`;
    }
    case Type.Date:
      return 'date';
    case Type.Timestamp:
      return (type as unknown as { timezone: string | null }).timezone ? 'timestamp' : 'timestamp_ntz';
    case Type.Duration:
      return 'interval day to second';
    case Type.Interval:
      return (type as unknown as { unit: number }).unit === 0 ? 'interval year to month' : 'interval';
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
      return `array<${sparkTypeName((type as unknown as { children: Field[] }).children[0]!.type)}>`;
    case Type.Map: {
      const entry = (type as unknown as { children: Field[] }).children[0]!.type as unknown as { children: Field[] };
      return `map<${sparkTypeName(entry.children[0]!.type)},${sparkTypeName(entry.children[1]!.type)}>`;
    }
    case Type.Struct:
      if (isVariantType(type)) return 'variant';
      return `struct<${(type as unknown as { children: Field[] }).children.map((f) => `${f.name}:${sparkTypeName(f.type)}`).join(',')}>`;
    default:
      return String(type);
  }
}

export function columnTypes(schema: Schema): string[] {
  return schema.fields.map((field) => sparkTypeName(field.type));
}

/**
 * A JSON-safe form for scripts that compare results: bigints as numbers while exact (else strings),
 * decimals always strings, timestamps and dates ISO-8601, binary base64, NaN/±Infinity as strings,
 * intervals in Spark's SQL literal text, maps as [{key, value}] (keys need not be strings), structs as objects.
 */
export function toJsonValue(value: SparkValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (value instanceof Uint8Array) return base64(value);
  switch (value.kind) {
    case 'array':
      return value.items.map(toJsonValue);
    case 'map':
      return value.entries.map(([key, entry]) => ({ key: toJsonValue(key), value: toJsonValue(entry) }));
    case 'struct':
      return Object.fromEntries(value.fields.map(([name, field]) => [name, toJsonValue(field)]));
    default:
      // A variant's JSON text as a string, like decimals: exact, whatever its numbers.
      return value.toString();
  }
}

// Written without Node's Buffer: the results webview formats values in the browser with this module.
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** How a table cell shows a value (the caller shows NULL its own way). */
export function toDisplayText(value: SparkValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Object.is(value, -0) ? '-0.0' : String(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array)
    return `X'${Array.from(value, (byte) => byte.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase()}'`;
  switch (value.kind) {
    case 'array':
      return `[${value.items.map(nestedText).join(', ')}]`;
    case 'map':
      return `{${value.entries.map(([k, v]) => `${nestedText(k)} -> ${nestedText(v)}`).join(', ')}}`;
    case 'struct':
      return `{${value.fields.map(([name, v]) => `${name}: ${nestedText(v)}`).join(', ')}}`;
    case 'timestamp': {
      const text = value.toString().replace('T', ' ');
      return value.zoned ? text.replace('Z', ' UTC') : text;
    }
    default:
      return value.toString();
  }
}

/** Inside arrays, maps and structs strings are quoted, so ["a, b"] and ["a", "b"] look different. */
function nestedText(value: SparkValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : toDisplayText(value);
}

/** Numbers right-align in tables. */
export function isNumericType(type: DataType): boolean {
  return type.typeId === Type.Int || type.typeId === Type.Float || type.typeId === Type.Decimal;
}

/** The text values of one column of a small result (catalog listings, counts). */
export function columnValues(table: Table, column: number): string[] {
  const values = table.getChildAt(column);
  return Array.from({ length: table.numRows }, (_, i) => String(values?.get(i) ?? ''));
}
