// Composition root: builds the object graph once, hands every resource to the extension's lifetime.
// Nothing here touches Spark: connecting is lazy, on the first command that needs it.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SparkCatalog } from './core/connect/sparkCatalog.js';
import { LocalSparkServer } from './core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from './core/localSpark/sparkRuntime.js';
import { defaultRuntimeHome, serversDir } from './core/localSpark/runtimeHome.js';
import { removeLegacyRuntime } from './vscode/connections/legacyRuntime.js';
import { OperationTracker } from './core/operations/operationTracker.js';
import { ConnectionManager, type ConnectionManagerOptions } from './core/session/connectionManager.js';
import type { Disposable } from './core/util/events.js';
import { WorkbenchCommands } from './vscode/catalog/catalogCommands.js';
import { ConnectionCommands } from './vscode/connections/connectionCommands.js';
import { ConnectionSettings } from './vscode/connections/connectionSettings.js';
import { ConnectionStatusBar } from './vscode/connections/connectionStatusBar.js';
import { SecretTokenStore } from './vscode/connections/secretTokenStore.js';
import { vscodeHost } from './vscode/host/vscodeHost.js';
import { FeatureFailures, reportingCommandFailures } from './vscode/runs/featureFailures.js';
import { OutputLog } from './vscode/outputLog.js';
import { ResultExporter } from './vscode/results/resultExporter.js';
import { ResultsPanels } from './vscode/results/resultsPanels.js';
import { ChartDataService } from './vscode/results/chartDataService.js';
import { CancelStallNotices } from './vscode/runs/cancelStallNotice.js';
import { QueryRunner } from './vscode/runs/queryRunner.js';
import { ParameterPrompts } from './vscode/sql/parameterPrompts.js';
import { PlanDocuments } from './vscode/sql/planDocuments.js';
import { SqlCodeLenses } from './vscode/sql/sqlCodeLenses.js';
import { SqlDiagnostics } from './vscode/sql/sqlDiagnostics.js';
import { SqlRunCommands } from './vscode/sql/sqlRunCommands.js';
import { SqlLanguageFeatures } from './vscode/sql/sqlLanguageFeatures.js';
import { CatalogCache } from './core/sql/completion/catalogCache.js';
import { SqlContextWorker } from './core/sql/completion/contextWorkerClient.js';
import { LiveCatalogNames } from './core/sql/completion/liveCatalogNames.js';
import { CatalogView } from './vscode/views/catalogView.js';
import { PythonHelper } from './core/python/pythonHelper.js';
import { COMMANDS } from './vscode/commandIds.js';
import { DefinitionDiagnostics } from './vscode/pipelines/definitionDiagnostics.js';
import { announceNewSessions } from './vscode/connections/sessionNotices.js';
import { SuggestionFixes } from './vscode/problems/suggestionFixes.js';
import { registerFailingRowsCommand } from './vscode/quality/failingRowsCommand.js';
import { QualityDiagnostics } from './vscode/quality/qualityDiagnostics.js';
import { DeclarationDiagnostics } from './vscode/quality/declarationDiagnostics.js';
import { QualityCommands } from './vscode/quality/qualityCommands.js';
import { QualityResults } from './vscode/quality/qualityView.js';
import { PipelineCodeLenses } from './vscode/pipelines/pipelineCodeLenses.js';
import { PipelineCommands } from './vscode/pipelines/pipelineCommands.js';
import { loadPipelineEngine, type PipelineEngine } from './vscode/pipelines/pipelineEngine.js';
import { PipelineGraphPanels } from './vscode/pipelines/pipelineGraphPanels.js';
import { PipelineProjects } from './vscode/pipelines/pipelineProjects.js';
import { PipelineRunner } from './vscode/pipelines/pipelineRunner.js';
import { PipelineRunView } from './vscode/pipelines/pipelineRunView.js';
import { PipelinesView } from './vscode/pipelines/pipelinesView.js';
import { createRetailExample } from './vscode/pipelines/retailExample.js';
import { usePipelineContext } from './vscode/pipelines/pipelineContext.js';
import { SpecAssist } from './vscode/pipelines/specAssist.js';
import { SpecDiagnostics } from './vscode/pipelines/specDiagnostics.js';
import { ConnectionView } from './vscode/views/connectionView.js';
import { SparkNotebookController } from './vscode/notebooks/notebookController.js';
import { NotebookCommands } from './vscode/notebooks/notebookCommands.js';
import { NotebookConnections } from './vscode/notebooks/notebookConnections.js';
import { OperationsView } from './vscode/views/operationsView.js';

let stopLocalOnExit: (() => Promise<unknown>) | undefined;

/** What activate() returns to other extensions and tests: how long it ran (the host's part excluded). */
export interface SparkWorkbenchApi {
  readonly activateMs: number;
}

export function activate(context: vscode.ExtensionContext): SparkWorkbenchApi {
  const started = performance.now();
  const own = <T extends Disposable>(resource: T): T => {
    context.subscriptions.push(resource);
    return resource;
  };
  const log = own(new OutputLog(vscodeHost.createLogChannel('Spark Workbench')));
  const failures = new FeatureFailures(vscodeHost, log);
  const host = reportingCommandFailures(vscodeHost, failures);
  // One runtime home per user, shared with the CLI: one pyspark venv, one registry of local servers.
  const runtimeDir = defaultRuntimeHome();
  const localServer = new LocalSparkServer(serversDir(runtimeDir), (line) => log.info(line));
  const owner = `an editor window (pid ${process.pid})`;
  removeLegacyRuntime(join(context.globalStorageUri.fsPath, 'spark'), runtimeDir, (line) => log.info(line));
  const settings = new ConnectionSettings(host);
  const tokens = new SecretTokenStore(context.secrets);
  const connectionOptions: ConnectionManagerOptions = {
    tokens,
    clientVersion: String(context.extension.packageJSON.version),
    log: (line) => log.info(line),
    defaultProfile: () => settings.defaultProfile(),
    localSpark: {
      server: localServer,
      ensureRuntime: (report) =>
        new SparkRuntimeInstaller(runtimeDir, (line) => (log.info(line), report(line))).ensureInstalled(
          settings.localRuntime().pythonPath,
        ),
      startOptions: () => ({ javaHome: settings.localRuntime().javaHome, driverMemory: settings.localDriverMemory(), owner }),
    },
    retryTimeoutMs: () => settings.retryTimeoutMs(),
  };
  const connections = own(new ConnectionManager(connectionOptions));
  const operations = own(new OperationTracker());
  own(new CancelStallNotices(host, operations, () => connections.profile, log));
  const runner = new QueryRunner(host, connections, operations, log);
  const catalogView = own(new CatalogView(connections, async () => new SparkCatalog(await connections.client())));
  const resultSettings = () => vscode.workspace.getConfiguration('sparkWorkbench.results');
  const exporter = new ResultExporter(runner, log, join(context.extensionPath, 'dist'));
  const charts = new ChartDataService(connections, operations, () =>
    resultSettings().get<number>('chartPushdownThreshold', 20_000),
  );
  const results = own(
    new ResultsPanels({
      runner,
      log,
      bundleRoot: vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'),
      rowLimit: () => resultSettings().get<number>('rowLimit', 10_000),
      chartPushdownThreshold: () => resultSettings().get<number>('chartPushdownThreshold', 20_000),
      exportResult: (sql, title, format, args) => exporter.export(sql, title, format, args),
      chartData: (request) => charts.chartData(request),
    }),
  );

  const sqlDiagnostics = own(new SqlDiagnostics(host));
  const catalogs = new WeakMap<object, CatalogCache>();
  const catalogCache = () => {
    const client = connections.connectedClient;
    if (!client) return undefined;
    let cache = catalogs.get(client);
    if (!cache) catalogs.set(client, (cache = new CatalogCache(new LiveCatalogNames(client))));
    return cache;
  };
  const grammar = own(new SqlContextWorker(join(context.extensionPath, 'dist', 'sqlContextWorker.js')));
  const sqlFeatures = new SqlLanguageFeatures(grammar, catalogCache);
  own(host.registerCompletions('sql', sqlFeatures, ['.', ' ']));
  own(host.registerHovers('sql', sqlFeatures));
  // The grammar takes a second to load: start it while the person looks at their SQL file.
  if (host.activeEditor()?.document.languageId === 'sql') grammar.warmUp();
  let pipelineEngine: Promise<PipelineEngine> | undefined;
  const engine = () => (pipelineEngine ??= loadPipelineEngine());
  const projects = own(new PipelineProjects(host, engine));
  own(
    new SqlRunCommands(
      host,
      {
        inPanel: (query) => results.show(query),
        quietly: (sql, title, options) => runner.stream(sql, title, options),
        explain: async (sql, args) => (await connections.client()).explain(sql, 'formatted', args),
      },
      sqlDiagnostics,
      new ParameterPrompts(host, {
        get: (key) => context.workspaceState.get(key),
        update: (key, value) => Promise.resolve(context.workspaceState.update(key, value)),
      }),
      own(new PlanDocuments(host)),
      log,
      () => {
        catalogCache()?.invalidate();
        connections.refreshNamespace().catch(() => undefined);
      },
      async (document) => {
        const spec = (await projects.projectOf(document.fileName))?.check.spec;
        if (spec) await usePipelineContext(await connections.client(), spec, log);
      },
    ),
  );
  own(host.registerCodeLenses('sql', new SqlCodeLenses()));

  // Pipelines: specs checked as typed, runs with their events, errors, views and graph.
  const tablesRead = (query: string) => grammar.tablesRead(query);
  let pythonHelper: PythonHelper | undefined;
  const createPythonHelper = async () => {
    const { pythonPath, helperPython } = settings.localRuntime();
    // The interpreter the user picked is used as it is; the managed one gets what the helper needs.
    const python =
      helperPython ??
      (await new SparkRuntimeInstaller(runtimeDir, (line) => log.info(line)).ensureHelperPackages(pythonPath)).pythonExecutable;
    return new PythonHelper({
      python,
      script: join(context.extensionPath, 'python', 'spark_workbench_helper.py'),
      log: (line) => log.info(line),
    });
  };
  // One helper per window, for the Spark session's lifetime: it joins that session, and ends with it.
  // Callers at the same moment (a pipeline's warm-up and its registration) share the one being made.
  let startingHelper: Promise<PythonHelper> | undefined;
  const startPythonHelper = async () => {
    if (pythonHelper) return pythonHelper;
    const starting = (startingHelper ??= createPythonHelper().then((helper) => {
      pythonHelper = helper;
      connections.sessionScope.add({
        dispose: () => {
          helper.dispose();
          if (pythonHelper === helper) pythonHelper = undefined;
        },
      });
      return helper;
    }));
    try {
      return await starting;
    } finally {
      if (startingHelper === starting) startingHelper = undefined;
    }
  };
  const specPattern = { pattern: '**/spark-pipeline.{yml,yaml}' };
  const specDiagnostics = own(new SpecDiagnostics(host, projects, failures.catcher('Checking the pipeline spec')));
  own(host.registerCodeActions(specPattern, specDiagnostics));
  const specAssist = new SpecAssist();
  own(host.registerCompletions(specPattern, specAssist, [' ', '/']));
  own(host.registerHovers(specPattern, specAssist));
  const qualityDiagnostics = own(new QualityDiagnostics(host));
  const suggestionFixes = new SuggestionFixes();
  for (const language of ['sql', 'yaml', 'python']) own(host.registerCodeActions(language, suggestionFixes));
  own(new DeclarationDiagnostics(host, engine, failures.catcher('Checking data-quality declarations')));
  const qualityResults = own(
    new QualityResults(qualityDiagnostics, {
      get: (key) => context.workspaceState.get(key),
      update: (key, value) => Promise.resolve(context.workspaceState.update(key, value)),
    }),
  );
  own(host.registerTree('sparkWorkbench.quality', qualityResults));
  own(
    new QualityCommands(host, {
      connections,
      engine,
      results: qualityResults,
      specOf: async (path) => (await projects.projectBeside(path))?.check.spec,
      log,
    }),
  );
  own(registerFailingRowsCommand(host, qualityDiagnostics, (query) => results.show(query)));
  const pipelineRunner = own(
    new PipelineRunner(host, {
      connections,
      operations,
      engine,
      projects,
      specDiagnostics,
      definitionDiagnostics: own(new DefinitionDiagnostics(host)),
      qualityResults,
      tablesRead,
      pythonHelper: startPythonHelper,
      log,
      onTablesChanged: () => {
        catalogCache()?.invalidate();
        connections.refreshNamespace().catch(() => undefined);
        catalogView.refresh();
      },
    }),
  );
  own(host.registerCodeLenses(specPattern, new PipelineCodeLenses(pipelineRunner)));
  const pipelinesView = own(new PipelinesView(projects, pipelineRunner, engine, tablesRead));
  own(host.registerTree('sparkWorkbench.pipelines', pipelinesView));
  own(host.registerTree('sparkWorkbench.pipelineRun', own(new PipelineRunView(pipelineRunner))));
  const graphs = own(
    new PipelineGraphPanels(host, {
      runner: pipelineRunner,
      projects,
      engine,
      tablesRead,
      assetRoot: join(context.extensionPath, 'dist', 'webview'),
      quality: qualityResults,
      actions: {
        openDefinition: (ref) =>
          Promise.resolve(host.executeCommand(COMMANDS.pipelines.openDefinition, ref)).then(() => undefined),
        preview: (ref) => Promise.resolve(host.executeCommand(COMMANDS.pipelines.previewDataset, ref)).then(() => undefined),
      },
      log,
    }),
  );
  own(
    new PipelineCommands(host, {
      projects,
      runner: pipelineRunner,
      graphs,
      results,
      engine,
      tablesRead,
      refreshView: () => pipelinesView.refresh(),
      // The view is told at once, not only by the file watcher (which can miss files written together).
      createExample: async () => {
        const spec = await createRetailExample(
          host,
          join(context.extensionPath, 'examples', 'retail'),
          async () => (await import('../examples/retail/generator.js')).writeRetailData,
        );
        projects.rescan();
        return spec;
      },
    }),
  );

  // Notebooks: the "Spark Connect" kernel on the editor's session, Python cells in the same helper
  // (or, for a notebook switched to a connection of its own, its own session and helper).
  const notebookConnections = own(
    new NotebookConnections({
      window: connections,
      windowPython: startPythonHelper,
      createConnection: () => new ConnectionManager(connectionOptions),
      createPython: createPythonHelper,
      storedRows: () => host.settings('sparkWorkbench').get<number>('notebooks.storedRows', 1000),
      operations,
    }),
  );
  const notebookController = own(
    new SparkNotebookController(host, {
      kernelDependencies: (notebook) => notebookConnections.kernelDependencies(notebook),
      ownConnection: (notebook) => notebookConnections.ownProfile(notebook)?.name,
      loadKernel: async () => (await import('./core/notebooks/notebookKernel.js')).NotebookKernel,
      sqlDiagnostics,
      log,
    }),
  );
  own(
    new NotebookCommands(host, {
      controller: notebookController,
      connections,
      notebookConnections,
      profiles: () => settings.profiles().profiles,
      openResult: async (sql) => void (await results.show({ sql, title: 'Notebook result' })),
      log,
    }),
  );

  own(
    notebookController.onDidCellsRun(() => {
      catalogCache()?.invalidate();
      connections.refreshNamespace().catch(() => undefined);
    }),
  );
  own(new ConnectionStatusBar(host, connections));
  own(announceNewSessions(host, connections));
  own(new ConnectionCommands(host, connections, settings, tokens, log));
  own(
    new WorkbenchCommands(
      host,
      catalogView,
      results,
      (id) => operations.cancel(id),
      () => operations.clearFinished(),
    ),
  );
  const connectionView = own(new ConnectionView(host, connections, localServer, () => settings.localPort()));
  own(host.registerTree('sparkWorkbench.connection', connectionView));
  own(host.registerTree('sparkWorkbench.catalog', catalogView, { showCollapseAll: true }));
  own(host.registerTree('sparkWorkbench.operations', own(new OperationsView(operations))));

  // A local server this window started is stopped with the window, unless the user keeps it; one the
  // CLI or another window started keeps running.
  stopLocalOnExit = async () => {
    const state = connections.state;
    if (state.profile?.kind !== 'local') return;
    if (!host.settings('sparkWorkbench').get<boolean>('localSpark.stopOnExit', true)) return;
    if (localServer.readState(state.profile.port)?.owner !== owner) return;
    await localServer.stop(state.profile.port);
  };
  return { activateMs: performance.now() - started };
}

export async function deactivate(): Promise<void> {
  await stopLocalOnExit?.();
}
