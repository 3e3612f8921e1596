// The one message protocol between the pipeline graph webview and the extension host.
import type { PipelineLayout } from '../../core/pipelines/pipelineLayout.js';

/** A node's state in the latest run, and what it made. */
export interface NodeRunState {
  readonly state: string;
  readonly rows?: number;
  readonly durationMs?: number;
}

/** Host → webview: the whole picture, sent again whenever something changed. */
export interface GraphMessage {
  readonly type: 'graph';
  readonly pipelineName: string;
  readonly specPath: string;
  /** The graph left to right and top to bottom: the page draws the one that fits its shape better. */
  readonly layouts: { readonly wide: PipelineLayout; readonly tall: PipelineLayout };
  readonly states: Readonly<Record<string, NodeRunState>>;
  /** Datasets whose data-quality checks did not all pass in the last results: how many, and whether one is an error. */
  readonly quality: Readonly<Record<string, { readonly failed: number; readonly error: boolean }>>;
  /** "run completed in 12.3 s", "running: 2 of 5 datasets done", "not run yet". */
  readonly status: string;
  readonly running: boolean;
}

export type HostMessage = GraphMessage;

/** Webview → host. */
export type GraphWebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'openDefinition'; readonly node: string }
  | { readonly type: 'preview'; readonly node: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A message from the page, checked field by field (the page runs code; nothing it posts is trusted). */
export function parseGraphWebviewMessage(value: unknown): GraphWebviewMessage | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'ready') return { type: 'ready' };
  if (
    (value.type === 'openDefinition' || value.type === 'preview') &&
    typeof value.node === 'string' &&
    value.node.length <= 1000
  )
    return { type: value.type, node: value.node };
  return undefined;
}
