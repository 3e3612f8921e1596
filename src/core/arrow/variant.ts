/**
 * Spark's VARIANT binary encoding (common/variant/README.md in Spark), rendered as JSON text exactly the
 * way Spark's `to_json` does (its Java renderer, not pyspark's Python one, which differs): no spaces,
 * decimals without trailing zeros and never in exponent form, doubles and floats as Java prints them
 * (1.0, 1.0E20) with NaN and infinities as strings, dates and timestamps quoted, binary as base64,
 * strings escaped as Jackson escapes them. Timestamps with a zone are shown in UTC ("+00:00"): the
 * session's time zone, which Spark uses, is not known here.
 */
export function variantToJson(value: Uint8Array, metadata: Uint8Array): string {
  const dictionary = readDictionary(metadata);
  const out: string[] = [];
  render(value, 0, dictionary, out);
  return out.join('');
}

class VariantFormatError extends Error {}

function fail(what: string): never {
  throw new VariantFormatError(`Malformed variant value: ${what}.`);
}

function readUnsigned(bytes: Uint8Array, at: number, size: number): number {
  if (at + size > bytes.length) fail('truncated');
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + bytes[at + i]!;
  return value;
}

function readDictionary(metadata: Uint8Array): string[] {
  const header = metadata[0] ?? fail('empty metadata');
  if ((header & 0x0f) !== 1) fail(`metadata version ${header & 0x0f}`);
  const offsetSize = ((header >> 6) & 0x3) + 1;
  const size = readUnsigned(metadata, 1, offsetSize);
  const offsetsAt = 1 + offsetSize;
  const stringsAt = offsetsAt + (size + 1) * offsetSize;
  const keys: string[] = [];
  for (let i = 0; i < size; i++) {
    const start = readUnsigned(metadata, offsetsAt + i * offsetSize, offsetSize);
    const end = readUnsigned(metadata, offsetsAt + (i + 1) * offsetSize, offsetSize);
    keys.push(UTF8.decode(metadata.subarray(stringsAt + start, stringsAt + end)));
  }
  return keys;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

function render(bytes: Uint8Array, at: number, keys: readonly string[], out: string[]): void {
  const header = bytes[at] ?? fail('truncated');
  const basicType = header & 0x3;
  const info = header >> 2;
  if (basicType === 1) {
    out.push(jsonString(UTF8.decode(slice(bytes, at + 1, info))));
    return;
  }
  if (basicType === 2) {
    const large = (info >> 4) & 1;
    const idSize = ((info >> 2) & 0x3) + 1;
    const offsetSize = (info & 0x3) + 1;
    const countSize = large ? 4 : 1;
    const count = readUnsigned(bytes, at + 1, countSize);
    const idsAt = at + 1 + countSize;
    const offsetsAt = idsAt + count * idSize;
    const dataAt = offsetsAt + (count + 1) * offsetSize;
    out.push('{');
    for (let i = 0; i < count; i++) {
      if (i > 0) out.push(',');
      const key = keys[readUnsigned(bytes, idsAt + i * idSize, idSize)] ?? fail('field id outside the dictionary');
      out.push(jsonString(key), ':');
      render(bytes, dataAt + readUnsigned(bytes, offsetsAt + i * offsetSize, offsetSize), keys, out);
    }
    out.push('}');
    return;
  }
  if (basicType === 3) {
    const large = (info >> 2) & 1;
    const offsetSize = (info & 0x3) + 1;
    const countSize = large ? 4 : 1;
    const count = readUnsigned(bytes, at + 1, countSize);
    const offsetsAt = at + 1 + countSize;
    const dataAt = offsetsAt + (count + 1) * offsetSize;
    out.push('[');
    for (let i = 0; i < count; i++) {
      if (i > 0) out.push(',');
      render(bytes, dataAt + readUnsigned(bytes, offsetsAt + i * offsetSize, offsetSize), keys, out);
    }
    out.push(']');
    return;
  }
  out.push(primitive(bytes, at + 1, info));
}

function slice(bytes: Uint8Array, at: number, length: number): Uint8Array {
  if (at + length > bytes.length) fail('truncated');
  return bytes.subarray(at, at + length);
}

function view(bytes: Uint8Array, at: number, length: number): DataView {
  const part = slice(bytes, at, length);
  return new DataView(part.buffer, part.byteOffset, part.byteLength);
}

function primitive(bytes: Uint8Array, at: number, type: number): string {
  switch (type) {
    case 0:
      return 'null';
    case 1:
      return 'true';
    case 2:
      return 'false';
    case 3:
      return String(view(bytes, at, 1).getInt8(0));
    case 4:
      return String(view(bytes, at, 2).getInt16(0, true));
    case 5:
      return String(view(bytes, at, 4).getInt32(0, true));
    case 6:
      return view(bytes, at, 8).getBigInt64(0, true).toString();
    case 7:
      return javaDouble(view(bytes, at, 8).getFloat64(0, true));
    case 8:
    case 9:
    case 10: {
      const width = type === 8 ? 4 : type === 9 ? 8 : 16;
      const scale = bytes[at] ?? fail('truncated');
      return plainDecimal(signedLittleEndian(slice(bytes, at + 1, width)), scale);
    }
    case 11:
      return `"${isoDate(view(bytes, at, 4).getInt32(0, true))}"`;
    case 12:
    case 13: {
      const micros = view(bytes, at, 8).getBigInt64(0, true);
      return `"${timestampText(micros)}${type === 12 ? '+00:00' : ''}"`;
    }
    case 14:
      return javaFloat(view(bytes, at, 4).getFloat32(0, true));
    case 15: {
      const length = readUnsigned(bytes, at, 4);
      return `"${base64(slice(bytes, at + 4, length))}"`;
    }
    case 16: {
      const length = readUnsigned(bytes, at, 4);
      return jsonString(UTF8.decode(slice(bytes, at + 4, length)));
    }
    case 20: {
      const hex = Array.from(slice(bytes, at, 16), (b) => b.toString(16).padStart(2, '0')).join('');
      return `"${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}"`;
    }
    default:
      return fail(`unknown primitive type ${type}`);
  }
}

function signedLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  const bits = BigInt(bytes.length * 8);
  return value >= 1n << (bits - 1n) ? value - (1n << bits) : value;
}

/** BigDecimal.stripTrailingZeros().toPlainString(): 1.50 → 1.5, 100.00 → 100, never an exponent. */
export function plainDecimal(unscaled: bigint, scale: number): string {
  if (unscaled === 0n) return '0';
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  let exponent = -scale; // value = digits × 10^exponent
  while (digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent++;
  }
  let text: string;
  if (exponent >= 0) text = digits + '0'.repeat(exponent);
  else {
    const point = digits.length + exponent;
    text = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** Java's Double.toString: plain between 1e-3 and 1e7, else d.dddE±n; at least one fraction digit. */
export function javaDouble(value: number): string {
  return javaNumber(value, (x) => shortestDigits(x, (candidate) => candidate === x));
}

/** Java's Float.toString, with the float's own shortest digits (0.1f prints 0.1, not 0.10000000149). */
export function javaFloat(value: number): string {
  return javaNumber(value, (x) => shortestDigits(x, (candidate) => Math.fround(candidate) === x));
}

function javaNumber(value: number, digitsOf: (x: number) => { digits: string; exponent: number }): string {
  if (Number.isNaN(value)) return '"NaN"';
  if (value === Infinity) return '"Infinity"';
  if (value === -Infinity) return '"-Infinity"';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  const { digits, exponent } = digitsOf(magnitude); // magnitude = 0.digits × 10^exponent
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent <= 0) return `${sign}0.${'0'.repeat(-exponent)}${digits}`;
    const whole = digits.slice(0, exponent).padEnd(exponent, '0');
    const fraction = digits.slice(exponent) || '0';
    return `${sign}${whole}.${fraction}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent - 1}`;
}

/** The fewest significant digits that read back as the same number, as digits and a decimal exponent. */
function shortestDigits(magnitude: number, sameNumber: (candidate: number) => boolean): { digits: string; exponent: number } {
  for (let precision = 1; precision <= 17; precision++) {
    const text = magnitude.toExponential(precision - 1);
    if (sameNumber(Number(text))) {
      const [mantissa, power] = text.split('e') as [string, string];
      return { digits: mantissa.replace('.', '').replace(/0+$/, '') || '0', exponent: Number(power) + 1 };
    }
  }
  const [mantissa, power] = magnitude.toExponential(16).split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exponent: Number(power) + 1 };
}

/** Java's LocalDate.toString: four-digit years, a sign before years before 0000 and after 9999. */
function isoDate(days: number): string {
  const date = new Date(days * 86_400_000);
  const year = date.getUTCFullYear();
  const yearText = year < 0 ? `-${String(-year).padStart(4, '0')}` : year > 9999 ? `+${year}` : String(year).padStart(4, '0');
  return `${yearText}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** "2024-01-02 03:04:05" with the fraction's trailing zeros stripped (".123", none when whole). */
function timestampText(micros: bigint): string {
  const perDay = 86_400_000_000n;
  let day = micros / perDay;
  let inDay = micros % perDay;
  if (inDay < 0n) {
    inDay += perDay;
    day -= 1n;
  }
  const seconds = Number(inDay / 1_000_000n);
  const fraction = (inDay % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  const time = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return `${isoDate(Number(day))} ${time}${fraction ? `.${fraction}` : ''}`;
}

/** Jackson's escaping: quote, backslash and control characters; everything else, non-ASCII included, raw. */
function jsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code < 0x20) {
      const short = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }[code];
      out += short ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
