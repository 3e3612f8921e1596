import { parseParameterValue, type SqlParameterValue } from '../../core/sql/sqlParameters.js';
import type { KeyValueStore } from '../host/editorHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/**
 * Asks for the values of a run's `:name` parameters, once per run, each prefilled with the value last
 * given in the same file. The values are read as typed literals (see parseParameterValue) and bound by
 * Spark, never spliced into the SQL.
 */
export class ParameterPrompts {
  constructor(
    private readonly host: Pick<WorkbenchHost, 'showInputBox'>,
    private readonly memory: KeyValueStore,
  ) {}

  /** The values, or undefined when the person dismissed a prompt (the run does not happen). */
  async ask(fileUri: string, names: readonly string[]): Promise<Record<string, SqlParameterValue> | undefined> {
    if (names.length === 0) return {};
    const key = `sparkWorkbench.sqlParameters:${fileUri}`;
    const remembered = this.memory.get<Record<string, string>>(key) ?? {};
    const values: Record<string, SqlParameterValue> = {};
    const typed: Record<string, string> = { ...remembered };
    for (const name of names) {
      const answer = await this.host.showInputBox({
        title: `Value of :${name}`,
        prompt:
          "A number (42, 12.50), a date (2024-01-31), a timestamp, true/false, NULL, or text (quote it to keep spaces: 'it''s')",
        value: remembered[name],
        ignoreFocusOut: true,
        validateInput: (text) => {
          try {
            parseParameterValue(text);
            return undefined;
          } catch (error) {
            return error instanceof Error ? error.message : String(error);
          }
        },
      });
      if (answer === undefined) return undefined;
      values[name] = parseParameterValue(answer);
      typed[name] = answer;
    }
    await this.memory.update(key, typed);
    return values;
  }
}
