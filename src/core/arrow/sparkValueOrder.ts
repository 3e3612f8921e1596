import { toDisplayText, type SparkValue } from './sparkValues.js';

/**
 * Orders two values of one column the way a user expects a sorted grid to look: NULL last, numbers by
 * value (bigints and decimals exactly), dates and timestamps in time, NaN after every number as Spark
 * sorts it, everything else by its text.
 */
export function compareSparkValues(a: SparkValue, b: SparkValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'object' && typeof b === 'object' && !(a instanceof Uint8Array) && !(b instanceof Uint8Array)) {
    if (a.kind === 'decimal' && b.kind === 'decimal') {
      // Same column, same scale in practice; align anyway so 1.5 and 1.50 compare equal.
      const scale = Math.max(a.scale, b.scale);
      const left = a.unscaled * 10n ** BigInt(scale - a.scale);
      const right = b.unscaled * 10n ** BigInt(scale - b.scale);
      return left < right ? -1 : left > right ? 1 : 0;
    }
    if (a.kind === 'date' && b.kind === 'date') return a.daysSinceEpoch - b.daysSinceEpoch;
    if (a.kind === 'timestamp' && b.kind === 'timestamp')
      return a.microsSinceEpoch < b.microsSinceEpoch ? -1 : a.microsSinceEpoch > b.microsSinceEpoch ? 1 : 0;
    if (a.kind === 'yearMonthInterval' && b.kind === 'yearMonthInterval') return a.months - b.months;
    if (a.kind === 'dayTimeInterval' && b.kind === 'dayTimeInterval')
      return a.micros < b.micros ? -1 : a.micros > b.micros ? 1 : 0;
  }
  const left = toDisplayText(a);
  const right = toDisplayText(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
