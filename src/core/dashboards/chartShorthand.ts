import type { ChartField } from '../charts/chartFields.js';
import { closestName } from '../util/closestName.js';
import type { ChartShorthand, DashboardProblem, ShorthandField } from './dashboardFile.js';

/**
 * The Vega-Lite spec of a tile's chart shorthand (`{mark: line, x: date, y: sum(amount), color: segment}`),
 * typed from the columns of the tile's query. Dates and times are drawn in UTC (Spark's dates arrive as
 * UTC midnights), so a dashboard shows the same days wherever it is opened. A column the query does not
 * have is a problem at the field, with the nearest name.
 */
export function shorthandSpec(
  shorthand: ChartShorthand,
  fields: readonly ChartField[],
): { readonly spec: Record<string, unknown> } | { readonly problems: readonly DashboardProblem[] } {
  const problems: DashboardProblem[] = [];
  const encoding: Record<string, unknown> = {};
  for (const channel of ['x', 'y', 'color'] as const) {
    const field = shorthand[channel];
    if (!field) continue;
    const encoded = encodeField(field, fields, problems);
    if (encoded) encoding[channel] = encoded;
  }
  if (problems.length) return { problems };
  const mark: Record<string, unknown> = { type: shorthand.mark, tooltip: true };
  if (shorthand.mark === 'line') mark.point = false;
  return { spec: { mark, encoding } };
}

function encodeField(
  shorthand: ShorthandField,
  fields: readonly ChartField[],
  problems: DashboardProblem[],
): Record<string, unknown> | undefined {
  const { field: name, aggregate, timeUnit, range } = shorthand;
  if (name === undefined) return { aggregate: 'count', type: 'quantitative', title: 'Count' };
  const field = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!field) {
    const closest = closestName(
      name,
      fields.map((f) => f.name),
    );
    problems.push({
      ...range,
      severity: 'error',
      message: `The tile's query has no column '${name}'.${closest ? ` Did you mean '${closest}'?` : ''} Columns: ${fields.map((f) => f.name).join(', ')}.`,
    });
    return undefined;
  }
  if (timeUnit) {
    if (field.type !== 'temporal') {
      problems.push({
        ...range,
        severity: 'error',
        message: `${timeUnit}() needs a date or timestamp column; ${field.name} is not one.`,
      });
      return undefined;
    }
    return { field: field.name, type: 'temporal', timeUnit: { unit: timeUnit, utc: true }, scale: { type: 'utc' } };
  }
  if (aggregate) {
    if (aggregate !== 'count' && aggregate !== 'distinct' && field.type !== 'quantitative') {
      problems.push({ ...range, severity: 'error', message: `${aggregate}() needs a numeric column; ${field.name} is not one.` });
      return undefined;
    }
    return { field: field.name, type: 'quantitative', aggregate };
  }
  if (field.type === 'other') {
    problems.push({
      ...range,
      severity: 'error',
      message: `${field.name} cannot be charted (not a number, text, date or time).`,
    });
    return undefined;
  }
  return { field: field.name, type: field.type, ...(field.type === 'temporal' ? { scale: { type: 'utc' } } : {}) };
}
