import { VEGA_LITE_MIME } from '../../core/notebooks/arrowCellOutput.js';
import type { ConnectionManager, ConnectionProfile } from '../../core/session/connectionManager.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { cellSource } from '../../core/notebooks/cellSource.js';
import { splitSqlStatements } from '../../core/sql/statementSplitter.js';
import { parseRendererMessage, type RendererMessage } from '../../webview/notebookOutput/protocol.js';
import { COMMANDS } from '../commandIds.js';
import type { NewNotebookCell } from '../host/notebookHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import type { NotebookConnections } from './notebookConnections.js';
import { JUPYTER_NOTEBOOK_TYPE, type SparkNotebookController } from './notebookController.js';

export const NOTEBOOK_RENDERER_ID = 'spark-workbench.arrow-results';

const NEW_NOTEBOOK: readonly NewNotebookCell[] = [
  {
    kind: 'markdown',
    languageId: 'markdown',
    text: '# Spark notebook\n\nSQL cells and Python cells (`spark`) share one Spark session: pick the **Spark Connect** kernel.',
  },
  {
    kind: 'code',
    languageId: 'sql',
    text: 'SELECT current_catalog() AS catalog, current_database() AS database, version() AS spark',
  },
  { kind: 'code', languageId: 'python', text: 'df = spark.range(10).selectExpr("id", "id * id AS square")\ndf' },
];

export interface NotebookCommandDependencies {
  readonly controller: SparkNotebookController;
  /** The window's connection. */
  readonly connections: Pick<ConnectionManager, 'profile' | 'connect'>;
  readonly notebookConnections: Pick<NotebookConnections, 'use' | 'restart' | 'forget' | 'ownProfile'>;
  /** The configured connection profiles. */
  profiles(): readonly ConnectionProfile[];
  /** Opens a statement in the results viewer. */
  openResult(sql: string): Promise<void>;
  readonly log: OutputLog;
}

/** Spark: New Notebook, Restart (a new Spark session and Python process), and the renderer's requests. */
export class NotebookCommands implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    private readonly deps: NotebookCommandDependencies,
  ) {
    this.disposables.add(
      host.registerCommand(COMMANDS.notebook.new, () => host.openNewNotebook(JUPYTER_NOTEBOOK_TYPE, NEW_NOTEBOOK)),
    );
    this.disposables.add(host.registerCommand(COMMANDS.notebook.restart, () => this.restart()));
    this.disposables.add(host.registerCommand(COMMANDS.notebook.selectConnection, () => this.selectConnection()));
    this.disposables.add(host.onDidCloseNotebook((uri) => deps.notebookConnections.forget(uri)));
    this.disposables.add(
      host.onDidReceiveRendererMessage(NOTEBOOK_RENDERER_ID, (value) => {
        const message = parseRendererMessage(value);
        if (!message) {
          deps.log.error('A notebook output sent a message that is not understood; it was ignored.');
          return;
        }
        this.receive(message).catch((error: unknown) => {
          host
            .showErrorMessage(`Spark Workbench: ${error instanceof Error ? error.message : String(error)}`)
            .catch(() => undefined);
        });
      }),
    );
  }

  private async restart(): Promise<void> {
    const notebook = this.host.activeNotebookUri();
    if (notebook && this.deps.notebookConnections.ownProfile(notebook)) {
      this.deps.controller.resetKernels([notebook]);
      await this.deps.notebookConnections.restart(notebook);
      this.deps.log.info(
        'The notebook was restarted: a new Spark session on its own connection and, on the next Python cell, a new Python process.',
      );
      return;
    }
    const profile = this.deps.connections.profile;
    const choice = await this.host.showWarningMessage(
      'Restart makes a new Spark session for this window and a new Python process: temp views, session settings and the Python variables of every open notebook are lost.',
      'Restart',
    );
    if (choice !== 'Restart') return;
    this.deps.controller.resetKernels();
    if (profile) await this.deps.connections.connect(profile);
    this.deps.log.info('Notebooks restarted: a new Spark session and, on the next Python cell, a new Python process.');
  }

  /** Runs the active notebook on a connection of its own, or back on the window's. */
  private async selectConnection(): Promise<void> {
    const notebook = this.host.activeNotebookUri();
    if (!notebook) {
      await this.host.showInformationMessage('Open a notebook first: this chooses the Spark connection of the active notebook.');
      return;
    }
    const current = this.deps.notebookConnections.ownProfile(notebook);
    const windowName = this.deps.connections.profile?.name;
    const picked = await this.host.showQuickPick(
      [
        {
          label: 'The editor’s connection',
          description: `${windowName ?? 'as the status bar shows'}${current ? '' : ' (current)'}`,
          profile: undefined,
        },
        ...this.deps.profiles().map((profile) => ({
          label: profile.name,
          description: `its own Spark session${current?.name === profile.name ? ' (current)' : ''}`,
          profile,
        })),
      ],
      { title: 'Notebook Connection', placeHolder: 'Where this notebook’s cells run (its Python variables start over)' },
    );
    if (!picked) return;
    this.deps.controller.resetKernels([notebook]);
    this.deps.notebookConnections.use(notebook, picked.profile);
    this.deps.log.info(
      `The notebook ${notebook} runs on ${picked.profile ? `${picked.profile.name}, in a Spark session of its own` : 'the editor’s connection'}.`,
    );
  }

  private async receive(message: RendererMessage): Promise<void> {
    switch (message.type) {
      case 'openResult': {
        // The output's statement runs only as its cell reads now: a shared notebook's output may hold
        // any SQL, so one its cell does not show is shown to the person first.
        const cell = this.host.cellOfOutput(message.outputId);
        const statements = cell ? cellStatements(cell.languageId, cell.text) : [];
        if (statements.includes(message.sql.trim())) {
          await this.deps.openResult(message.sql);
          return;
        }
        const run = await this.host.confirm(
          cell
            ? "This output's statement is not in its cell any more. Run it in Spark?"
            : 'This output does not come from a cell of an open notebook. Run its statement in Spark?',
          message.sql,
          'Run Statement',
        );
        if (run) await this.deps.openResult(message.sql);
        return;
      }
      case 'saveFile': {
        const bytes =
          message.encoding === 'base64' ? Buffer.from(message.content, 'base64') : Buffer.from(message.content, 'utf8');
        await this.host.saveWithDialog(message.suggestedName, bytes, message.filters);
        return;
      }
      case 'saveChart': {
        const added = await this.host.addOutputToCellOf(message.outputId, {
          kind: 'rich',
          items: {
            [VEGA_LITE_MIME]: message.spec,
            ...(message.png ? { 'image/png': message.png } : {}),
            'text/plain': '<Vega-Lite chart>',
          },
        });
        if (!added)
          await this.host.showWarningMessage('The chart could not be saved: its cell is no longer in an open notebook.');
      }
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** The SQL statements a cell runs as it reads now (none for a Python cell). */
function cellStatements(languageId: string, text: string): string[] {
  const source = cellSource(languageId, text);
  return source.kind === 'sql' ? splitSqlStatements(source.script).map((statement) => statement.text.trim()) : [];
}
