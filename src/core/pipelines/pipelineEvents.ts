/** A flow's state as Spark's pipeline events name it. */
export type FlowState =
  'queued' | 'planning' | 'starting' | 'running' | 'completed' | 'failed' | 'skipped' | 'stopped' | 'excluded' | 'idle';

/** An event of a pipeline run, read from the only thing Spark Connect sends: a timestamp and a sentence. */
export type PipelineRunEvent =
  | {
      readonly kind: 'flow';
      readonly flow: string;
      readonly state: FlowState;
      readonly time: Date | undefined;
      readonly message: string;
      readonly detail?: string;
    }
  /** Spark could not resolve a flow: its own error (`upstream`: false), or one of what it reads failed. */
  | {
      readonly kind: 'unresolved';
      readonly flow: string;
      readonly upstream: boolean;
      readonly time: Date | undefined;
      readonly message: string;
      readonly detail: string;
    }
  | { readonly kind: 'run'; readonly state: string; readonly time: Date | undefined; readonly message: string }
  | {
      readonly kind: 'other';
      readonly time: Date | undefined;
      readonly message: string;
      /** What the run does now that its flows are done (counting rows, checking quality). */
      readonly phase?: string;
    };

const FLOW_STATES = new Set<string>([
  'queued',
  'planning',
  'starting',
  'running',
  'completed',
  'failed',
  'skipped',
  'stopped',
  'excluded',
  'idle',
]);

/**
 * "Flow spark_catalog.default.daily is RUNNING.", "Flow 'x' has FAILED.", "Failed to resolve flow:
 * 'x'.\nError: …", "Run is COMPLETED." (Spark 4.2's wording; anything else stays an 'other' event).
 */
export function parsePipelineEvent(message: string, time: Date | undefined): PipelineRunEvent {
  const unresolved = /^Failed to resolve flow( due to upstream failure)?: '([^']+)'\.?\s*(?:Error:\s*)?([\s\S]*)$/.exec(message);
  if (unresolved)
    return { kind: 'unresolved', flow: unresolved[2]!, upstream: !!unresolved[1], time, message, detail: unresolved[3]!.trim() };
  const flow = /^Flow '?([^'\s]+)'? (?:is|has) ([A-Z_]+)\.?\s*([\s\S]*)$/.exec(message);
  if (flow && FLOW_STATES.has(flow[2]!.toLowerCase())) {
    const detail = flow[3]!.trim();
    return {
      kind: 'flow',
      flow: flow[1]!,
      state: flow[2]!.toLowerCase() as FlowState,
      time,
      message,
      ...(detail ? { detail } : {}),
    };
  }
  const run = /^Run (?:is|has) ([A-Z_]+)\b/.exec(message);
  if (run) return { kind: 'run', state: run[1]!.toLowerCase(), time, message };
  return { kind: 'other', time, message };
}

function time(date: Date | undefined): string {
  return (date ?? new Date()).toISOString().slice(11, 23);
}

/** An event as one line of text: `HH:MM:SS.mmm  STATE     flow  detail` (UTC). */
export function describeEvent(event: PipelineRunEvent): string {
  switch (event.kind) {
    case 'flow':
      return `${time(event.time)}  ${event.state.toUpperCase().padEnd(9)} ${event.flow}${event.detail ? `  ${event.detail.split('\n')[0]}` : ''}`;
    case 'unresolved':
      return `${time(event.time)}  ${'FAILED'.padEnd(9)} ${event.flow}  ${event.upstream ? 'reads a dataset that failed' : event.detail.split('\n')[0]}`;
    case 'run':
      return `${time(event.time)}  RUN ${event.state.toUpperCase()}`;
    default:
      return `${time(event.time)}  ${event.message.split('\n')[0]}`;
  }
}
