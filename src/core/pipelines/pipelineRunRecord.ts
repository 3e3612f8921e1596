import { Emitter, type Disposable } from '../util/events.js';
import type { PipelineGraph } from './pipelineGraph.js';
import type { PipelineRunEvent } from './pipelineEvents.js';
import { datasetSummaries, trackFlowState, type DatasetSummary, type FlowStates } from './datasetStates.js';
import type { PipelineRunSummary } from './pipelineRun.js';

export type PipelineRunMode = 'run' | 'dry' | 'fullRefreshAll' | 'fullRefresh' | 'refresh';

export type PipelineRunOutcome = 'running' | PipelineRunSummary['outcome'];

/**
 * One run of a pipeline as the editor shows it while it happens and after: the graph once read, every
 * event, each dataset's state (with rows and times at the end), and how it ended.
 */
export class PipelineRunRecord implements Disposable {
  readonly startedAt = Date.now();
  finishedAt: number | undefined;
  outcome: PipelineRunOutcome = 'running';
  /** Why it failed, in Spark's words. */
  message: string | undefined;
  /** What the run does after its flows (counting rows, checking quality), once it says so. */
  private phase: string | undefined;
  /** Flows that failed and were retried within a run that then completed. */
  retriedFlows: readonly { readonly flow: string; readonly firstError: string }[] = [];
  graph: PipelineGraph | undefined;
  readonly events: PipelineRunEvent[] = [];
  /** How the run ended, once it did (a run that failed to start has none). */
  summary: PipelineRunSummary | undefined;
  private readonly flows: FlowStates = new Map();
  private final: readonly DatasetSummary[] | undefined;
  private readonly changed = new Emitter<void>();
  readonly onDidRunChange = this.changed.event;

  constructor(
    readonly specPath: string,
    readonly pipelineName: string,
    readonly mode: PipelineRunMode,
    /** The datasets a selective run names. */
    readonly selection: readonly string[] = [],
  ) {}

  get dry(): boolean {
    return this.mode === 'dry';
  }

  graphRead(graph: PipelineGraph): void {
    this.graph = graph;
    this.changed.fire();
  }

  eventArrived(event: PipelineRunEvent): void {
    this.events.push(event);
    if (event.kind === 'other' && event.phase) this.phase = event.phase;
    trackFlowState(this.flows, event);
    this.changed.fire();
  }

  finished(summary: PipelineRunSummary): void {
    this.summary = summary;
    this.graph = summary.graph;
    this.final = summary.datasets;
    this.outcome = summary.outcome;
    this.message = summary.message && summary.errorClass ? `[${summary.errorClass}] ${summary.message}` : summary.message;
    this.retriedFlows = summary.retriedFlows ?? [];
    this.finishedAt = Date.now();
    this.changed.fire();
  }

  /** The run failed before Spark ran it (no connection, the helper would not start). */
  failedToStart(message: string): void {
    this.outcome = 'failed';
    this.message = message;
    this.finishedAt = Date.now();
    this.changed.fire();
  }

  /** Each dataset with its state so far (rows once the run ended). */
  datasets(): readonly DatasetSummary[] {
    if (this.final) return this.final;
    return this.graph ? datasetSummaries(this.graph, this.flows) : [];
  }

  dataset(name: string): DatasetSummary | undefined {
    return this.datasets().find((d) => d.name === name);
  }

  /** "3 of 5 datasets done" while running. */
  progressText(): string {
    const datasets = this.datasets();
    if (!datasets.length) return this.graph ? '' : 'Reading the definitions…';
    const done = datasets.filter((d) => ['completed', 'failed', 'skipped', 'stopped', 'excluded'].includes(d.state)).length;
    const running = datasets.filter((d) => ['running', 'starting', 'planning'].includes(d.state)).map((d) => d.name);
    const now = running.length
      ? `; running ${running.join(', ')}`
      : done === datasets.length && this.phase
        ? `; ${this.phase}`
        : '';
    return `${done} of ${datasets.length} datasets done${now}`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
