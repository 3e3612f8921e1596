/** A dataset of a pipeline as commands receive it (from the Pipelines view, the graph, a lens). */
export interface DatasetRef {
  readonly specPath: string;
  readonly name: string;
  readonly kind?: string;
  /** Its definition, relative to the spec's folder. */
  readonly file?: string;
  readonly line?: number;
}

/** A DatasetRef from an untyped command argument (a tree node, a webview's context), or undefined. */
export function asDatasetRef(value: unknown): DatasetRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ref = (v.dataset ?? v) as Record<string, unknown>;
  if (typeof ref.specPath !== 'string' || typeof ref.name !== 'string') return undefined;
  return {
    specPath: ref.specPath,
    name: ref.name,
    kind: typeof ref.kind === 'string' ? ref.kind : undefined,
    file: typeof ref.file === 'string' ? ref.file : undefined,
    line: typeof ref.line === 'number' ? ref.line : undefined,
  };
}

/** Tables have data to preview; views of a pipeline live only while it runs. */
export function isTableKind(kind: string | undefined): boolean {
  return kind === 'materializedView' || kind === 'streamingTable';
}

export { KIND_LABELS } from '../../core/pipelines/datasetKinds.js';
