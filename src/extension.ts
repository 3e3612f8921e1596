// Composition root: builds one context and registers each feature on it; every resource goes to the
// extension's lifetime. Nothing here touches Spark: connecting is lazy, on the first command that needs it.
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { LocalSparkServer } from './core/localSpark/localSparkServer.js';
import { defaultRuntimeHome, serversDir } from './core/localSpark/runtimeHome.js';
import { SparkRuntimeInstaller } from './core/localSpark/sparkRuntime.js';
import { OperationTracker } from './core/operations/operationTracker.js';
import { ConnectionManager, type ConnectionManagerOptions } from './core/session/connectionManager.js';
import type { Disposable } from './core/util/events.js';
import { registerCatalog } from './vscode/catalog/registerCatalog.js';
import { removeLegacyRuntime } from './vscode/connections/legacyRuntime.js';
import { registerConnections } from './vscode/connections/registerConnections.js';
import { DatabasePasswordStore } from './vscode/databases/databasePasswords.js';
import { registerDashboards } from './vscode/dashboards/registerDashboards.js';
import { registerDatabases } from './vscode/databases/registerDatabases.js';
import { workspaceSessionSetup } from './vscode/connections/workspaceSession.js';
import { WorkspaceDatabases } from './vscode/databases/workspaceDatabases.js';
import { SecretTokenStore } from './vscode/connections/secretTokenStore.js';
import { vscodeHost } from './vscode/host/vscodeHost.js';
import { registerNotebooks } from './vscode/notebooks/registerNotebooks.js';
import { OutputLog } from './vscode/outputLog.js';
import { registerPipelineProjects, registerPipelines } from './vscode/pipelines/registerPipelines.js';
import { registerPythonHelper } from './vscode/python/registerPythonHelper.js';
import { registerQuality } from './vscode/quality/registerQuality.js';
import { registerResults } from './vscode/results/registerResults.js';
import { FeatureFailures, reportingCommandFailures } from './vscode/runs/featureFailures.js';
import { WorkbenchSettings } from './vscode/settings/workbenchSettings.js';
import { registerSql } from './vscode/sql/registerSql.js';
import type { WorkbenchContext } from './vscode/workbenchContext.js';
import type { SparkWorkbenchApi } from './api/sparkWorkbenchApi.js';
import { workbenchApi } from './vscode/api/workbenchApi.js';

let stopLocalOnExit: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): SparkWorkbenchApi {
  const started = performance.now();
  const tokens = new SecretTokenStore(context.secrets);
  const ctx = workbenchContext(context, tokens);
  registerDatabases(ctx, ctx.databases, ctx.databasePasswords);
  const { results, runner } = registerResults(ctx);
  const catalog = registerCatalog(ctx, results);
  const python = registerPythonHelper(ctx);
  const { engine, projects } = registerPipelineProjects(ctx);
  const { sqlDiagnostics, tablesRead } = registerSql(ctx, { results, runner, catalog, projects });
  const { qualityResults } = registerQuality(ctx, { engine, projects, results });
  const dashboards = registerDashboards(ctx, { tablesRead, qualityRuns: (source) => qualityResults.runsOf(source) });
  const pipelines = registerPipelines(ctx, {
    engine,
    projects,
    results,
    qualityResults,
    tablesRead,
    pythonHelper: python.startPythonHelper,
    tablesChanged: (datasets) => {
      catalog.catalogChanged();
      dashboards.datasetsUpdated(datasets);
    },
  });
  registerNotebooks(ctx, {
    windowPython: python.startPythonHelper,
    createPython: python.createPythonHelper,
    sqlDiagnostics,
    results,
    cellsRan: catalog.catalogChanged,
  });
  ({ stopLocalOnExit } = registerConnections(ctx, tokens));
  const activateMs = performance.now() - started;
  return ctx.own(workbenchApi(ctx, { runner: pipelines.runner, qualityResults }, () => activateMs));
}

export async function deactivate(): Promise<void> {
  await stopLocalOnExit?.();
}

/** The log, the settings, the runtime home shared with the CLI, the window's connection and operations. */
function workbenchContext(context: vscode.ExtensionContext, tokens: SecretTokenStore): WorkbenchContext {
  const own = <T extends Disposable>(resource: T): T => {
    context.subscriptions.push(resource);
    return resource;
  };
  const log = own(new OutputLog(vscodeHost.createLogChannel('Spark Workbench')));
  const failures = new FeatureFailures(vscodeHost, log);
  const host = reportingCommandFailures(vscodeHost, failures);
  const databases = new WorkspaceDatabases(host);
  const settings = new WorkbenchSettings(
    host,
    () => databases.environments(),
    () => databases.loadEnvironments(),
  );
  const runtimeDir = defaultRuntimeHome();
  const localServer = new LocalSparkServer(serversDir(runtimeDir), (line) => log.info(line));
  const owner = `an editor window (pid ${process.pid})`;
  removeLegacyRuntime(join(context.globalStorageUri.fsPath, 'spark'), runtimeDir, (line) => log.info(line));
  const local = settings.connection;
  const databasePasswords = new DatabasePasswordStore(context.secrets);
  const connectionOptions: ConnectionManagerOptions = {
    tokens,
    clientVersion: String(context.extension.packageJSON.version),
    log: (line) => log.info(line),
    defaultProfile: () => local.loadDefaultProfile(),
    localSpark: {
      server: localServer,
      ensureRuntime: (report) =>
        new SparkRuntimeInstaller(runtimeDir, (line) => (log.info(line), report(line))).ensureInstalled(
          local.localRuntime().pythonPath,
        ),
      startOptions: async () => ({
        javaHome: local.localRuntime().javaHome,
        driverMemory: local.localDriverMemory(),
        owner,
        ...(await databases.drivers()),
      }),
    },
    retryTimeoutMs: () => local.retryTimeoutMs(),
    sessionSetup: workspaceSessionSetup({ host, log, failures }, databases, databasePasswords, runtimeDir),
  };
  return {
    host,
    log,
    failures,
    settings,
    extensionPath: context.extensionPath,
    extensionVersion: String(context.extension.packageJSON.version),
    workspaceState: {
      get: (key) => context.workspaceState.get(key),
      update: (key, value) => Promise.resolve(context.workspaceState.update(key, value)),
    },
    runtimeDir,
    localServer,
    owner,
    connections: own(new ConnectionManager(connectionOptions)),
    connectionOptions,
    operations: own(new OperationTracker()),
    databases,
    databasePasswords,
    own,
  };
}
