import type { FieldStorage } from './chartFields.js';
import { integerLiteral, stringLiteral } from '../sql/sqlText.js';
import { timeUnitParts, type TimeUnitPart } from './vegaLiteFields.js';

/**
 * Vega-Lite time units in Spark SQL, reproducing Vega's timeunit transform (vega-time floor): a unit
 * keeps some date parts of the local (or UTC) wall clock and resets the others; units without a year
 * use the reference year 2012, a leap year that starts on a Sunday; "day" is the weekday, placed in
 * the first week of January; "week" counts Sunday-based weeks. The result is the instant of that
 * wall clock in the chart's time zone, as Vega builds it with new Date(y, m, d, ...).
 */

export interface TimeUnit {
  /** The single units, in Vega-Lite's order (the last one is the one `step` applies to). */
  readonly parts: readonly TimeUnitPart[];
  readonly utc: boolean;
  readonly step: number;
}

const REFERENCE_YEAR = 2012;

/** Reads a Vega-Lite timeUnit (a name, or {unit, step, utc}); a string result says why it is not supported. */
export function parseTimeUnit(definition: unknown): TimeUnit | string {
  let unit: unknown = definition;
  let step = 1;
  let utc = false;
  if (typeof definition === 'object' && definition !== null) {
    const params = definition as { unit?: unknown; step?: unknown; utc?: unknown; maxbins?: unknown; binned?: unknown };
    if (params.binned) return 'the time unit is already binned';
    if (params.unit === undefined) return 'a time unit chosen by maxbins is not supported';
    unit = params.unit;
    if (params.step !== undefined) {
      if (typeof params.step !== 'number' || !Number.isInteger(params.step) || params.step < 1)
        return 'a time unit step must be a positive whole number';
      step = params.step;
    }
    utc = params.utc === true;
  }
  if (typeof unit !== 'string') return 'the time unit is not a name';
  if (unit.startsWith('binned')) return 'the time unit is already binned';
  if (unit.startsWith('utc')) utc = true;
  const parts = timeUnitParts(unit);
  const local = unit.startsWith('utc') ? unit.slice(3) : unit;
  // Every accepted name is exactly its parts run together; anything else (isoweek, typos) is refused.
  if (parts.length === 0 || parts.join('') !== local) return `unknown time unit '${unit}'`;
  return { parts, utc, step };
}

const MICROS_PER_DAY = '86400000000';

/**
 * The wall clock in `zone` of the value Vega sees for this column, as microseconds since 1970-01-01
 * 00:00 of that wall clock (a BIGINT): Vega reads local date parts of an instant, and instants
 * (TIMESTAMP) are instants; dates and wall-clock timestamps reach Vega as milliseconds counted from
 * UTC midnight, so they are those instants. from_utc_timestamp turns an instant into its wall clock in
 * a zone with java.time's rules (daylight saving included) and, unlike convert_timezone, compiles to
 * fast code: a chart per local day over 100M rows took 4 times as long with convert_timezone.
 */
export function wallClockSql(column: string, storage: FieldStorage, zone: string): string {
  const target = stringLiteral(zone);
  const inZone = (instant: string) =>
    zone === 'UTC' ? `unix_micros(${instant})` : `unix_micros(from_utc_timestamp(${instant}, ${target}))`;
  switch (storage) {
    case 'timestamp':
      return inZone(column);
    case 'date': {
      const utcMidnight = `CAST(unix_date(${column}) AS BIGINT) * ${MICROS_PER_DAY}`;
      return zone === 'UTC' ? utcMidnight : inZone(`timestamp_micros(${utcMidnight})`);
    }
    case 'timestamp_ntz': {
      const asUtc = `timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', ${column})`;
      return zone === 'UTC' ? asUtc : inZone(`timestamp_micros(${asUtc})`);
    }
    default:
      throw new Error(`a ${storage} column is not a time`);
  }
}

/** The date parts Vega passes to new Date(year, month, date, hours, minutes, seconds, ms), as SQL. */
export interface FloorParts {
  readonly year: string;
  /** 0-based, like JavaScript's. */
  readonly month: string;
  /** Day of the month counted from 1; may fall outside the month (week units), as JavaScript allows. */
  readonly date: string;
  readonly hours: string;
  readonly minutes: string;
  readonly seconds: string;
  readonly milliseconds: string;
}

/**
 * The floored date parts of a wall clock (`micros`: SQL of its microseconds since 1970-01-01 00:00,
 * from wallClockSql), part by part as vega-time does. Date parts come from the DATE of that wall
 * clock and the time of day from integer arithmetic: neither depends on the session time zone.
 */
export function floorPartsSql(micros: string, unit: TimeUnit): FloorParts {
  // Floor division (micros may be before 1970): subtract the non-negative remainder first.
  const w = `date_from_unix_date(CAST((${micros} - pmod(${micros}, ${MICROS_PER_DAY})) DIV ${MICROS_PER_DAY} AS INT))`;
  const timeOfDay = (modulo: string, divisor: string) => `CAST(pmod(${micros}, ${modulo}) DIV ${divisor} AS INT)`;
  const has = (part: TimeUnitPart) => unit.parts.includes(part);
  const last = unit.parts[unit.parts.length - 1];
  // vega-time steps only the last unit; day-like units count from 1, so they step from 1 ("phase").
  const stepped = (part: TimeUnitPart, value: string, phase = 0) => {
    if (part !== last || unit.step <= 1) return value;
    const s = integerLiteral(unit.step);
    return phase
      ? `(${phase} + ${s} * CAST(floor((${value} - ${phase}) / ${s}) AS INT))`
      : `(${s} * CAST(floor(${value} / ${s}) AS INT))`;
  };

  const year = has('year') ? stepped('year', `year(${w})`) : integerLiteral(REFERENCE_YEAR);
  const month = has('month')
    ? stepped('month', `(month(${w}) - 1)`)
    : has('quarter')
      ? `(3 * ${stepped('quarter', `CAST(floor((month(${w}) - 1) / 3) AS INT)`)})`
      : '0';

  // Weekday of January 1st of the output year, 0 = Sunday. With a year unit that is the value's own
  // year, found from its weekday and day of the year; without one it is 2012's, a Sunday.
  const firstWeekday = has('year') ? `pmod(dayofweek(${w}) - dayofyear(${w}), 7)` : '0';
  const weekday = `(dayofweek(${w}) - 1)`;
  // Sunday-based week of the year: weeks start on Sundays, days before the first Sunday are week 0.
  const weekNumber = `CAST(floor((dayofyear(${w}) - 1 + pmod(dayofweek(${w}) - dayofyear(${w}), 7)) / 7) AS INT) + IF(pmod(dayofweek(${w}) - dayofyear(${w}), 7) = 0, 1, 0)`;
  // Vega's weekday(week, day, firstDay) = day + week * 7 - (firstDay + 6) % 7: the day of the year.
  const dayOfYearOf = (week: string, day: string) => `(${day} + (${week}) * 7 - pmod(${firstWeekday} + 6, 7))`;
  let date: string;
  if (has('week') && has('day')) date = stepped('day', dayOfYearOf(weekNumber, weekday), 1);
  else if (has('week')) date = dayOfYearOf(stepped('week', `(${weekNumber})`, 1), '0');
  else if (has('day')) date = stepped('day', dayOfYearOf('1', weekday), 1);
  else if (has('date')) date = stepped('date', `day(${w})`, 1);
  else if (has('dayofyear')) date = stepped('dayofyear', `dayofyear(${w})`, 1);
  else date = '1';

  return {
    year,
    month,
    date,
    hours: has('hours') ? stepped('hours', timeOfDay(MICROS_PER_DAY, '3600000000')) : '0',
    minutes: has('minutes') ? stepped('minutes', timeOfDay('3600000000', '60000000')) : '0',
    seconds: has('seconds') ? stepped('seconds', timeOfDay('60000000', '1000000')) : '0',
    milliseconds: has('milliseconds') ? stepped('milliseconds', timeOfDay('1000000', '1000')) : '0',
  };
}

/**
 * The instant (TIMESTAMP) of the wall clock these parts describe in `zone`. Days and months outside
 * their range roll over as in JavaScript's Date; a wall clock skipped by a daylight-saving change moves
 * forward by the gap, as JavaScript does too.
 */
export function instantSql(parts: FloorParts, zone: string): string {
  const day = `date_add(add_months(make_date(${parts.year}, 1, 1), ${parts.month}), ${parts.date} - 1)`;
  const seconds = `CAST((${parts.seconds}) * 1000 + (${parts.milliseconds}) AS DECIMAL(8, 3)) / 1000`;
  return `make_timestamp(year(${day}), month(${day}), day(${day}), ${parts.hours}, ${parts.minutes}, ${seconds}, ${stringLiteral(zone)})`;
}

/** The zone a unit's parts are read in: UTC for utc units, else the chart's local zone. */
export function zoneOf(unit: TimeUnit, localZone: string): string {
  return unit.utc ? 'UTC' : localZone;
}
