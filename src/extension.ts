// Composition root: builds the object graph once, hands every resource to the extension's lifetime.
// Nothing here touches Spark: connecting is lazy, on the first command that needs it.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LocalSparkServer } from './core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from './core/localSpark/sparkRuntime.js';
import { OperationTracker } from './core/operations/operationTracker.js';
import { ConnectionManager } from './core/session/connectionManager.js';
import { WorkbenchCommands } from './vscode/catalogCommands.js';
import { ConnectionCommands } from './vscode/connections/connectionCommands.js';
import { ConnectionSettings } from './vscode/connections/connectionSettings.js';
import { ConnectionStatusBar } from './vscode/connections/connectionStatusBar.js';
import { SecretTokenStore } from './vscode/connections/secretTokenStore.js';
import { OutputLog } from './vscode/outputLog.js';
import { QueryRunner } from './vscode/runs/queryRunner.js';
import { CatalogView } from './vscode/views/catalogView.js';
import { ConnectionView } from './vscode/views/connectionView.js';
import { OperationsView } from './vscode/views/operationsView.js';

let stopLocalOnExit: (() => Promise<unknown>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const own = <T extends vscode.Disposable>(resource: T): T => {
    context.subscriptions.push(resource);
    return resource;
  };
  const log = own(new OutputLog());
  const runtimeDir = process.env.SPARK_WORKBENCH_HOME ?? join(context.globalStorageUri.fsPath, 'spark');
  const localServer = new LocalSparkServer(join(runtimeDir, 'servers'), (line) => log.info(line));
  const settings = new ConnectionSettings();
  const tokens = new SecretTokenStore(context.secrets);
  const connections = own(
    new ConnectionManager({
      tokens,
      clientVersion: String(context.extension.packageJSON.version),
      log: (line) => log.info(line),
      localSpark: {
        server: localServer,
        ensureRuntime: (report) =>
          new SparkRuntimeInstaller(runtimeDir, (line) => (log.info(line), report(line))).ensureInstalled(),
      },
    }),
  );
  const operations = own(new OperationTracker());
  const runner = new QueryRunner(connections, operations, log);
  const catalogView = own(new CatalogView(connections));

  own(new ConnectionStatusBar(connections));
  own(new ConnectionCommands(connections, settings, tokens, log));
  own(
    new WorkbenchCommands(
      catalogView,
      runner,
      (id) => operations.cancel(id),
      () => operations.clearFinished(),
    ),
  );
  own(
    vscode.window.registerTreeDataProvider(
      'sparkWorkbench.connection',
      own(new ConnectionView(connections, localServer, () => settings.localPort())),
    ),
  );
  own(vscode.window.createTreeView('sparkWorkbench.catalog', { treeDataProvider: catalogView, showCollapseAll: true }));
  own(vscode.window.registerTreeDataProvider('sparkWorkbench.operations', own(new OperationsView(operations))));

  // A local server this window started is stopped with the window, unless the user keeps it.
  stopLocalOnExit = async () => {
    const state = connections.state;
    if (state.profile?.kind !== 'local') return;
    if (!vscode.workspace.getConfiguration('sparkWorkbench').get<boolean>('localSpark.stopOnExit', true)) return;
    await localServer.stop(state.profile.port);
  };
}

export async function deactivate(): Promise<void> {
  await stopLocalOnExit?.();
}
