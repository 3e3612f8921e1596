import type { ChartField } from './chartFields.js';

export type ChartSuggestion =
  { readonly spec: Record<string, unknown>; readonly reason?: undefined } | { readonly reason: string };

export interface SuggestionOptions {
  /**
   * The result is too large to draw row by row: two numbers then become a binned density map (which
   * Spark can aggregate) instead of a scatter plot with a mark per row.
   */
  readonly large?: boolean;
}

/**
 * A first chart for a result, from its schema alone: time + number → line, category + number → bar
 * (sum, largest first), two numbers → scatter (a density map for a large result), one number →
 * histogram. The spec names no data: the caller supplies the rows.
 */
export function suggestChart(fields: readonly ChartField[], options: SuggestionOptions = {}): ChartSuggestion {
  const temporal = fields.filter((f) => f.type === 'temporal');
  const numbers = fields.filter((f) => f.type === 'quantitative');
  const categories = fields.filter((f) => f.type === 'nominal');
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
