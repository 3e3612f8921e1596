/**
 * Vega-Lite field strings and default titles. A Vega-Lite field "a.b" means field b nested in a, and
 * "a\\.b" the flat column "a.b"; the pushdown works on flat columns only.
 */

/** The column a Vega-Lite field string names, or undefined when it is a nested access path. */
export function columnOfField(field: string): string | undefined {
  let column = '';
  for (let i = 0; i < field.length; i++) {
    const char = field[i]!;
    if (char === '\\') {
      i++;
      if (i < field.length) column += field[i];
    } else if (char === '.' || char === '[' || char === ']') {
      return undefined;
    } else {
      column += char;
    }
  }
  return column;
}

/** The Vega-Lite field string that names a flat column whatever characters it holds. */
export function fieldOfColumn(column: string): string {
  return column.replace(/[\\.[\]]/g, (char) => `\\${char}`);
}

export interface TitleConfig {
  readonly countTitle?: string;
  readonly fieldTitle?: 'verbal' | 'functional' | 'plain';
}

export interface TitledFieldDef {
  readonly field?: string;
  readonly aggregate?: string;
  readonly bin?: unknown;
  readonly timeUnit?: string;
}

/**
 * The title Vega-Lite gives a field definition by default (its "verbal", "functional" and "plain"
 * formatters). The rewritten spec plots differently named columns, so it states the original title.
 */
export function defaultFieldTitle(def: TitledFieldDef, config: TitleConfig = {}): string {
  const field = def.field ?? '';
  const binning = def.bin !== undefined && def.bin !== false && def.bin !== null;
  if (config.fieldTitle === 'plain') return field;
  if (config.fieldTitle === 'functional') {
    const fn = def.aggregate ?? def.timeUnit ?? (binning ? 'bin' : undefined);
    return fn ? `${fn.toUpperCase()}(${field})` : field;
  }
  if (def.aggregate === 'count') return config.countTitle ?? 'Count of Records';
  if (binning) return `${field} (binned)`;
  if (def.timeUnit) return `${field} (${timeUnitParts(def.timeUnit).join('-')})`;
  if (def.aggregate) return `${def.aggregate.charAt(0).toUpperCase()}${def.aggregate.slice(1)} of ${field}`;
  return field;
}

const TIME_UNIT_PARTS = [
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'dayofyear',
  'date',
  'hours',
  'minutes',
  'seconds',
  'milliseconds',
] as const;

export type TimeUnitPart = (typeof TIME_UNIT_PARTS)[number];

/**
 * The single units a Vega-Lite time unit name combines, in Vega-Lite's order. Names are matched as
 * substrings, so "seconds" inside "milliseconds", "day" inside "dayofyear" and "year" inside
 * "dayofyear" must be told apart.
 */
export function timeUnitParts(unit: string): TimeUnitPart[] {
  const local = unit.startsWith('utc') ? unit.slice(3) : unit;
  return TIME_UNIT_PARTS.filter((part) => {
    const index = local.indexOf(part);
    if (index < 0) return false;
    if (part === 'seconds' && index > 0 && local.charAt(index - 1) === 'i') return false;
    if (part === 'day' && local.length > index + 3 && local.charAt(index + 3) === 'o') return false;
    if (part === 'year' && index > 0 && local.charAt(index - 1) === 'f') return false;
    return true;
  });
}
