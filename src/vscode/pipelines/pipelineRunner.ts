import type { Environment } from '../../core/environments/environments.js';
import { asSparkError } from '../../core/connect/sparkError.js';
import type { TablesRead } from '../../core/pipelines/pipelineGraph.js';
import { PipelineRunRecord, type PipelineRunMode } from '../../core/pipelines/pipelineRunRecord.js';
import type { OperationTracker, TrackedOperation } from '../../core/operations/operationTracker.js';
import type { PythonHelper } from '../../core/python/pythonHelper.js';
import { Emitter, type Disposable } from '../../core/util/events.js';
import { BUILT_IN_COMMANDS, COMMANDS } from '../commandIds.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { showFailureNotice } from '../runs/failureNotice.js';
import type { RunConnections } from '../runs/queryRunner.js';
import type { DefinitionDiagnostics } from './definitionDiagnostics.js';
import type { QualityResults } from '../quality/qualityView.js';
import { qualified } from '../../core/pipelines/pipelineGraph.js';
import type { PublishTarget } from '../../core/databases/publishing.js';
import type { PipelineEngine } from './pipelineEngine.js';
import type { SpecDiagnostics } from './specDiagnostics.js';
import type { PipelineProjects } from './pipelineProjects.js';

export interface PipelineRunnerServices {
  readonly connections: RunConnections;
  readonly operations: Pick<OperationTracker, 'follow' | 'setRows'>;
  readonly engine: () => Promise<PipelineEngine>;
  readonly projects: Pick<PipelineProjects, 'load'>;
  readonly specDiagnostics: Pick<SpecDiagnostics, 'showProject'>;
  readonly definitionDiagnostics: Pick<DefinitionDiagnostics, 'show'>;
  /** Where a run's data-quality results go (Problems, the Quality view). */
  readonly qualityResults: Pick<QualityResults, 'show'>;
  readonly tablesRead: TablesRead;
  /** The window's Python helper (started, and its packages installed, on first use). */
  readonly pythonHelper: () => Promise<PythonHelper>;
  readonly log: OutputLog;
  /** A run made or replaced tables: catalogs shown should be read again. */
  /** A run (not a dry run) ended: the datasets it updated, by their full names. */
  readonly onTablesChanged: (datasets: readonly string[]) => void;
  /** What a completed run publishes to database tables (spark-workbench.yml's `publish:`). */
  readonly publishTargets: () => Promise<readonly PublishTarget[]>;
}

const VERBS: Record<PipelineRunMode, string> = {
  run: 'Running',
  dry: 'Dry-running',
  fullRefreshAll: 'Refreshing all of',
  fullRefresh: 'Refreshing in full',
  refresh: 'Refreshing',
};

/**
 * Runs pipelines from the editor: one run at a time per pipeline, each with a cancellable progress
 * notification (datasets done, running ones), an entry in the Operations view, its events in the
 * Pipeline Run view, its errors in the Problems panel at their lines, and a notice of how it ended.
 */
export class PipelineRunner implements Disposable {
  private readonly running = new Map<string, { record: PipelineRunRecord; abort: AbortController }>();
  private readonly records = new Map<string, PipelineRunRecord>();
  private latestRecord: PipelineRunRecord | undefined;
  private readonly started = new Emitter<PipelineRunRecord>();
  /** A run began (its record then changes as events arrive). */
  readonly onDidRunStart = this.started.event;
  private readonly changed = new Emitter<PipelineRunRecord>();
  /** Anything about a run changed: an event, its graph, its end. */
  readonly onDidRunChange = this.changed.event;

  constructor(
    private readonly host: WorkbenchHost,
    private readonly services: PipelineRunnerServices,
  ) {}

  /** The last run of a pipeline (running or not). */
  lastRun(specPath: string): PipelineRunRecord | undefined {
    return this.records.get(specPath);
  }

  get latest(): PipelineRunRecord | undefined {
    return this.latestRecord;
  }

  isRunning(specPath: string): boolean {
    return this.running.has(specPath);
  }

  /** Stops a pipeline's run: Spark interrupts it (and the Python helper stops registering, if it was). */
  stop(specPath: string): boolean {
    const run = this.running.get(specPath);
    run?.abort.abort();
    return !!run;
  }

  /** Runs a pipeline; settles when the run has ended, with its record (undefined when it never began). */
  async start(
    specPath: string,
    mode: PipelineRunMode,
    selection: readonly string[] = [],
  ): Promise<PipelineRunRecord | undefined> {
    const { host, services } = this;
    if (!host.isTrusted()) {
      host.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.').catch(() => undefined);
      return undefined;
    }
    const current = this.running.get(specPath);
    if (current) {
      this.offerStop(current.record);
      return undefined;
    }
    // The spec is read and checked once; the run goes on with what this check found.
    const project = await services.projects.load(specPath);
    const runnable = project ? services.specDiagnostics.showProject(project) : false;
    if (!project?.check.spec || !runnable) {
      host
        .showErrorMessage(`The pipeline spec ${specPath} has problems; fix them to run it.`, 'Show Problems')
        .then((chosen) => (chosen ? host.executeCommand(BUILT_IN_COMMANDS.showProblems) : undefined))
        .catch(() => undefined);
      return undefined;
    }
    // A run goes to the connection's environment (spark-workbench.yml); a production one asks first.
    const environment = services.connections.profile?.environment;
    if (environment?.production && mode !== 'dry' && !(await this.confirmProduction(environment, project.check.spec.name, mode)))
      return undefined;
    // Read as it runs in that environment (PipelineProjects): its schema, storage and variables.
    const spec = project.check.spec;
    const record = new PipelineRunRecord(specPath, spec.name, mode, selection);
    const abort = new AbortController();
    this.running.set(specPath, { record, abort });
    this.records.get(specPath)?.dispose();
    this.records.set(specPath, record);
    this.latestRecord = record;
    const changes = record.onDidRunChange(() => this.changed.fire(record));
    this.started.fire(record);
    const what = `${VERBS[mode]} pipeline ${spec.name}`;
    services.log.info(`${what} (${specPath})${selection.length ? `: ${selection.join(', ')}` : ''}`);
    try {
      const client = await services.connections.client(services.connections.profile ?? undefined);
      const connectionName = services.connections.profile?.name ?? 'Spark';
      const engine = await services.engine();
      const publish = mode === 'dry' ? [] : await services.publishTargets();
      let tracked: TrackedOperation | undefined;
      const summary = await host.withProgress({ title: `Spark: ${what}`, cancellable: true }, async (progress, cancellation) => {
        const cancelled = cancellation.onCancellationRequested(() => abort.abort());
        const reports = record.onDidRunChange(() => progress.report(record.progressText()));
        try {
          return await engine.run(
            {
              client,
              tablesRead: services.tablesRead,
              pythonHelper: services.pythonHelper,
              follow: (execution) =>
                services.operations.follow(
                  execution,
                  `Pipeline ${spec.name}`,
                  connectionName,
                  (operation) => (tracked = operation),
                ),
            },
            {
              specPath,
              spec,
              files: project.check.files,
              dry: mode === 'dry',
              fullRefreshAll: mode === 'fullRefreshAll',
              fullRefresh: mode === 'fullRefresh' ? selection : undefined,
              refresh: mode === 'refresh' ? selection : undefined,
              signal: abort.signal,
              onEvent: (event) => {
                record.eventArrived(event);
                if (event.kind === 'other') services.log.info(`${spec.name}: ${event.message.split('\n')[0]}`);
              },
              onGraph: (graph) => record.graphRead(graph),
              publish,
            },
          );
        } finally {
          cancelled.dispose();
          reports.dispose();
        }
      });
      record.finished(summary);
      // The run's stream carries events, not rows: the Operations view shows the rows its datasets hold.
      if (tracked)
        services.operations.setRows(
          tracked,
          summary.datasets.reduce((sum, d) => sum + (d.rows ?? 0), 0),
        );
      services.definitionDiagnostics.show(specPath, project.folder, summary.errors);
      if (!summary.dry) services.qualityResults.show(specPath, project.folder, summary.quality, (name) => qualified(spec, name));
      services.log.info(
        `${spec.name}: ${summary.dry ? 'dry run' : 'run'} ${summary.outcome} in ${summary.durationMs} ms${summary.message ? `: ${summary.message}` : ''}`,
      );
      if (!summary.dry)
        services.onTablesChanged(summary.datasets.filter((d) => d.state === 'completed').map((d) => qualified(spec, d.name)));
      this.announce(
        record,
        summary.errors.length,
        summary.quality.flatMap((d) => d.results).filter((r) => r.status !== 'passed').length,
      );
    } catch (thrown) {
      const error = asSparkError(thrown);
      if (abort.signal.aborted || error.kind === 'cancelled') {
        record.failedToStart('The run was stopped.');
        record.outcome = 'cancelled';
      } else {
        record.failedToStart(error.message);
        services.connections.reportFailure(error);
        services.log.error(`${what}`, error);
        showFailureNotice(host, error, services.connections.profile).catch(() => undefined);
      }
    } finally {
      changes.dispose();
      this.running.delete(specPath);
      this.changed.fire(record);
    }
    return record;
  }

  /** A run that writes to a production environment goes only when the person says so. */
  private confirmProduction(environment: Environment, pipeline: string, mode: PipelineRunMode): Promise<boolean> {
    const action = mode === 'fullRefresh' || mode === 'fullRefreshAll' ? 'Full Refresh in Production' : 'Run in Production';
    const target = [environment.catalog, environment.schema].filter(Boolean).join('.');
    return this.host.confirm(
      `Run pipeline ${pipeline} on ${environment.name}, a production environment?`,
      `${mode === 'fullRefresh' || mode === 'fullRefreshAll' ? 'A full refresh resets its tables and recomputes them' : 'The run writes its tables'}${target ? ` in ${target}` : ''}.`,
      action,
    );
  }

  private offerStop(record: PipelineRunRecord): void {
    this.host
      .showInformationMessage(`Pipeline ${record.pipelineName} is running already.`, 'Stop It', 'Show Run')
      .then((chosen) => {
        if (chosen === 'Stop It') this.stop(record.specPath);
        if (chosen === 'Show Run') return this.host.executeCommand(BUILT_IN_COMMANDS.focusPipelineRun);
        return undefined;
      })
      .catch(() => undefined);
  }

  private announce(record: PipelineRunRecord, errors: number, qualityProblems: number): void {
    const { host } = this;
    const seconds = (((record.finishedAt ?? Date.now()) - record.startedAt) / 1000).toFixed(1);
    const datasets = record.datasets();
    const then = (chosen: string | undefined) => {
      if (chosen === 'Show Graph') return host.executeCommand(COMMANDS.pipelines.showGraph, record.specPath);
      if (chosen === 'Show Problems') return host.executeCommand(BUILT_IN_COMMANDS.showProblems);
      if (chosen === 'Show Run') return host.executeCommand(BUILT_IN_COMMANDS.focusPipelineRun);
      return undefined;
    };
    const name = record.pipelineName;
    if (record.outcome === 'completed') {
      const rows = datasets.reduce((sum, d) => sum + (d.rows ?? 0), 0);
      const retried = record.retriedFlows.length
        ? ` ${record.retriedFlows.map((r) => r.flow).join(', ')} failed and ${record.retriedFlows.length === 1 ? 'was' : 'were'} retried; rows may be missing (${record.retriedFlows[0]!.firstError}).`
        : '';
      const text = record.dry
        ? `Dry run of ${name}: ${datasets.length} datasets resolved, nothing run (${seconds} s).`
        : `Pipeline ${name} completed: ${datasets.filter((d) => d.state === 'completed').length} datasets, ${rows.toLocaleString('en-US')} rows, ${seconds} s.${qualityProblems ? ` ${qualityProblems} data-quality check${qualityProblems === 1 ? '' : 's'} did not pass.` : ''}${retried}`;
      const warn = qualityProblems > 0 || retried !== '';
      const actions = qualityProblems ? ['Show Problems', 'Show Graph'] : retried ? ['Show Run', 'Show Graph'] : ['Show Graph'];
      (warn ? host.showWarningMessage(text, ...actions) : host.showInformationMessage(text, ...actions))
        .then(then)
        .catch(() => undefined);
    } else if (record.outcome === 'cancelled') {
      host
        .showInformationMessage(`Pipeline ${name} was stopped.`, 'Show Run')
        .then(then)
        .catch(() => undefined);
    } else {
      const actions = errors ? ['Show Problems', 'Show Graph'] : ['Show Run', 'Show Graph'];
      host
        .showErrorMessage(`Pipeline ${name} failed${record.message ? `: ${record.message.split('\n')[0]}` : '.'}`, ...actions)
        .then(then)
        .catch(() => undefined);
    }
  }

  dispose(): void {
    for (const run of this.running.values()) run.abort.abort();
    for (const record of this.records.values()) record.dispose();
    this.started.dispose();
    this.changed.dispose();
  }
}
