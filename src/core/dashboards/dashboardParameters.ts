import { isDate, parameterNames, type SqlParameterValue } from '../sql/sqlParameters.js';
import type { DashboardParameter } from './dashboardFile.js';
import type { ParameterControl, ParameterValues } from './tileResults.js';

/**
 * The parameters as the page offers them: each with the value picked, else its default. `choices` are
 * the values each choice's `choices_sql` returned (added after the fixed ones). A picked value that is
 * no longer among the choices falls back to the default.
 */
export function parameterControls(
  parameters: readonly DashboardParameter[],
  picked: ParameterValues,
  queriedChoices: ReadonlyMap<string, readonly string[]> = new Map(),
): ParameterControl[] {
  return parameters.map((parameter): ParameterControl => {
    const value = picked[parameter.name];
    switch (parameter.kind) {
      case 'date_range': {
        const range =
          typeof value === 'object' && value !== null && isDate(value.from) && isDate(value.to) ? value : parameter.default;
        return { kind: 'date_range', name: parameter.name, label: parameter.label, from: range.from, to: range.to };
      }
      case 'choice': {
        const choices = [...new Set([...parameter.choices, ...(queriedChoices.get(parameter.name) ?? [])])];
        const fallback = parameter.default ?? (parameter.all ? null : (choices[0] ?? null));
        const chosen =
          value === null && parameter.all ? null : typeof value === 'string' && choices.includes(value) ? value : fallback;
        return { kind: 'choice', name: parameter.name, label: parameter.label, choices, all: parameter.all, value: chosen };
      }
      case 'text':
        return {
          kind: 'text',
          name: parameter.name,
          label: parameter.label,
          value: typeof value === 'string' ? value : parameter.default,
        };
    }
  });
}

/** The named arguments the controls bind: a range as NAME_from and NAME_to (DATE), All as NULL, text as STRING. */
export function parameterArgs(controls: readonly ParameterControl[]): Record<string, SqlParameterValue> {
  const args: Record<string, SqlParameterValue> = {};
  for (const control of controls) {
    if (control.kind === 'date_range') {
      args[`${control.name}_from`] = { type: 'date', value: control.from };
      args[`${control.name}_to`] = { type: 'date', value: control.to };
    } else if (control.kind === 'choice') {
      args[control.name] = control.value === null ? { type: 'null' } : { type: 'string', value: control.value };
    } else args[control.name] = { type: 'string', value: control.value };
  }
  return args;
}

/** The arguments a statement uses, of those bound (Spark is given only the names its text mentions). */
export function argsFor(
  sql: string,
  args: Readonly<Record<string, SqlParameterValue>>,
): Record<string, SqlParameterValue> | undefined {
  const used = parameterNames(sql).filter((name) => name in args);
  return used.length ? Object.fromEntries(used.map((name) => [name, args[name]!])) : undefined;
}

/**
 * Values typed on a command line (`--param period=2024-01-01..2024-01-31 --param segment=retail`): a
 * range as FROM..TO, `All` for a choice's All. Unknown names and malformed ranges are errors.
 */
export function parseParameterOptions(parameters: readonly DashboardParameter[], options: readonly string[]): ParameterValues {
  const values: Record<string, string | null | { from: string; to: string }> = {};
  for (const option of options) {
    const eq = option.indexOf('=');
    if (eq <= 0) throw new Error(`--param takes NAME=VALUE, not '${option}'.`);
    const name = option.slice(0, eq);
    const text = option.slice(eq + 1);
    const parameter = parameters.find((p) => p.name === name);
    if (!parameter)
      throw new Error(
        `The dashboard has no parameter '${name}'. Parameters: ${parameters.map((p) => p.name).join(', ') || 'none'}.`,
      );
    if (parameter.kind === 'date_range') {
      const match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
      if (!match || !isDate(match[1]!) || !isDate(match[2]!) || match[1]! > match[2]!)
        throw new Error(`${name} is a date range: --param ${name}=YYYY-MM-DD..YYYY-MM-DD (from no later than to).`);
      values[name] = { from: match[1]!, to: match[2]! };
    } else if (parameter.kind === 'choice' && parameter.all && text === 'All') values[name] = null;
    else values[name] = text;
  }
  return values;
}
