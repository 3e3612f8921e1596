import { VEGA_LITE_MIME } from '../../core/notebooks/arrowCellOutput.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { parseRendererMessage, type RendererMessage } from '../../webview/notebookOutput/protocol.js';
import { COMMANDS } from '../commandIds.js';
import type { NewNotebookCell } from '../host/notebookHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { JUPYTER_NOTEBOOK_TYPE, SPARK_CONTROLLER_ID, type SparkNotebookController } from './notebookController.js';

export const NOTEBOOK_RENDERER_ID = 'spark-workbench.arrow-results';

const NEW_NOTEBOOK: readonly NewNotebookCell[] = [
  {
    kind: 'markdown',
    languageId: 'markdown',
    text: '# Spark notebook\n\nSQL cells and Python cells (`spark`) share one Spark session: pick the **Spark Connect** kernel.',
  },
  { kind: 'code', languageId: 'sql', text: 'SELECT current_catalog() AS catalog, current_database() AS database, version() AS spark' },
  { kind: 'code', languageId: 'python', text: 'df = spark.range(10).selectExpr("id", "id * id AS square")\ndf' },
];

export interface NotebookCommandDependencies {
  readonly controller: SparkNotebookController;
  readonly connections: Pick<ConnectionManager, 'profile' | 'connect'>;
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
    this.disposables.add(host.registerCommand(COMMANDS.notebook.new, () => host.openNewNotebook(JUPYTER_NOTEBOOK_TYPE, NEW_NOTEBOOK)));
    this.disposables.add(host.registerCommand(COMMANDS.notebook.restart, () => this.restart()));
    this.disposables.add(
      host.onDidReceiveRendererMessage(NOTEBOOK_RENDERER_ID, (value) => {
        const message = parseRendererMessage(value);
        if (!message) {
          deps.log.error('A notebook output sent a message that is not understood; it was ignored.');
          return;
        }
        this.receive(message).catch((error: unknown) => {
          host.showErrorMessage(`Spark Workbench: ${error instanceof Error ? error.message : String(error)}`).catch(() => undefined);
        });
      }),
    );
  }

  private async restart(): Promise<void> {
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

  private async receive(message: RendererMessage): Promise<void> {
    switch (message.type) {
      case 'openResult':
        await this.deps.openResult(message.sql);
        return;
      case 'saveFile': {
        const bytes = message.encoding === 'base64' ? Buffer.from(message.content, 'base64') : Buffer.from(message.content, 'utf8');
        await this.host.saveWithDialog(message.suggestedName, bytes, message.filters);
        return;
      }
      case 'saveChart': {
        const added = await this.host.addOutputToCellOf(SPARK_CONTROLLER_ID, message.outputId, {
          kind: 'rich',
          items: {
            [VEGA_LITE_MIME]: message.spec,
            ...(message.png ? { 'image/png': message.png } : {}),
            'text/plain': '<Vega-Lite chart>',
          },
        });
        if (!added) await this.host.showWarningMessage('The chart could not be saved: its cell is not in an open notebook with the Spark Connect kernel.');
      }
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
