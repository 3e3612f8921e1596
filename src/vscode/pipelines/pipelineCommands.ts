import { join } from 'node:path';
import { qualified, sameName } from '../../core/pipelines/pipelineGraph.js';
import type { TablesRead } from '../../core/pipelines/pipelineGraph.js';
import type { PipelineRunMode } from '../../core/pipelines/pipelineRunRecord.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { ResultsOpener } from '../catalog/catalogCommands.js';
import { BUILT_IN_COMMANDS, COMMANDS } from '../commandIds.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import { asDatasetRef, isTableKind, KIND_LABELS, type DatasetRef } from './datasetRef.js';
import { readDefinitionsGraph } from './definitionsGraph.js';
import type { PipelineEngine } from './pipelineEngine.js';
import type { PipelineGraphPanels } from './pipelineGraphPanels.js';
import { isSpecFile, type PipelineProject, type PipelineProjects } from './pipelineProjects.js';
import type { PipelineRunner } from './pipelineRunner.js';
import { SETTING_DEFAULTS } from '../settings/workbenchSettings.js';

export interface PipelineCommandServices {
  readonly projects: Pick<PipelineProjects, 'list' | 'load' | 'projectOf'>;
  readonly runner: Pick<PipelineRunner, 'start' | 'stop' | 'lastRun' | 'isRunning'>;
  readonly graphs: Pick<PipelineGraphPanels, 'show'>;
  readonly results: ResultsOpener;
  readonly engine: () => Promise<PipelineEngine>;
  readonly tablesRead: TablesRead;
  readonly refreshView: () => void;
  /** Writes the retail example into a folder of the workspace; resolves to its spec's path. */
  readonly createExample: () => Promise<string | undefined>;
}

/**
 * The pipeline commands. Each takes its pipeline from its argument (a spec path from a CodeLens, a
 * node of the Pipelines view, a dataset of the graph), else from the active editor (a spec, or a file
 * one of the specs lists), else asks which.
 */
export class PipelineCommands implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    private readonly services: PipelineCommandServices,
  ) {
    const register = (id: string, run: (...args: never[]) => unknown) => this.disposables.add(host.registerCommand(id, run));
    const { runner } = services;
    const withSpec = (run: (specPath: string, argument: unknown) => unknown) => async (argument?: unknown) => {
      const specPath = await this.specOf(argument);
      if (specPath) await run(specPath, argument);
    };
    register(
      COMMANDS.pipelines.run,
      withSpec((spec) => runner.start(spec, 'run')),
    );
    register(
      COMMANDS.pipelines.dryRun,
      withSpec((spec) => runner.start(spec, 'dry')),
    );
    register(
      COMMANDS.pipelines.fullRefresh,
      withSpec((spec) => this.chooseAndRun(spec, 'fullRefresh')),
    );
    register(
      COMMANDS.pipelines.refreshSelected,
      withSpec((spec) => this.chooseAndRun(spec, 'refresh')),
    );
    register(
      COMMANDS.pipelines.stop,
      withSpec((spec) => {
        if (!runner.stop(spec)) this.host.showInformationMessage('That pipeline is not running.').catch(() => undefined);
      }),
    );
    register(
      COMMANDS.pipelines.showGraph,
      withSpec((spec) => services.graphs.show(spec)),
    );
    register(COMMANDS.pipelines.showRun, () => host.executeCommand(BUILT_IN_COMMANDS.focusPipelineRun));
    register(COMMANDS.pipelines.openDefinition, (argument: unknown) =>
      this.withDataset(argument, (ref) => this.openDefinition(ref)),
    );
    register(COMMANDS.pipelines.previewDataset, (argument: unknown) => this.withDataset(argument, (ref) => this.preview(ref)));
    register(COMMANDS.pipelines.fullRefreshDataset, (argument: unknown) =>
      this.withDataset(argument, (ref) => runner.start(ref.specPath, 'fullRefresh', [ref.name])),
    );
    register(COMMANDS.pipelines.refreshView, () => services.refreshView());
    register(COMMANDS.pipelines.createExample, async () => {
      const specPath = await services.createExample();
      if (specPath) await host.showFileAt(specPath, 1, 1);
    });
  }

  /** The pipeline a command means (see the class comment); undefined after telling the user why not. */
  private async specOf(argument: unknown): Promise<string | undefined> {
    if (typeof argument === 'string' && isSpecFile(argument)) return argument;
    const fromNode =
      (argument as { project?: PipelineProject } | undefined)?.project?.specPath ?? asDatasetRef(argument)?.specPath;
    if (fromNode) return fromNode;
    const active = this.host.activeEditor()?.document.fileName;
    if (active) {
      const project = await this.services.projects.projectOf(active);
      if (project) return project.specPath;
    }
    const projects = await this.services.projects.list();
    if (projects.length === 1) return projects[0]!.specPath;
    if (projects.length === 0) {
      const chosen = await this.host.showInformationMessage(
        'There is no spark-pipeline.yml in this workspace.',
        'Create the Retail Example',
      );
      if (chosen) await this.host.executeCommand(COMMANDS.pipelines.createExample);
      return undefined;
    }
    const picked = await this.host.showQuickPick(
      projects.map((p) => ({ label: p.name, description: p.specPath, specPath: p.specPath })),
      { title: 'Which pipeline?' },
    );
    return picked?.specPath;
  }

  private async withDataset(argument: unknown, run: (ref: DatasetRef) => unknown): Promise<void> {
    const ref = asDatasetRef(argument);
    if (ref) await run(ref);
  }

  /** Full Refresh or Refresh Selected: the datasets to run, ticked in a list (all of them: Full Refresh All). */
  private async chooseAndRun(specPath: string, mode: Extract<PipelineRunMode, 'fullRefresh' | 'refresh'>): Promise<void> {
    const datasets = await this.datasetsOf(specPath);
    const tables = datasets.filter((d) => isTableKind(d.kind));
    if (!tables.length) {
      await this.host.showInformationMessage('This pipeline defines no tables yet to refresh (a dry run lists its Python ones).');
      return;
    }
    const picked = await this.host.showQuickPickMany(
      tables.map((d) => ({ label: d.name, description: KIND_LABELS[d.kind ?? ''] ?? d.kind, picked: mode === 'fullRefresh' })),
      {
        title:
          mode === 'fullRefresh'
            ? 'Full refresh: recompute which datasets from scratch?'
            : 'Refresh which datasets (the others do not run)?',
        placeHolder:
          mode === 'fullRefresh'
            ? 'All ticked: every dataset, streaming tables reading all their input again'
            : 'Tick the datasets to run',
      },
    );
    if (!picked?.length) return;
    const names = picked.map((p) => p.label);
    if (mode === 'fullRefresh' && names.length === tables.length) await this.services.runner.start(specPath, 'fullRefreshAll');
    else await this.services.runner.start(specPath, mode, names);
  }

  private async datasetsOf(specPath: string): Promise<DatasetRef[]> {
    const graph = this.services.runner.lastRun(specPath)?.graph ?? (await this.staticGraph(specPath));
    return (graph?.datasets ?? []).map((d) => ({
      specPath,
      name: d.name,
      kind: d.kind,
      file: d.location.file,
      line: d.location.line,
    }));
  }

  private async staticGraph(specPath: string) {
    const project = await this.services.projects.load(specPath);
    return project && (await readDefinitionsGraph(project, await this.services.engine(), this.services.tablesRead)).graph;
  }

  private async openDefinition(ref: DatasetRef): Promise<void> {
    let { file, line } = ref;
    if (!file) {
      const found = (await this.datasetsOf(ref.specPath)).find((d) => sameName(d.name, ref.name));
      ({ file, line } = found ?? {});
    }
    const project = await this.services.projects.load(ref.specPath);
    if (!file || !project) {
      await this.host.showInformationMessage(`Where ${ref.name} is defined is not known yet: run or dry-run the pipeline first.`);
      return;
    }
    await this.host.showFileAt(join(project.folder, ...file.split('/')), line ?? 1, 1);
  }

  private async preview(ref: DatasetRef): Promise<void> {
    const kind = ref.kind ?? (await this.datasetsOf(ref.specPath)).find((d) => sameName(d.name, ref.name))?.kind;
    if (kind && !isTableKind(kind)) {
      await this.host.showInformationMessage(
        `${ref.name} is a ${KIND_LABELS[kind] ?? kind}: it exists only while its pipeline runs. Preview a table that reads it.`,
      );
      return;
    }
    const project = await this.services.projects.load(ref.specPath);
    const name = qualified(project?.check.spec ?? {}, ref.name);
    const rows = this.host.settings('sparkWorkbench').get<number>('results.previewRows', SETTING_DEFAULTS['results.previewRows']);
    await this.services.results.show({ sql: `SELECT * FROM ${name} LIMIT ${rows}`, title: `Preview ${ref.name}` });
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
