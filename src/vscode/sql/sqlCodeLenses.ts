import { definitionPreview } from '../../core/pipelines/definitionPreview.js';
import { codeStart } from '../../core/sql/statementAtCursor.js';
import { splitSqlStatements } from '../../core/sql/statementSplitter.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { COMMANDS } from '../commandIds.js';
import type { CodeLensSource, DocumentSnapshot, LensItem } from '../host/editorHost.js';

/**
 * "Run | Explain" above each statement of a SQL file (at its first line of code), and "Run All" above
 * the first. Above a pipeline definition (materialized view, streaming table, flow), "Preview": its
 * query alone; a file of definitions has no Run All (its pipeline runs them). Notebook cells have none:
 * their kernel runs them.
 */
export class SqlCodeLenses implements CodeLensSource {
  lenses(document: DocumentSnapshot): LensItem[] {
    if (document.uri.startsWith('vscode-notebook-cell:')) return [];
    const statements = splitSqlStatements(document.text);
    const definitions = statements.map((s) => definitionPreview(document.text, s) !== undefined);
    return statements.flatMap((statement, index) => {
      const at = codeStart(statement);
      const range = rangeOf(document.text, at, at);
      const target = { uri: document.uri, start: statement.start };
      const lenses: LensItem[] = [
        definitions[index]
          ? {
              range,
              title: '$(play) Preview',
              tooltip:
                "Run this definition's query alone, with its pipeline's settings and schema: a preview, nothing is created (Ctrl/Cmd+Enter)",
              command: COMMANDS.sql.runStatement,
              args: [target],
            }
          : {
              range,
              title: '$(play) Run',
              tooltip: 'Run this statement (Ctrl/Cmd+Enter)',
              command: COMMANDS.sql.runStatement,
              args: [target],
            },
        { range, title: 'Explain', tooltip: "Show Spark's formatted plan", command: COMMANDS.sql.explain, args: [target] },
      ];
      if (index === 0 && statements.length > 1 && !definitions.some(Boolean))
        lenses.push({
          range,
          title: `Run All (${statements.length})`,
          tooltip: 'Run every statement of the file in order, stopping at the first failure',
          command: COMMANDS.sql.runFile,
          args: [document.uri],
        });
      return lenses;
    });
  }
}
