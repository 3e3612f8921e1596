// The one message protocol between the extension host and the results webview. Result data always
// travels as Arrow IPC bytes (one self-contained IPC stream per message), never as JSON rows.

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ExportFormat = 'csv' | 'json' | 'parquet' | 'arrow';

export interface SortSpec {
  readonly column: string;
  readonly descending: boolean;
}

export interface RunInfo {
  readonly runId: number;
  readonly title: string;
  readonly sql: string;
  /** Rows the grid loads before it offers "Load more". */
  readonly rowLimit: number;
  /** Complete results up to this many rows are charted from the loaded rows; larger ones aggregate in Spark. */
  readonly chartPushdownThreshold: number;
  readonly startedAt: number;
}

export interface RunStats {
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
  /** Stage and task counts from Spark's execution progress in words, when there are any. */
  readonly progress: string;
  /** Spark's stages and tasks of the run so far (the progress bar follows the tasks). */
  readonly stages?: { readonly done: number; readonly total: number };
  readonly tasks?: { readonly completed: number; readonly total: number; readonly running: number };
}

export type HostMessage =
  /** A new run: the grid empties and shows the query. */
  | { readonly type: 'runStarted'; readonly run: RunInfo }
  /** Load more reads on in the same execution: the run is running again, its rows kept. */
  | { readonly type: 'runResumed'; readonly runId: number; readonly rowLimit: number }
  /** An IPC stream with the schema and no rows: headers show before the first row arrives. */
  | { readonly type: 'schema'; readonly runId: number; readonly ipc: Uint8Array }
  | { readonly type: 'batch'; readonly runId: number; readonly ipc: Uint8Array }
  | { readonly type: 'stats'; readonly runId: number; readonly stats: RunStats }
  | {
      readonly type: 'runFinished';
      readonly runId: number;
      readonly status: Exclude<RunStatus, 'running'>;
      readonly stats: RunStats;
      /** More rows exist than were loaded (the row limit cut the result). */
      readonly truncated: boolean;
      readonly message?: string;
    }
  /** After a window reload the panel shows its query again, without running it. */
  | { readonly type: 'restored'; readonly title: string; readonly sql: string }
  | { readonly type: 'chartData'; readonly requestId: number; readonly result: ChartDataResult }
  | { readonly type: 'notice'; readonly text: string };

export type ChartDataResult =
  | {
      readonly kind: 'aggregated';
      /** The rewritten spec that plots the aggregated rows. */
      readonly spec: object;
      readonly ipc: Uint8Array;
      readonly sourceRows: number;
      readonly sql: string;
    }
  /** The chart is drawn from the rows the grid holds (small results, or specs that cannot be pushed down). */
  | { readonly kind: 'local'; readonly reason: string }
  | { readonly kind: 'error'; readonly message: string };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'loadMore' }
  | { readonly type: 'runAgain' }
  | { readonly type: 'cancel' }
  | {
      readonly type: 'rerunInSpark';
      readonly columns: readonly string[];
      readonly sort: SortSpec | undefined;
      readonly filter: string;
    }
  | { readonly type: 'export'; readonly format: ExportFormat }
  | { readonly type: 'copy'; readonly text: string; readonly what: string }
  | {
      readonly type: 'chartRequest';
      readonly requestId: number;
      readonly spec: object;
      readonly loadedRows: number;
      /** The webview's IANA time zone: Vega draws local time units in it. */
      readonly timeZone: string;
    }
  | {
      readonly type: 'saveFile';
      readonly suggestedName: string;
      readonly content: string | Uint8Array;
      readonly filters: Record<string, string[]>;
    };

/** What the webview keeps with `setState`, so a reloaded window can show the panel's query again. */
export interface PersistedResultsState {
  readonly title: string;
  readonly sql: string;
  readonly columnWidths?: Record<string, number>;
  readonly tab?: 'grid' | 'chart';
}

const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'parquet', 'arrow'];
const isString = (value: unknown): value is string => typeof value === 'string';
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A message from the webview as the host may act on it, or undefined: the webview runs page code, so
 * what it posts is checked field by field at the boundary, never cast.
 */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isObject(value) || !isString(value.type)) return undefined;
  const m = value;
  switch (m.type) {
    case 'ready':
    case 'loadMore':
    case 'runAgain':
    case 'cancel':
      return { type: m.type };
    case 'rerunInSpark': {
      if (!Array.isArray(m.columns) || !m.columns.every(isString) || !isString(m.filter)) return undefined;
      let sort: SortSpec | undefined;
      if (m.sort !== undefined) {
        if (!isObject(m.sort) || !isString(m.sort.column) || typeof m.sort.descending !== 'boolean') return undefined;
        sort = { column: m.sort.column, descending: m.sort.descending };
      }
      return { type: 'rerunInSpark', columns: m.columns as string[], sort, filter: m.filter };
    }
    case 'export':
      return EXPORT_FORMATS.includes(m.format as ExportFormat) ? { type: 'export', format: m.format as ExportFormat } : undefined;
    case 'copy':
      return isString(m.text) && isString(m.what) ? { type: 'copy', text: m.text, what: m.what } : undefined;
    case 'chartRequest':
      return isInteger(m.requestId) && isObject(m.spec) && isInteger(m.loadedRows) && isString(m.timeZone)
        ? { type: 'chartRequest', requestId: m.requestId, spec: m.spec, loadedRows: m.loadedRows, timeZone: m.timeZone }
        : undefined;
    case 'saveFile': {
      const content = m.content;
      if (!isString(m.suggestedName) || !(isString(content) || content instanceof Uint8Array) || !isObject(m.filters))
        return undefined;
      const filters = Object.entries(m.filters);
      if (!filters.every(([, extensions]) => Array.isArray(extensions) && extensions.every(isString))) return undefined;
      // A name only: the save dialog picks the folder, and the webview never names a path.
      const name = m.suggestedName.replace(/[\\/]/g, '_');
      return { type: 'saveFile', suggestedName: name, content, filters: Object.fromEntries(filters) as Record<string, string[]> };
    }
    default:
      return undefined;
  }
}
