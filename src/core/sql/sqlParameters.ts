/** A named parameter marker (`:name`) in a statement. */
export interface ParameterMarker {
  readonly name: string;
  /** Offset of the `:` in the statement. */
  readonly start: number;
  readonly end: number;
}

/** A value bound to a named parameter, typed as Spark will see it (sent as a literal, never spliced into the text). */
export type SqlParameterValue =
  | { readonly type: 'null' }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'decimal'; readonly value: string; readonly precision: number; readonly scale: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'date'; readonly value: string }
  | { readonly type: 'timestampNtz'; readonly value: string };

/**
 * The `:name` markers of a statement, outside quotes, backticks and comments, in order of appearance
 * (a name used twice is listed twice). A colon right after a name, a closing bracket or another colon is
 * Spark's `::` cast or a variant path (`v:field`), not a parameter.
 */
export function parameterMarkers(sql: string): ParameterMarker[] {
  const markers: ParameterMarker[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      i = skipQuoted(sql, i, ch);
    } else if (ch === ':' && /[A-Za-z_]/.test(sql[i + 1] ?? '') && !/[\w:)\]`]/.test(sql[i - 1] ?? ' ')) {
      const name = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))![0];
      markers.push({ name, start: i, end: i + 1 + name.length });
      i += 1 + name.length;
    } else i++;
  }
  return markers;
}

/** Each parameter name once, in order of first use. */
export function parameterNames(sql: string): string[] {
  return [...new Set(parameterMarkers(sql).map((m) => m.name))];
}

function skipQuoted(sql: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === '\\' && quote !== '`') i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/**
 * Reads what a person typed for a parameter as a typed value: NULL, true/false, whole numbers (BIGINT),
 * decimals kept exact (DECIMAL with their own precision and scale), numbers with an exponent (DOUBLE),
 * dates (2024-01-31) and wall-clock timestamps (2024-01-31 12:30:00[.123456]); 'quoted' text is a string
 * with '' for a quote, and anything else is taken as the string typed. DATE '…' and TIMESTAMP_NTZ '…'
 * force those types.
 */
export function parseParameterValue(input: string): SqlParameterValue {
  const text = input.trim();
  if (/^null$/i.test(text)) return { type: 'null' };
  if (/^(true|false)$/i.test(text)) return { type: 'boolean', value: text.toLowerCase() === 'true' };
  if (/^[+-]?\d+$/.test(text)) {
    const value = BigInt(text);
    if (value >= -(2n ** 63n) && value < 2n ** 63n) return { type: 'long', value };
    return decimal(text);
  }
  if (/^[+-]?\d+\.\d+$/.test(text)) return decimal(text);
  if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(text)) return { type: 'double', value: Number(text) };
  const typed = /^(DATE|TIMESTAMP_NTZ)\s*'([^']*)'$/i.exec(text);
  if (typed) {
    const kind = typed[1]!.toUpperCase() === 'DATE' ? 'date' : 'timestampNtz';
    const value = typed[2]!;
    if (kind === 'date' ? isDate(value) : isTimestamp(value)) return { type: kind, value };
    throw new Error(
      `${typed[1]!.toUpperCase()} '${value}' is not a valid ${kind === 'date' ? 'date (YYYY-MM-DD)' : 'timestamp (YYYY-MM-DD HH:MM:SS)'}.`,
    );
  }
  if (isDate(text)) return { type: 'date', value: text };
  if (isTimestamp(text)) return { type: 'timestampNtz', value: text.replace('T', ' ') };
  const quoted = /^'((?:[^']|'')*)'$/s.exec(text);
  if (quoted) return { type: 'string', value: quoted[1]!.replace(/''/g, "'") };
  return { type: 'string', value: input };
}

function decimal(text: string): SqlParameterValue {
  const unsigned = text.replace(/^[+-]/, '');
  const [whole, fraction = ''] = unsigned.split('.');
  const digits = (whole!.replace(/^0+(?=\d)/, '') + fraction).replace(/^0+(?=\d)/, '');
  const precision = Math.max(digits.length, fraction.length, 1);
  if (precision > 38) throw new Error(`${text} has more than 38 digits, more than a Spark DECIMAL holds.`);
  return { type: 'decimal', value: text.replace(/^\+/, ''), precision, scale: fraction.length };
}

/** A real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
}

function isTimestamp(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text);
  return !!match && isDate(match[1]!) && Number(match[2]) < 24 && Number(match[3]) < 60 && Number(match[4] ?? 0) < 60;
}

/** A value as a person types it back, for prefilling the next prompt. */
export function formatParameterValue(value: SqlParameterValue): string {
  switch (value.type) {
    case 'null':
      return 'NULL';
    case 'string':
      return value.value;
    case 'long':
      return value.value.toString();
    default:
      return String(value.value);
  }
}

/** Microseconds since the epoch of a wall-clock timestamp read as UTC (TIMESTAMP_NTZ's encoding). */
export function wallClockMicros(text: string): bigint {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text)!;
  const millis = Date.UTC(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6] ?? 0),
  );
  return BigInt(millis) * 1000n + BigInt((match[7] ?? '').padEnd(6, '0') || '0');
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function epochDays(text: string): number {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}
