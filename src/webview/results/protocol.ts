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
  /** Stage and task counts from Spark's execution progress, when there are any. */
  readonly progress: string;
}

export type HostMessage =
  /** A new run: the grid empties and shows the query. */
  | { readonly type: 'runStarted'; readonly run: RunInfo }
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
