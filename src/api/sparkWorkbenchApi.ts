// The API Spark Workbench's activate() returns to other extensions (`vscode.extensions.getExtension(
// 'spark-workbench.spark-workbench').activate()`). Types only, with no import, so the file ships as is
// (`api/spark-workbench.d.ts` in the package is made from it) and a consumer needs nothing else. It is
// versioned: apiVersion changes when a member changes meaning; members are only ever added within one.

/** A listener's subscription; dispose() stops it. */
export interface ApiDisposable {
  dispose(): void;
}

export type ApiEvent<T> = (listener: (value: T) => void) => ApiDisposable;

/** A connection as the settings declare it. Its URL never carries a token (tokens stay in SecretStorage). */
export interface ApiConnection {
  readonly name: string;
  readonly kind: 'local' | 'remote';
  /** `sc://host:port` (remote), or the local server's port. */
  readonly url?: string;
  readonly port?: number;
}

export interface ApiConnectionState {
  readonly connection: ApiConnection | undefined;
  readonly state: 'disconnected' | 'starting' | 'connecting' | 'connected' | 'error';
  /** The server's Spark version, once connected. */
  readonly sparkVersion?: string;
}

/** A `:name` parameter's value: bound as a typed literal, never pasted into the SQL. */
export type ApiParameterValue = string | number | boolean | null | { readonly date: string } | { readonly timestamp: string };

export interface ApiSqlOptions {
  readonly params?: Readonly<Record<string, ApiParameterValue>>;
  /** Stop after this many rows. */
  readonly maxRows?: number;
  /** Aborting cancels the query in Spark. */
  readonly signal?: AbortSignal;
}

export interface ApiField {
  readonly name: string;
  /** Spark SQL's name of the type: bigint, decimal(10,2), timestamp, array<string>… */
  readonly type: string;
  readonly nullable: boolean;
}

export interface ApiSqlResult {
  /** Resolves with the result's columns as soon as Spark sends them. */
  readonly schema: Promise<readonly ApiField[]>;
  /**
   * The rows as Arrow record batches, each one self-contained Arrow IPC stream (schema + one batch):
   * decode with apache-arrow's `tableFromIPC`. Iterate once; breaking off the loop cancels the query.
   */
  readonly batches: AsyncIterable<Uint8Array>;
}

export interface ApiDatasetOutcome {
  readonly name: string;
  readonly kind: string;
  readonly state: string;
  readonly rows?: number;
  readonly durationMs?: number;
}

export interface ApiCheckOutcome {
  readonly dataset: string;
  readonly check: string;
  readonly kind: string;
  readonly severity: 'warn' | 'error';
  readonly status: 'passed' | 'failed' | 'error';
  readonly failing?: number;
  readonly checked?: number;
  readonly message: string;
}

export interface ApiPipelineRun {
  readonly specPath: string;
  readonly pipeline: string;
  readonly mode: 'run' | 'dry' | 'fullRefreshAll';
  readonly outcome: 'completed' | 'failed' | 'cancelled';
  readonly startedAt: number;
  readonly durationMs: number;
  readonly message?: string;
  readonly datasets: readonly ApiDatasetOutcome[];
  readonly quality: readonly ApiCheckOutcome[];
}

/** One event of a running pipeline, as the Pipeline Run view shows it. */
export interface ApiPipelineEvent {
  readonly specPath: string;
  /** `HH:MM:SS.mmm  STATE  dataset  detail`. */
  readonly text: string;
  readonly flow?: string;
  readonly state?: string;
}

export interface ApiQualityRun {
  /** The pipeline spec or quality file the checks came from. */
  readonly source: string;
  readonly at: number;
  readonly checks: readonly ApiCheckOutcome[];
}

export interface SparkWorkbenchApi {
  /** 1 for this shape. */
  readonly apiVersion: 1;
  /** How long activate() ran, in ms. */
  readonly activateMs: number;
  /** The connections the settings declare. */
  connections(): readonly ApiConnection[];
  /** The window's connection and its state. */
  connection(): ApiConnectionState;
  readonly onDidChangeConnection: ApiEvent<ApiConnectionState>;
  /** Runs one SQL statement on the window's connection (connecting first when needed). */
  sql(query: string, options?: ApiSqlOptions): ApiSqlResult;
  /** Runs a pipeline as the editor's Run does (its graph and Problems follow); resolves when it ends. */
  runPipeline(specPath: string, options?: { readonly mode?: 'run' | 'dry' | 'fullRefreshAll' }): Promise<ApiPipelineRun>;
  readonly onDidPipelineEvent: ApiEvent<ApiPipelineEvent>;
  /** A pipeline run ended (from the editor, a lens, or this API). */
  readonly onDidPipelineRunEnd: ApiEvent<ApiPipelineRun>;
  /** The last data-quality results of each source, or of one (newest last). */
  qualityResults(source?: string): readonly ApiQualityRun[];
}
