import type { PythonHelper } from '../../core/python/pythonHelper.js';
import { ConnectionManager } from '../../core/session/connectionManager.js';
import type { ResultsPanels } from '../results/resultsPanels.js';
import type { SqlDiagnostics } from '../sql/sqlDiagnostics.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { NotebookCommands } from './notebookCommands.js';
import { NotebookConnections } from './notebookConnections.js';
import { SparkNotebookController } from './notebookController.js';

/**
 * Notebooks: the "Spark Connect" kernel on the window's session, Python cells in the same helper (or,
 * for a notebook switched to a connection of its own, its own session and helper), and its commands.
 */
export function registerNotebooks(
  ctx: WorkbenchContext,
  deps: {
    readonly windowPython: () => Promise<PythonHelper>;
    readonly createPython: () => Promise<PythonHelper>;
    readonly sqlDiagnostics: SqlDiagnostics;
    readonly results: Pick<ResultsPanels, 'show'>;
    /** Cells ran: they may have changed tables or the session's current schema. */
    readonly cellsRan: () => void;
  },
): void {
  const { host, log, connections, operations, settings, own } = ctx;
  const notebookConnections = own(
    new NotebookConnections({
      window: connections,
      windowPython: deps.windowPython,
      createConnection: () => new ConnectionManager(ctx.connectionOptions),
      createPython: deps.createPython,
      storedRows: () => settings.get('notebooks.storedRows'),
      operations,
    }),
  );
  const controller = own(
    new SparkNotebookController(host, {
      kernelDependencies: (notebook) => notebookConnections.kernelDependencies(notebook),
      ownConnection: (notebook) => notebookConnections.ownProfile(notebook)?.name,
      loadKernel: async () => (await import('../../core/notebooks/notebookKernel.js')).NotebookKernel,
      sqlDiagnostics: deps.sqlDiagnostics,
      log,
    }),
  );
  own(controller.onDidCellsRun(deps.cellsRan));
  own(
    new NotebookCommands(host, {
      controller,
      connections,
      notebookConnections,
      profiles: () => settings.connection.profiles().profiles,
      openResult: async (sql) => void (await deps.results.show({ sql, title: 'Notebook result' })),
      log,
    }),
  );
}
