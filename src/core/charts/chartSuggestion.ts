import type { ChartField } from './chartFields.js';

export type ChartSuggestion =
  { readonly spec: Record<string, unknown>; readonly reason?: undefined } | { readonly reason: string };

export interface SuggestionOptions {
  /**
   * The result is too large to draw row by row: two numbers then become a binned density map (which
   * Spark can aggregate) instead of a scatter plot with a mark per row.
   */
  readonly large?: boolean;
  /** What the loaded rows show of each column (distinct values among them), where the caller has rows. */
  readonly profiles?: Readonly<Record<string, ColumnProfile>>;
}

export interface ColumnProfile {
  readonly rows: number;
  readonly distinct: number;
}

/** A name that says key, not measure: id, order_id, customerId, key, uuid… */
const KEY_NAME = /^(?:id|key|uuid|guid|pk|idx|index|row_?id|row_?number)$|_(?:id|key|uuid|pk)$/i;
const CAMEL_KEY_NAME = /[a-z0-9](?:Id|Key|Uuid)$/;
/** Few enough distinct integers to be told apart by colour. */
const MAX_CATEGORY_INTEGERS = 12;
/** Fewer rows say too little about a column's values to judge it. */
const MIN_PROFILED_ROWS = 20;

/** A column named like a key, or integers that are all distinct: not something to sum. */
function isKey(field: ChartField, profiles: SuggestionOptions['profiles']): boolean {
  if (KEY_NAME.test(field.name) || CAMEL_KEY_NAME.test(field.name)) return true;
  const profile = profiles?.[field.name];
  return field.storage === 'integer' && !!profile && profile.rows >= MIN_PROFILED_ROWS && profile.distinct === profile.rows;
}

/** Integers with a handful of values (a category code, a bucket): a colour or a bar each, not a scale. */
function isCategoryInteger(field: ChartField, profiles: SuggestionOptions['profiles']): boolean {
  const profile = profiles?.[field.name];
  return (
    field.storage === 'integer' && !!profile && profile.rows >= MIN_PROFILED_ROWS && profile.distinct <= MAX_CATEGORY_INTEGERS
  );
}

/**
 * A first chart for a result, from its schema alone: time + number → line, category + number → bar
 * (sum, largest first), two numbers → scatter (a density map for a large result), one number →
 * histogram. The spec names no data: the caller supplies the rows.
 */
export function suggestChart(fields: readonly ChartField[], options: SuggestionOptions = {}): ChartSuggestion {
  const { profiles } = options;
  const temporal = fields.filter((f) => f.type === 'temporal');
  const quantitative = fields.filter((f) => f.type === 'quantitative');
  const categoryIntegers = quantitative.filter((f) => isCategoryInteger(f, profiles) && !isKey(f, profiles));
  // Measures first: keys and category codes are summed only when nothing else is a number.
  const measures = quantitative.filter((f) => !isKey(f, profiles) && !categoryIntegers.includes(f));
  const numbers = measures.length ? measures : quantitative;
  const categories = [...fields.filter((f) => f.type === 'nominal'), ...(measures.length ? categoryIntegers : [])];
  const tooltip = true;
  if (temporal[0] && numbers[0]) {
    return {
      spec: {
        mark: { type: 'line', tooltip, point: false },
        encoding: {
          x: { field: temporal[0].name, type: 'temporal' },
          y: { field: numbers[0].name, type: 'quantitative', aggregate: 'sum' },
          ...(categories[0] ? { color: { field: categories[0].name, type: 'nominal' } } : {}),
        },
      },
    };
  }
  if (categories[0] && numbers[0]) {
    return {
      spec: {
        mark: { type: 'bar', tooltip },
        encoding: {
          x: { field: categories[0].name, type: 'nominal', sort: '-y' },
          y: { field: numbers[0].name, type: 'quantitative', aggregate: 'sum' },
        },
      },
    };
  }
  if (numbers[0] && numbers[1] && options.large) {
    return {
      spec: {
        mark: { type: 'rect', tooltip },
        encoding: {
          x: { field: numbers[0].name, type: 'quantitative', bin: { maxbins: 40 } },
          y: { field: numbers[1].name, type: 'quantitative', bin: { maxbins: 40 } },
          color: { aggregate: 'count', type: 'quantitative' },
        },
      },
    };
  }
  if (numbers[0] && numbers[1]) {
    return {
      spec: {
        mark: { type: 'point', tooltip },
        encoding: {
          x: { field: numbers[0].name, type: 'quantitative' },
          y: { field: numbers[1].name, type: 'quantitative' },
        },
      },
    };
  }
  if (numbers[0]) {
    return {
      spec: {
        mark: { type: 'bar', tooltip },
        encoding: {
          x: { field: numbers[0].name, type: 'quantitative', bin: true },
          y: { aggregate: 'count', type: 'quantitative' },
        },
      },
    };
  }
  if (categories[0]) {
    return {
      spec: {
        mark: { type: 'bar', tooltip },
        encoding: {
          x: { field: categories[0].name, type: 'nominal', sort: '-y' },
          y: { aggregate: 'count', type: 'quantitative' },
        },
      },
    };
  }
  return { reason: 'the result has no number, date or text column to plot.' };
}
