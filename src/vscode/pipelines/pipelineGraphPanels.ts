import { sameName, type PipelineGraph, type TablesRead } from '../../core/pipelines/pipelineGraph.js';
import type { QualityResults } from '../quality/qualityView.js';
import type { PipelineLayout } from '../../core/pipelines/pipelineLayout.js';
import type { PipelineRunRecord } from '../../core/pipelines/pipelineRunRecord.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { parseGraphWebviewMessage, type GraphMessage, type NodeRunState } from '../../webview/pipelineGraph/protocol.js';
import type { WebviewPanelHandle, WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { webviewPage } from '../webviews/webviewPage.js';
import type { DatasetRef } from './datasetRef.js';
import { readDefinitionsGraph } from './definitionsGraph.js';
import type { PipelineEngine } from './pipelineEngine.js';
import type { PipelineProjects } from './pipelineProjects.js';
import type { PipelineRunner } from './pipelineRunner.js';

export const PIPELINE_GRAPH_VIEW_TYPE = 'sparkWorkbench.pipelineGraph';

export interface GraphActions {
  openDefinition(ref: DatasetRef): Promise<void>;
  preview(ref: DatasetRef): Promise<void>;
}

interface OpenGraph {
  readonly panel: WebviewPanelHandle;
  readonly disposables: DisposableStore;
  ready: boolean;
  /** The graph last laid out, and its layout. */
  laidOut?: { graph: PipelineGraph; layouts: { wide: PipelineLayout; tall: PipelineLayout } };
  pending?: ReturnType<typeof setTimeout>;
}

/**
 * One graph panel per pipeline: its datasets and flows laid out left to right, redrawn as the run's
 * states change. Clicking a dataset opens its definition; right-click (or P) previews its rows.
 */
export class PipelineGraphPanels implements Disposable {
  private readonly open = new Map<string, OpenGraph>();
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: Pick<WorkbenchHost, 'createWebviewPanel'>,
    private readonly services: {
      readonly runner: Pick<PipelineRunner, 'lastRun' | 'isRunning' | 'onDidRunChange'>;
      readonly projects: Pick<PipelineProjects, 'load'>;
      readonly engine: () => Promise<PipelineEngine>;
      readonly tablesRead: TablesRead;
      readonly assetRoot: string;
      readonly actions: GraphActions;
      readonly log: OutputLog;
      readonly quality: Pick<QualityResults, 'failedChecks' | 'onDidQualityChange'>;
    },
  ) {
    this.disposables.add(
      services.quality.onDidQualityChange(({ source }) => {
        const shown = this.open.get(source);
        if (shown) this.scheduleUpdate(source, shown);
      }),
    );
    this.disposables.add(
      services.runner.onDidRunChange((record) => {
        const shown = this.open.get(record.specPath);
        if (shown) this.scheduleUpdate(record.specPath, shown);
      }),
    );
  }

  async show(specPath: string): Promise<void> {
    const existing = this.open.get(specPath);
    if (existing) {
      existing.panel.reveal();
      await this.update(specPath, existing);
      return;
    }
    const project = await this.services.projects.load(specPath);
    const title = `Pipeline: ${project?.name ?? specPath}`;
    const panel = this.host.createWebviewPanel({
      viewType: PIPELINE_GRAPH_VIEW_TYPE,
      title,
      icon: 'type-hierarchy',
      assetRoot: this.services.assetRoot,
      beside: true,
    });
    const shown: OpenGraph = { panel, disposables: new DisposableStore(), ready: false };
    this.open.set(specPath, shown);
    shown.disposables.add(
      panel.onDidReceiveMessage((raw) => {
        const message = parseGraphWebviewMessage(raw);
        if (!message) return;
        if (message.type === 'ready') {
          shown.ready = true;
          this.update(specPath, shown).catch((error: unknown) => this.services.log.error('Drawing the pipeline graph', error));
          return;
        }
        const ref = this.datasetRef(specPath, message.node);
        const action =
          message.type === 'openDefinition' ? this.services.actions.openDefinition(ref) : this.services.actions.preview(ref);
        action.catch((error: unknown) => this.services.log.error('Pipeline graph action', error));
      }),
    );
    shown.disposables.add(
      panel.onDidDispose(() => {
        clearTimeout(shown.pending);
        shown.disposables.dispose();
        this.open.delete(specPath);
      }),
    );
    panel.setHtml(webviewPage(panel, 'pipelineGraph', title));
  }

  private datasetRef(specPath: string, name: string): DatasetRef {
    const graph = this.open.get(specPath)?.laidOut?.graph;
    const dataset = graph?.datasets.find((d) => d.name === name);
    return { specPath, name, kind: dataset?.kind, file: dataset?.location.file, line: dataset?.location.line };
  }

  private scheduleUpdate(specPath: string, shown: OpenGraph): void {
    shown.pending ??= setTimeout(() => {
      shown.pending = undefined;
      this.update(specPath, shown).catch((error: unknown) => this.services.log.error('Drawing the pipeline graph', error));
    }, 120);
  }

  private async update(specPath: string, shown: OpenGraph): Promise<void> {
    if (!shown.ready) return;
    const { runner, engine: loadEngine, projects, tablesRead } = this.services;
    const engine = await loadEngine();
    const record = runner.lastRun(specPath);
    let graph = record?.graph;
    const project = await projects.load(specPath);
    if (!graph && project) graph = (await readDefinitionsGraph(project, engine, tablesRead)).graph;
    graph ??= { datasets: [], flows: [] };
    if (shown.laidOut?.graph !== graph) {
      const variables = project?.check.spec?.configuration ?? {};
      shown.laidOut = {
        graph,
        layouts: { wide: engine.layout(graph, 'wide', variables), tall: engine.layout(graph, 'tall', variables) },
      };
    }
    const message: GraphMessage = {
      type: 'graph',
      pipelineName: record?.pipelineName ?? project?.name ?? specPath,
      specPath,
      layouts: shown.laidOut.layouts,
      states: statesOf(record),
      quality: qualityMarks(shown.laidOut.graph, this.services.quality.failedChecks(specPath)),
      status: statusOf(record, runner.isRunning(specPath)),
      running: runner.isRunning(specPath),
    };
    await shown.panel.postMessage(message);
  }

  dispose(): void {
    for (const shown of [...this.open.values()]) shown.panel.dispose();
    this.disposables.dispose();
  }
}

/** The datasets of the graph with failed checks, by the name the graph draws them with. */
function qualityMarks(
  graph: PipelineGraph,
  failed: ReadonlyMap<string, { failed: number; error: boolean }>,
): GraphMessage['quality'] {
  const marks: Record<string, { failed: number; error: boolean }> = {};
  for (const [name, mark] of failed) {
    const dataset = graph.datasets.find((d) => sameName(d.name, name));
    if (dataset) marks[dataset.name] = mark;
  }
  return marks;
}

function statesOf(record: PipelineRunRecord | undefined): Record<string, NodeRunState> {
  const states: Record<string, NodeRunState> = {};
  for (const dataset of record?.datasets() ?? [])
    states[dataset.name] = { state: dataset.state, rows: dataset.rows, durationMs: dataset.durationMs };
  return states;
}

function statusOf(record: PipelineRunRecord | undefined, running: boolean): string {
  if (!record) return 'Not run yet in this window';
  if (running) return `${record.dry ? 'Dry run' : 'Running'}: ${record.progressText() || 'starting…'}`;
  const seconds = (((record.finishedAt ?? Date.now()) - record.startedAt) / 1000).toFixed(1);
  return `${record.dry ? 'Dry run' : 'Run'} ${record.outcome} in ${seconds} s${record.message && record.outcome !== 'completed' ? `: ${record.message.split('\n')[0]}` : ''}`;
}
