import type { DatasetSummary } from '../../core/pipelines/datasetStates.js';
import type { PipelineDataset, PipelineGraph, TablesRead } from '../../core/pipelines/pipelineGraph.js';
import type { PipelineRunRecord } from '../../core/pipelines/pipelineRunRecord.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { TreeItemDescription, TreeSource } from '../host/workbenchHost.js';
import { isTableKind, KIND_LABELS, type DatasetRef } from './datasetRef.js';
import { readDefinitionsGraph } from './definitionsGraph.js';
import type { PipelineEngine } from './pipelineEngine.js';
import type { PipelineProject, PipelineProjects } from './pipelineProjects.js';
import type { PipelineRunner } from './pipelineRunner.js';

export type PipelineNode =
  | { readonly kind: 'project'; readonly project: PipelineProject }
  | {
      readonly kind: 'dataset';
      readonly ref: DatasetRef;
      readonly summary?: DatasetSummary;
      readonly featureTable?: PipelineDataset['featureTable'];
    }
  | { readonly kind: 'note'; readonly text: string; readonly tooltip?: string };

const STATE_ICONS: Record<string, string> = {
  queued: 'clock',
  planning: 'loading~spin',
  starting: 'loading~spin',
  running: 'sync~spin',
  completed: 'pass',
  resolved: 'check',
  failed: 'error',
  stopped: 'circle-slash',
  skipped: 'debug-step-over',
  excluded: 'circle-outline',
};

const KIND_ICONS: Record<string, string> = {
  materializedView: 'table',
  streamingTable: 'pulse',
  temporaryView: 'eye',
  view: 'eye',
  sink: 'export',
};

/**
 * The Pipelines view: the workspace's pipeline projects, each with its datasets (from the last run's
 * graph, else from its SQL files), their states during a run and their rows after it.
 */
export class PipelinesView implements TreeSource<PipelineNode>, Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly projects: Pick<PipelineProjects, 'list' | 'onDidProjectsChange'>,
    private readonly runner: Pick<PipelineRunner, 'lastRun' | 'isRunning' | 'onDidRunChange'>,
    private readonly engine: () => Promise<PipelineEngine>,
    private readonly tablesRead: TablesRead,
  ) {
    let pending: ReturnType<typeof setTimeout> | undefined;
    // Events arrive in bursts: one repaint per 200 ms is plenty.
    const repaint = () => (pending ??= setTimeout(() => ((pending = undefined), this.changed.fire()), 200));
    this.disposables.add(projects.onDidProjectsChange(repaint));
    this.disposables.add(runner.onDidRunChange(repaint));
    this.disposables.add({ dispose: () => clearTimeout(pending) });
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(node?: PipelineNode): Promise<PipelineNode[]> {
    if (!node) return (await this.projects.list()).map((project) => ({ kind: 'project', project }));
    if (node.kind !== 'project') return [];
    const { project } = node;
    const run = this.runner.lastRun(project.specPath);
    if (run?.graph) return datasetsOf(project.specPath, run.graph, run);
    if (!project.check.spec)
      return [
        {
          kind: 'note',
          text: 'The spec has problems',
          tooltip: 'Open the spec: its problems are underlined, most with a quick fix.',
        },
      ];
    const { graph, pythonFiles: python } = await readDefinitionsGraph(project, await this.engine(), this.tablesRead);
    const nodes: PipelineNode[] = datasetsOf(project.specPath, graph);
    if (python.length)
      nodes.push({
        kind: 'note',
        text: `${python.length} Python file${python.length > 1 ? 's' : ''}: datasets listed after a run`,
        tooltip: python.join('\n'),
      });
    if (!nodes.length) nodes.push({ kind: 'note', text: 'No definitions yet' });
    return nodes;
  }

  treeItem(node: PipelineNode): TreeItemDescription {
    if (node.kind === 'note') return { label: node.text, tooltip: node.tooltip, icon: 'info' };
    if (node.kind === 'project') {
      const { project } = node;
      const run = this.runner.lastRun(project.specPath);
      const running = this.runner.isRunning(project.specPath);
      return {
        id: `pipeline:${project.specPath}`,
        label: project.name,
        description: running ? run?.progressText() || 'starting…' : describeOutcome(run),
        tooltip: project.specPath,
        icon: running
          ? 'sync~spin'
          : run?.outcome === 'completed'
            ? 'pass'
            : run?.outcome === 'failed'
              ? 'error'
              : 'type-hierarchy',
        contextValue: running ? 'pipeline.running' : 'pipeline',
        expandable: true,
        expanded: true,
      };
    }
    const { ref, summary, featureTable } = node;
    const state = summary && summary.state !== 'not run' ? summary.state : undefined;
    const keys = featureTable ? `feature table: ${featureTable.keys.join(', ')} @ ${featureTable.timestamp}` : undefined;
    const parts = [
      keys ?? KIND_LABELS[ref.kind ?? ''] ?? ref.kind,
      state,
      summary?.rows !== undefined ? `${summary.rows.toLocaleString('en-US')} rows` : undefined,
    ];
    return {
      id: `dataset:${ref.specPath}:${ref.name}`,
      label: ref.name,
      description: parts.filter(Boolean).join(' · '),
      tooltip: [keys, ref.file ? `${ref.file}:${ref.line ?? 1}` : undefined].filter(Boolean).join('\n') || undefined,
      icon: (state && STATE_ICONS[state]) ?? KIND_ICONS[ref.kind ?? ''] ?? 'table',
      contextValue: isTableKind(ref.kind) ? 'pipelineDataset.table' : 'pipelineDataset',
      command: ref.file ? { id: COMMANDS.pipelines.openDefinition, args: [ref], title: 'Open Definition' } : undefined,
    };
  }

  dispose(): void {
    this.disposables.dispose();
    this.changed.dispose();
  }
}

function datasetsOf(specPath: string, graph: PipelineGraph, run?: PipelineRunRecord): PipelineNode[] {
  return graph.datasets.map((dataset: PipelineDataset) => ({
    kind: 'dataset',
    ref: { specPath, name: dataset.name, kind: dataset.kind, file: dataset.location.file, line: dataset.location.line },
    summary: run?.dataset(dataset.name),
    ...(dataset.featureTable ? { featureTable: dataset.featureTable } : {}),
  }));
}

function describeOutcome(run: PipelineRunRecord | undefined): string | undefined {
  if (!run) return undefined;
  const at = new Date(run.finishedAt ?? run.startedAt).toLocaleTimeString('en-GB');
  const what = run.dry ? 'dry run' : 'run';
  return `${what} ${run.outcome} at ${at}`;
}
