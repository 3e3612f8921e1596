import { integerLiteral, stringLiteral } from '../sql/sqlText.js';
import { isRecord, unsupported } from './unsupportedChart.js';

/**
 * Vega-Lite DateTime objects ({year: 2024, month: 'Mar', date: 5, ...}) as Spark SQL instants. Read the
 * way Vega-Lite's dateTimeToExpr does: months and quarters are 1-based or names, day is a weekday
 * (0 or 7 = Sunday) used only on its own, unset parts default to 2012-01-01 00:00, and the result is
 * a local time unless `utc` is set.
 */

const PARTS = ['year', 'quarter', 'month', 'date', 'day', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export function isDateTime(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && PARTS.some((part) => part in value);
}

/** SQL for the epoch milliseconds of a DateTime, local times read in `localZone`. */
export function dateTimeMillisSql(value: Record<string, unknown>, localZone: string): string {
  const number = (part: string): number | undefined => {
    const raw = value[part];
    if (raw === undefined) return undefined;
    const parsed = typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    if (typeof parsed !== 'number' || !Number.isFinite(parsed)) unsupported(`the date-time ${part} ${JSON.stringify(raw)}`);
    return parsed;
  };
  const named = (part: 'month' | 'day', names: readonly string[]): number | undefined => {
    const raw = value[part];
    if (typeof raw !== 'string' || (raw.trim() !== '' && !Number.isNaN(Number(raw)))) return undefined;
    const lower = raw.toLowerCase();
    const index = names.indexOf(lower) >= 0 ? names.indexOf(lower) : names.map((n) => n.slice(0, 3)).indexOf(lower.slice(0, 3));
    if (index < 0) unsupported(`the date-time ${part} ${JSON.stringify(raw)}`);
    return index;
  };

  const year = number('year') ?? 2012;
  const month =
    named('month', MONTHS) ??
    (value.month !== undefined ? number('month')! - 1 : value.quarter !== undefined ? (number('quarter')! - 1) * 3 : 0);
  // Vega-Lite drops `day` when any other key is given (even utc), and uses it as a date in 2012's first week.
  const onlyDay = value.day !== undefined && Object.keys(value).length === 1;
  const date = value.date !== undefined ? number('date')! : onlyDay ? (named('day', DAYS) ?? number('day')! % 7) + 1 : 1;

  // Date.UTC rolls over out-of-range parts exactly as new Date(y, m, d, ...) does, without a zone.
  const wall = new Date(
    Date.UTC(
      year,
      month,
      date,
      number('hours') ?? 0,
      number('minutes') ?? 0,
      number('seconds') ?? 0,
      number('milliseconds') ?? 0,
    ),
  );
  if (Number.isNaN(wall.getTime())) unsupported(`the date-time ${JSON.stringify(value)}`);
  const zone = value.utc === true ? 'UTC' : localZone;
  const seconds = wall.getUTCSeconds() + wall.getUTCMilliseconds() / 1000;
  return `unix_millis(make_timestamp(${integerLiteral(wall.getUTCFullYear())}, ${wall.getUTCMonth() + 1}, ${wall.getUTCDate()}, ${wall.getUTCHours()}, ${wall.getUTCMinutes()}, ${seconds.toFixed(3)}BD, ${stringLiteral(zone)}))`;
}
