import { asSparkError } from '../../core/connect/sparkError.js';
import { definitionPreview } from '../../core/pipelines/definitionPreview.js';
import { changesCatalog, returnsRows } from '../../core/sql/resultStatements.js';
import { parameterNames, type SqlParameterValue } from '../../core/sql/sqlParameters.js';
import { codeStart, statementAt } from '../../core/sql/statementAtCursor.js';
import { splitSqlStatements, type SqlStatement } from '../../core/sql/statementSplitter.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { DocumentSnapshot } from '../host/editorHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import type { PanelQuery } from '../results/resultsPanel.js';
import type { RunSummary } from '../runs/queryRunner.js';
import type { ParameterPrompts } from './parameterPrompts.js';
import type { PlanDocuments } from './planDocuments.js';
import type { SqlDiagnostics } from './sqlDiagnostics.js';

/** How statements from the editor run. */
export interface SqlStatementRunner {
  /** In a results panel (the panel showing the same SQL is reused). */
  inPanel(query: PanelQuery): Promise<RunSummary>;
  /** With progress and an Operations entry but no panel: Run File's statements that return no rows. */
  quietly(
    sql: string,
    title: string,
    options: { readonly args?: Readonly<Record<string, SqlParameterValue>>; readonly sparkErrorsShownByCaller: boolean },
  ): Promise<RunSummary>;
  /** Spark's formatted plan of a query. */
  explain(sql: string, args: Readonly<Record<string, SqlParameterValue>> | undefined): Promise<string>;
}

/** Where a lens or a caller points: a statement of an open document, by the offset of its start. */
export interface StatementTarget {
  readonly uri: string;
  readonly start: number;
}

type Mode = 'statement' | 'selection' | 'file';

/**
 * Running SQL from an editor: the statement under the cursor (Ctrl/Cmd+Enter), the selection (its
 * statements, split as Spark splits them), or the whole file, in order in the window's one Spark
 * session, stopping at the first failure. Statements that return rows show in results tabs, the last
 * one in front. A failed statement's error goes to the Problems panel at the range Spark reports;
 * connection failures stay notifications. Explain opens Spark's formatted plan, read-only.
 */
/** What Spark: New SQL File starts with. */
const NEW_SQL_FILE = `-- Spark SQL. Ctrl+Enter (Cmd+Enter on macOS) runs the statement under the cursor; Ctrl+Shift+Enter the file.
SELECT current_catalog(), current_database(), version();
`;

export class SqlRunCommands implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    private readonly runner: SqlStatementRunner,
    private readonly diagnostics: SqlDiagnostics,
    private readonly parameters: ParameterPrompts,
    private readonly plans: PlanDocuments,
    private readonly log: OutputLog,
    /** A statement that may have changed the catalog ran: completion forgets what it knew. */
    private readonly catalogChanged: () => void = () => {},
    /** Before a pipeline definition's query runs alone: its pipeline's settings and schema on the session. */
    private readonly prepareDefinitions: (document: DocumentSnapshot) => Promise<void> = async () => {},
  ) {
    const register = (id: string, run: (...args: never[]) => unknown) => this.disposables.add(host.registerCommand(id, run));
    register(COMMANDS.sql.runStatement, (target?: StatementTarget) => this.runStatement(target));
    register(COMMANDS.sql.runSelection, () => this.runSelection());
    register(COMMANDS.sql.runFile, (uri?: string) => this.runFile(uri));
    register(COMMANDS.sql.explain, (target?: StatementTarget) => this.explain(target));
    register(COMMANDS.sql.newFile, () => this.newFile());
  }

  /** Spark: New SQL File: a SQL editor whose statements run on the window's Spark connection. */
  async newFile(): Promise<void> {
    await this.host.openUntitled('sql', NEW_SQL_FILE);
  }

  /** The statement at `target`, else the one under the active editor's cursor. */
  async runStatement(target?: StatementTarget): Promise<void> {
    // Ctrl+Enter in an untitled plain-text editor: offer to make it SQL rather than do nothing.
    const editor = this.host.activeEditor();
    if (!target && editor && editor.document.languageId !== 'sql') {
      const chosen = await this.host.showInformationMessage(
        'This editor is plain text. Make it SQL to run its statements on Spark? (Spark SQL files use the language id "sql", which VS Code shows as MS SQL.)',
        'Make It SQL',
      );
      if (chosen !== 'Make It SQL') return;
      await this.host.setDocumentLanguage(editor.document.uri, 'sql');
      const now = this.host.activeEditor();
      if (now?.document.languageId !== 'sql') return;
    }
    const found = this.locate(target);
    if (found) await this.run(found.document, [found.statement], 'statement');
  }

  /** The statements of the selection (the statement under the cursor when nothing is selected). */
  async runSelection(): Promise<void> {
    const editor = this.host.activeEditor();
    if (!editor) return;
    const selection = editor.selections[0];
    if (!selection) return this.runStatement();
    const text = editor.document.text.slice(selection.start, selection.end);
    // The selection's statements, placed where they are in the file, so errors land on the right line.
    const statements = splitSqlStatements(text).map((s) => ({
      ...s,
      start: s.start + selection.start,
      end: s.end + selection.start,
    }));
    if (statements.length) await this.run(editor.document, statements, 'selection');
  }

  async runFile(uri?: string): Promise<void> {
    const document = uri ? this.host.document(uri) : this.host.activeEditor()?.document;
    if (!document) return;
    const statements = splitSqlStatements(document.text);
    if (statements.length) await this.run(document, statements, 'file');
  }

  async explain(target?: StatementTarget): Promise<void> {
    const found = this.locate(target);
    if (!found || !this.host.isTrusted()) return;
    const { document } = found;
    const preview = definitionPreview(document.text, found.statement);
    if (preview) await this.prepareDefinitions(document);
    const statement = preview ?? found.statement;
    const args = await this.parameters.ask(document.uri, parameterNames(statement.text));
    if (!args) return;
    try {
      const plan = await this.runner.explain(statement.text, args);
      this.diagnostics.succeeded(document, statement);
      await this.plans.show(titleOf(document, statement), plan);
    } catch (thrown) {
      const error = asSparkError(thrown);
      this.log.error(`Explain ${titleOf(document, statement)}`, error);
      if (error.kind === 'spark') this.diagnostics.failed(document, statement, error);
      else
        this.host.showErrorMessage(error.message, 'Show Logs').then(
          (choice) => choice && this.host.executeCommand(COMMANDS.logs.show),
          () => undefined,
        );
    }
  }

  private locate(target: StatementTarget | undefined): { document: DocumentSnapshot; statement: SqlStatement } | undefined {
    const editor = target ? undefined : this.host.activeEditor();
    const document = target ? this.host.document(target.uri) : editor?.document;
    if (!document) return undefined;
    const statements = splitSqlStatements(document.text);
    const statement = target
      ? (statements.find((s) => s.start === target.start) ?? statementAt(document.text, statements, target.start))
      : statementAt(document.text, statements, editor!.cursor);
    return statement && { document, statement };
  }

  private async run(document: DocumentSnapshot, given: readonly SqlStatement[], mode: Mode): Promise<void> {
    let statements = given;
    if (!this.host.isTrusted()) {
      this.host.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.').catch(() => undefined);
      return;
    }
    // A pipeline definition cannot run outside its pipeline: its query runs alone, as a preview.
    const previews = statements.map((s) => definitionPreview(document.text, s));
    if (previews.some(Boolean)) {
      statements = statements.map((s, i) => previews[i] ?? s);
      await this.prepareDefinitions(document);
    }
    // Every parameter of the run is asked for once, before anything runs.
    const values = await this.parameters.ask(document.uri, [...new Set(statements.flatMap((s) => parameterNames(s.text)))]);
    if (!values) return;
    for (const [index, statement] of statements.entries()) {
      const many = statements.length > 1;
      const title = many
        ? `${titleOf(document, statement)} (${index + 1} of ${statements.length})`
        : titleOf(document, statement);
      const names = parameterNames(statement.text);
      const args = names.length ? Object.fromEntries(names.map((name) => [name, values[name]!])) : undefined;
      const last = index === statements.length - 1;
      const summary =
        mode === 'statement' || returnsRows(statement) || last
          ? await this.runner.inPanel({ sql: statement.text, title, args, sparkErrorsShownByCaller: true })
          : await this.runner.quietly(statement.text, title, { args, sparkErrorsShownByCaller: true });
      if (summary.status === 'succeeded') {
        this.diagnostics.succeeded(document, statement);
        if (changesCatalog(statement)) this.catalogChanged();
        continue;
      }
      if (summary.status === 'failed' && summary.error?.kind === 'spark') {
        this.diagnostics.failed(document, statement, summary.error);
        if (many) {
          const line = lineOf(document.text, codeStart(statement));
          this.host
            .showErrorMessage(
              `Statement ${index + 1} of ${statements.length} (line ${line}) failed${last ? '' : '; the statements after it did not run'}. The error is in the Problems panel.`,
            )
            .catch(() => undefined);
        }
      }
      return; // stop at the first failure or cancel
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** A run is named after the file and its statement's first line of code, cut to 60 characters. */
function titleOf(document: DocumentSnapshot, statement: SqlStatement): string {
  const code = statement.text.slice(codeStart(statement) - statement.start);
  const firstLine = code.split('\n')[0]!.trim().slice(0, 60);
  const file = document.fileName.split(/[\\/]/).pop() ?? '';
  return file && !document.uri.startsWith('untitled:') ? `${file}: ${firstLine}` : firstLine;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
