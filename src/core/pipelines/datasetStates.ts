import { sameDataset, type PipelineGraph } from './pipelineGraph.js';
import type { FlowState, PipelineRunEvent } from './pipelineEvents.js';

/** 'resolved': a dry run found its definition sound. */
export type DatasetOutcome = FlowState | 'not run' | 'resolved';

export interface DatasetSummary {
  readonly name: string;
  readonly kind: string;
  readonly state: DatasetOutcome;
  /** Rows after the run (materialized views and streaming tables). */
  readonly rows?: number;
  readonly durationMs?: number;
  /** Why a dataset was skipped, when its definition said. */
  readonly reason?: string;
}

/** What the events said of each flow so far, by the name Spark reports. */
export type FlowStates = Map<string, { state: FlowState; startedAt?: number; endedAt?: number }>;

/** Folds one event into the flows' states. */
export function trackFlowState(states: FlowStates, event: PipelineRunEvent): void {
  if (event.kind === 'unresolved') states.set(event.flow, { state: 'failed' });
  if (event.kind !== 'flow') return;
  const at = event.time?.getTime();
  const previous = states.get(event.flow);
  // A run's second graph (applying models) excludes what the first ran: that keeps its state.
  if (event.state === 'excluded' && previous) return;
  const entry = { ...previous, state: event.state };
  if (event.state === 'running' && at !== undefined) entry.startedAt = at;
  if (['completed', 'failed', 'stopped', 'skipped'].includes(event.state) && at !== undefined) entry.endedAt = at;
  states.set(event.flow, entry);
}

/** Each dataset's state from its flows' (the worst of them), and the time they ran. */
export function datasetSummaries(graph: PipelineGraph, states: FlowStates): DatasetSummary[] {
  return graph.datasets.map((dataset) => {
    const reported = [...states.entries()].filter(
      ([flow]) =>
        sameDataset(flow, dataset.name) || graph.flows.some((f) => f.target === dataset.name && sameDataset(flow, f.name)),
    );
    const state: DatasetOutcome = reported.length === 0 ? 'not run' : worst(reported.map(([, s]) => s.state));
    const durations = reported
      .map(([, s]) => (s.startedAt !== undefined && s.endedAt !== undefined ? s.endedAt - s.startedAt : undefined))
      .filter((d): d is number => d !== undefined);
    return {
      name: dataset.name,
      kind: dataset.kind,
      state,
      ...(durations.length ? { durationMs: durations.reduce((a, b) => a + b, 0) } : {}),
    };
  });
}

const SEVERITY: FlowState[] = [
  'failed',
  'stopped',
  'running',
  'starting',
  'planning',
  'queued',
  'skipped',
  'excluded',
  'idle',
  'completed',
];

function worst(states: readonly FlowState[]): FlowState {
  return [...states].sort((a, b) => SEVERITY.indexOf(a) - SEVERITY.indexOf(b))[0]!;
}

/** Flows that failed in a run and then completed (Spark retried them), each with its first error. */
export function retriedFlowsOf(
  failures: ReadonlyMap<string, string>,
  states: FlowStates,
): { readonly flow: string; readonly firstError: string }[] {
  return [...failures]
    .filter(([flow]) => states.get(flow)?.state === 'completed')
    .map(([flow, text]) => ({ flow, firstError: text.split('\n')[0]! }));
}
