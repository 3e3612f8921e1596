import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import {
  AddArtifactsRequestSchema,
  AddArtifactsResponseSchema,
  AnalyzePlanRequestSchema,
  AnalyzePlanResponseSchema,
  AnalyzePlanRequest_Explain_ExplainMode as ExplainModeEnum,
  ConfigRequestSchema,
  ConfigResponseSchema,
  FetchErrorDetailsRequestSchema,
  FetchErrorDetailsResponseSchema,
  GetStatusRequestSchema,
  GetStatusResponseSchema,
  GetStatusResponse_OperationStatus_OperationState as OperationStateEnum,
  InterruptRequestSchema,
  InterruptRequest_InterruptType,
  InterruptResponseSchema,
  ReleaseSessionRequestSchema,
  ReleaseSessionResponseSchema,
  type AnalyzePlanResponse,
  type Plan,
} from '../../generated/spark/connect/base_pb.js';
import type { DataType } from '../../generated/spark/connect/types_pb.js';
import { parseConnectionString, type ConnectionOptions } from './connectionString.js';
import { QueryExecution, type ExecuteOptions, type ExecutionEnvironment } from './queryExecution.js';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retryPolicy.js';
import { SessionContext } from './sessionContext.js';
import { retryTimeoutError, sleep, waitToRetry, type RetryNotice } from './retryWait.js';
import {
  DEFAULT_CANCEL_WATCH,
  watchCancelledOperation,
  type CancelOutcome,
  type CancelWatchTimings,
  type FlowJobsAfterCancel,
  type JobControl,
} from './cancelWatch.js';
import { asSparkError, isRetryable, namingDatabases, SparkError } from './sparkError.js';
import { Emitter } from '../util/events.js';
import type { SqlParameterValue } from '../sql/sqlParameters.js';
import { namedArguments } from './sqlArguments.js';
import { SparkConnectTransport } from './transport.js';
import { addArtifactsRequests, type Artifact } from './artifactRequests.js';
import { SparkVersion, supports } from './version.js';

export const CLIENT_NAME = 'spark-workbench';

export interface SparkConnectClientOptions {
  /** Our own version, sent as `client_type` `spark-workbench/<version>`. */
  readonly clientVersion?: string;
  readonly retryPolicy?: RetryPolicy;
  /**
   * The longest a call or run waits for a server it cannot hear from, retries included; without it,
   * the retry policy's budget alone (PySpark's: about ten minutes). Interactive callers set it.
   */
  readonly retryTimeoutMs?: number;
  /** When a cancel is interrupted again and reported as stalled (tests shorten them). */
  readonly cancelWatch?: Partial<CancelWatchTimings>;
  /** The server's jobs, where visible (the managed local server): a cancel then follows and kills them too. */
  readonly jobControl?: JobControl;
}

export type ExplainMode = 'simple' | 'extended' | 'codegen' | 'cost' | 'formatted';

/** Connecting interactively: a few quick retries (50, 200, 800 ms), then a clear error. */
const FAIL_FAST_RETRY_POLICY = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, maxRetries: 3 });
/** Interrupts are sent again and again after a cancel: one that cannot get through is not retried. */
const NO_RETRY_POLICY = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, maxRetries: 0 });

/**
 * When to interrupt a cancelled execution's tag: at once, then four more times. Spark cancels only the
 * jobs running when an interrupt arrives, and an operation can submit a job a moment later. A job whose
 * operation already ended is beyond any interrupt: the cancel watch kills it by id where it can. The tag
 * is the execution's own, so a late interrupt costs one small RPC.
 */
export const FOLLOW_UP_INTERRUPTS_MS = [0, 250, 750, 1500, 3000];
/** How long close() lets cancel watches finish before it ends them. */
const CLOSE_WAITS_FOR_CANCELS_MS = 5_000;
/** Each of close()'s goodbye calls (Interrupt all, ReleaseSession) gets this long. */
const CLOSE_RPC_DEADLINE_MS = 2_000;

export type OperationState = 'unknown' | 'running' | 'terminating' | 'succeeded' | 'failed' | 'cancelled';

const OPERATION_STATES: Partial<Record<OperationStateEnum, OperationState>> = {
  [OperationStateEnum.RUNNING]: 'running',
  [OperationStateEnum.TERMINATING]: 'terminating',
  [OperationStateEnum.SUCCEEDED]: 'succeeded',
  [OperationStateEnum.FAILED]: 'failed',
  [OperationStateEnum.CANCELLED]: 'cancelled',
};

const EXPLAIN_MODES: Record<ExplainMode, ExplainModeEnum> = {
  simple: ExplainModeEnum.SIMPLE,
  extended: ExplainModeEnum.EXTENDED,
  codegen: ExplainModeEnum.CODEGEN,
  cost: ExplainModeEnum.COST,
  formatted: ExplainModeEnum.FORMATTED,
};

/**
 * A Spark Connect client for one endpoint and one Spark session. Plain Node: no VS Code here.
 * Every request carries the session, the user and `client_type`; every response's server-side session
 * id is checked; unary calls are retried with PySpark's policy; results stream as Arrow batches.
 */
export class SparkConnectClient {
  readonly connection: ConnectionOptions;
  readonly clientType: string;
  private readonly transport: SparkConnectTransport;
  private readonly session: SessionContext;
  private readonly retryPolicy: RetryPolicy;
  private readonly retryTimeoutMs: number | undefined;
  /** Aborted, with the error every call then fails with, once this client is done for (see fail()). */
  private readonly lifetime = new AbortController();
  private retrying = false;
  /** The last call gave up on an unanswering server: close() then says no goodbye. */
  private unreachable = false;
  private readonly retried = new Emitter<RetryNotice>();
  private readonly recovered = new Emitter<void>();
  /** A call or run is about to retry: the server did not answer. */
  readonly onDidRetry = this.retried.event;
  /** The server answered again after retries. */
  readonly onDidRecover = this.recovered.event;
  /** Cancel watches still following their operation; close() gives them a moment, then ends them. */
  private readonly watches = new AbortController();
  private readonly cancelWatches = new Set<Promise<CancelOutcome>>();
  private readonly cancelWatchTimings: Partial<CancelWatchTimings>;
  private readonly jobControl: JobControl | undefined;
  private readonly cancelStalled = new Emitter<{ operationId: string; tag: string }>();
  /** A cancelled operation still runs in Spark seconds after two interrupts: the user must hear of it. */
  readonly onDidCancelStall = this.cancelStalled.event;
  private versionPromise: Promise<SparkVersion> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Follow-up interrupts still to be sent; close() waits for them. */
  private readonly cancelling = new Set<Promise<void>>();

  constructor(url: string | ConnectionOptions, options: SparkConnectClientOptions = {}) {
    this.connection = typeof url === 'string' ? parseConnectionString(url) : url;
    const agent = `${CLIENT_NAME}/${options.clientVersion ?? '0.0.0'}`;
    this.clientType = this.connection.userAgent ? `${agent} ${this.connection.userAgent}` : agent;
    this.retryPolicy = options.retryPolicy ?? new RetryPolicy();
    this.retryTimeoutMs = options.retryTimeoutMs;
    this.cancelWatchTimings = options.cancelWatch ?? {};
    this.jobControl = options.jobControl;
    this.transport = new SparkConnectTransport(this.connection, this.clientType);
    this.session = new SessionContext(
      this.transport,
      this.connection.sessionId ?? randomUUID(),
      this.connection.userId ?? safeUserName(),
      this.clientType,
    );
    this.session.onDidSessionChange(() => (this.versionPromise = undefined));
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  get endpoint(): string {
    return this.transport.endpoint;
  }

  /** The user id every request of this client's session carries. */
  get userId(): string {
    return this.session.user;
  }

  /** Protobuf bytes received on this channel so far. */
  get receivedBytes(): number {
    return this.transport.receivedBytes;
  }

  onDidSessionChange(listener: (reason: string) => void): { dispose(): void } {
    return this.session.onDidSessionChange(listener);
  }

  /** Runs one SQL statement; read the returned execution as a stream of events or with toTable(). */
  sql(query: string, options: ExecuteOptions = {}): QueryExecution {
    return new QueryExecution(this.executionEnvironment(), { sql: query }, options);
  }

  /**
   * Runs a query (SELECT, WITH, VALUES, TABLE, FROM…) as a SQL relation fetched in one request, where
   * sql() first runs the statement as a command and then fetches its relation (two round trips). For a
   * statement that is not a query, use sql().
   */
  query(query: string, options: ExecuteOptions = {}): QueryExecution {
    return new QueryExecution(this.executionEnvironment(), { query }, options);
  }

  /** Runs a ready-made plan (a relation to fetch, or a command). */
  execute(plan: Plan, options: ExecuteOptions = {}): QueryExecution {
    return new QueryExecution(this.executionEnvironment(), { plan }, options);
  }

  /**
   * Ends every running and later call of this client with `error`: for when the server is known to be
   * gone (the local server's process ended), so nobody waits on retries that cannot succeed.
   */
  fail(error: SparkError): void {
    if (!this.lifetime.signal.aborted) this.lifetime.abort(error);
  }

  private noteRetry(notice: RetryNotice): void {
    this.retrying = true;
    this.retried.fire(notice);
  }

  private noteContact(): void {
    this.unreachable = false;
    if (!this.retrying) return;
    this.retrying = false;
    this.recovered.fire();
  }

  /** Asks the server once, without retries, whether it answers (used while a result stream is silent). */
  private async probe(deadlineMs: number): Promise<void> {
    await this.transport.unary(
      'AnalyzePlan',
      AnalyzePlanRequestSchema,
      AnalyzePlanResponseSchema,
      create(AnalyzePlanRequestSchema, { ...this.session.requestHeader(), analyze: { case: 'sparkVersion', value: {} } }),
      { deadlineMs, signal: this.lifetime.signal },
    );
  }

  private executionEnvironment(): ExecutionEnvironment {
    this.assertOpen();
    return {
      session: this.session,
      retryPolicy: this.retryPolicy,
      retryTimeoutMs: this.retryTimeoutMs,
      lifetime: this.lifetime.signal,
      onRetry: (notice) => this.noteRetry(notice),
      onContact: () => this.noteContact(),
      onUnreachable: () => (this.unreachable = true),
      probe: (deadlineMs) => this.probe(deadlineMs),
      newOperationId: () => randomUUID(),
      cancel: (tag, operationId, onStall, flowJobs) => this.cancelExecution(tag, operationId, onStall, flowJobs),
      enrichError: (error: SparkError, text?: string) => this.enrichError(error, text),
      allowArrowChunking: async () => supports(await this.sparkVersion(), 'arrowBatchChunking'),
    };
  }

  /**
   * Checks the server answers and accepts us, failing fast (about 1 s of retries rather than the
   * ten-minute budget runs get): the way to connect interactively. Resolves to the Spark version.
   */
  async ping(): Promise<SparkVersion> {
    const response = await this.analyze({ case: 'sparkVersion', value: {} }, FAIL_FAST_RETRY_POLICY);
    const version = SparkVersion.parse(response.result.case === 'sparkVersion' ? response.result.value.version : '');
    this.versionPromise = Promise.resolve(version);
    return version;
  }

  /** The server's Spark version (asked once per session) for gating newer protocol features. */
  sparkVersion(): Promise<SparkVersion> {
    this.versionPromise ??= this.analyze({
      case: 'sparkVersion',
      value: {},
    }).then((r) => SparkVersion.parse(r.result.case === 'sparkVersion' ? r.result.value.version : ''));
    this.versionPromise.catch(() => (this.versionPromise = undefined));
    return this.versionPromise;
  }

  /**
   * The result schema of a query (its `:name` parameters bound to `args`), without running it. Only for
   * queries: a DDL statement would execute.
   */
  async schemaOf(query: string, args?: Readonly<Record<string, SqlParameterValue>>): Promise<DataType | undefined> {
    const response = await this.analyze({
      case: 'schema',
      value: { plan: sqlRootPlan(query, args) },
    });
    return response.result.case === 'schema' ? response.result.value.schema : undefined;
  }

  async explain(
    query: string,
    mode: ExplainMode = 'simple',
    args?: Readonly<Record<string, SqlParameterValue>>,
  ): Promise<string> {
    const response = await this.analyze({
      case: 'explain',
      value: { plan: sqlRootPlan(query, args), explainMode: EXPLAIN_MODES[mode] },
    });
    return response.result.case === 'explain' ? response.result.value.explainString : '';
  }

  /** Parses a DDL schema string ("a INT, b STRING") into a Spark data type. */
  async parseDdl(ddl: string): Promise<DataType | undefined> {
    const response = await this.analyze({
      case: 'ddlParse',
      value: { ddlString: ddl },
    });
    return response.result.case === 'ddlParse' ? response.result.value.parsed : undefined;
  }

  private analyze(
    analyze: MessageInitShape<typeof AnalyzePlanRequestSchema>['analyze'],
    retryPolicy?: RetryPolicy,
  ): Promise<AnalyzePlanResponse> {
    return this.unary(
      'AnalyzePlan',
      AnalyzePlanRequestSchema,
      AnalyzePlanResponseSchema,
      (header) => create(AnalyzePlanRequestSchema, { ...header, analyze } as never),
      retryPolicy,
    );
  }

  async getConfig(keys: readonly string[]): Promise<Map<string, string | undefined>> {
    return this.config({ case: 'getOption', value: { keys: [...keys] } });
  }

  /** Every set configuration, or those under `prefix` (full keys either way; the server strips the prefix). */
  async getAllConfig(prefix?: string): Promise<Map<string, string | undefined>> {
    const pairs = await this.config({ case: 'getAll', value: prefix === undefined ? {} : { prefix } });
    return prefix === undefined ? pairs : new Map([...pairs].map(([key, value]) => [prefix + key, value]));
  }

  /**
   * Sends files to this session on the server (AddArtifacts): `jars/…` join the session's class path,
   * e.g. a JDBC driver the server was started without. Resolves once the server checked every chunk.
   */
  async addArtifacts(artifacts: readonly Artifact[]): Promise<void> {
    this.assertOpen();
    if (!artifacts.length) return;
    const response = await this.transport.clientStream(
      'AddArtifacts',
      AddArtifactsRequestSchema,
      AddArtifactsResponseSchema,
      addArtifactsRequests(this.session.requestHeader(), artifacts),
      { signal: this.lifetime.signal },
    );
    if (response.serverSideSessionId) this.session.observeServerSession(response.serverSideSessionId);
    const failed = response.artifacts.filter((a) => !a.isCrcSuccessful).map((a) => a.name);
    if (failed.length)
      throw new SparkError({ kind: 'other', message: `The server received ${failed.join(', ')} damaged (CRC mismatch).` });
  }

  async setConfig(pairs: Readonly<Record<string, string>>): Promise<void> {
    await this.config({
      case: 'set',
      value: {
        pairs: Object.entries(pairs).map(([key, value]) => ({ key, value })),
      },
    });
  }

  async unsetConfig(keys: readonly string[]): Promise<void> {
    await this.config({ case: 'unset', value: { keys: [...keys] } });
  }

  private async config(opType: { case: string; value: object }): Promise<Map<string, string | undefined>> {
    const response = await this.unary('Config', ConfigRequestSchema, ConfigResponseSchema, (header) =>
      create(ConfigRequestSchema, {
        ...header,
        operation: { opType },
      } as never),
    );
    return new Map(response.pairs.map((pair) => [pair.key, pair.value]));
  }

  /** Interrupts one operation; returns the ids the server interrupted. */
  interruptOperation(operationId: string): Promise<string[]> {
    return this.interrupt(InterruptRequest_InterruptType.OPERATION_ID, {
      case: 'operationId',
      value: operationId,
    });
  }

  interruptTag(tag: string): Promise<string[]> {
    return this.interrupt(InterruptRequest_InterruptType.TAG, {
      case: 'operationTag',
      value: tag,
    });
  }

  /**
   * Interrupts `tag` now (the request goes out before this returns) and again at FOLLOW_UP_INTERRUPTS_MS;
   * for cancelling an execution, whose stream ends at once while Spark may still be starting its jobs.
   * Resolves when Spark has answered the first interrupt (whether or not it succeeded).
   */
  cancelTag(tag: string): Promise<void> {
    let answered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    const followUps = (async () => {
      let waited = 0;
      for (const at of FOLLOW_UP_INTERRUPTS_MS) {
        // Closing ends the follow-ups: by then the cancel watches have seen the operations end, and
        // the close interrupts everything of the session once more.
        if (
          at > waited &&
          !(await sleep(at - waited, this.watches.signal).then(
            () => true,
            () => false,
          ))
        )
          return;
        waited = at;
        await this.interrupt(InterruptRequest_InterruptType.TAG, { case: 'operationTag', value: tag }, NO_RETRY_POLICY).catch(
          () => undefined,
        );
        answered();
      }
    })();
    this.cancelling.add(followUps);
    const settled = () => {
      this.cancelling.delete(followUps);
      answered();
    };
    followUps.then(settled, settled);
    return firstAnswer;
  }

  /**
   * Cancels one execution: interrupts its tag now and again shortly (cancelTag), and follows its
   * operation until Spark ends it, interrupting it again by id and tag if it runs on (see
   * watchCancelledOperation). Resolves to how it ended.
   */
  private cancelExecution(
    tag: string,
    operationId: string | undefined,
    onStall: () => void,
    flowJobs?: FlowJobsAfterCancel,
  ): Promise<CancelOutcome> {
    this.cancelTag(tag).catch(() => undefined);
    if (!operationId || this.lifetime.signal.aborted) return Promise.resolve('gone');
    const watch = watchCancelledOperation(this.session, {
      ...DEFAULT_CANCEL_WATCH,
      ...this.cancelWatchTimings,
      ...(flowJobs ? { jobsWatchMs: flowJobs.watchMs, writes: flowJobs.writes } : {}),
      operationId,
      tag,
      jobs: this.jobControl,
      signal: AbortSignal.any([this.watches.signal, this.lifetime.signal]),
      interruptAgain: async () => {
        await Promise.all([
          this.interrupt(
            InterruptRequest_InterruptType.OPERATION_ID,
            { case: 'operationId', value: operationId },
            NO_RETRY_POLICY,
          ),
          this.interrupt(InterruptRequest_InterruptType.TAG, { case: 'operationTag', value: tag }, NO_RETRY_POLICY),
        ]);
      },
      onStall: () => {
        onStall();
        this.cancelStalled.fire({ operationId, tag });
      },
    });
    const settled = watch.catch(() => 'running' as const);
    this.cancelWatches.add(settled);
    settled.then(
      () => this.cancelWatches.delete(settled),
      () => this.cancelWatches.delete(settled),
    );
    return settled;
  }

  interruptAll(): Promise<string[]> {
    return this.interrupt(InterruptRequest_InterruptType.ALL, {
      case: undefined,
    });
  }

  private async interrupt(
    interruptType: InterruptRequest_InterruptType,
    interrupt: { case: string | undefined; value?: string },
    retryPolicy?: RetryPolicy,
  ): Promise<string[]> {
    const response = await this.unary(
      'Interrupt',
      InterruptRequestSchema,
      InterruptResponseSchema,
      (header) =>
        create(InterruptRequestSchema, {
          ...header,
          interruptType,
          interrupt,
        } as never),
      retryPolicy,
    );
    return response.interruptedIds;
  }

  /**
   * The server's state of operations of this session (Spark 4.2+): running, succeeded, failed,
   * cancelled… Undefined on older servers, which lack the GetStatus RPC.
   */
  async operationStates(operationIds: readonly string[]): Promise<Map<string, OperationState> | undefined> {
    if (!supports(await this.sparkVersion(), 'getStatus')) return undefined;
    const response = await this.unary('GetStatus', GetStatusRequestSchema, GetStatusResponseSchema, (header) =>
      create(GetStatusRequestSchema, {
        ...header,
        operationStatus: { operationIds: [...operationIds] },
      } as never),
    );
    return new Map(response.operationStatuses.map((s) => [s.operationId, OPERATION_STATES[s.state] ?? 'unknown']));
  }

  /** The session's database catalogs (name → JDBC URL), to name them in JDBC errors. */
  private readonly databaseUrls = new Map<string, string>();

  /** Databases that are catalogs of this session now: a JDBC error of a query reading one names it. */
  noteDatabases(databases: readonly { readonly name: string; readonly url: string }[]): void {
    for (const { name, url } of databases) this.databaseUrls.set(name, url);
  }

  /**
   * Replaces a Spark error's short status with FetchErrorDetails' full message, class and query
   * contexts; a JDBC failure of `text` names the databases it reads.
   */
  async enrichError(error: SparkError, text?: string): Promise<SparkError> {
    const detailed = await this.detailed(error);
    return text === undefined ? detailed : namingDatabases(detailed, text, this.databaseUrls);
  }

  private async detailed(error: SparkError): Promise<SparkError> {
    if (!error.errorId || error.kind !== 'spark') return error;
    try {
      const details = await this.transport.unary(
        'FetchErrorDetails',
        FetchErrorDetailsRequestSchema,
        FetchErrorDetailsResponseSchema,
        create(FetchErrorDetailsRequestSchema, {
          ...this.session.requestHeader(),
          errorId: error.errorId,
        }),
        { deadlineMs: 30_000 },
      );
      return error.withDetails(details);
    } catch {
      return error; // the short status still says what went wrong
    }
  }

  /**
   * A unary call with the session header, retried by the retry policy within the retry time limit,
   * errors enriched. A session change seen here renews the session, so the next call starts fresh.
   */
  private async unary<
    I extends Parameters<SparkConnectTransport['unary']>[1],
    O extends Parameters<SparkConnectTransport['unary']>[2],
  >(
    method: string,
    input: I,
    output: O,
    build: (header: ReturnType<SessionContext['requestHeader']>) => Parameters<SparkConnectTransport['unary']>[3],
    retryPolicy: RetryPolicy = this.retryPolicy,
  ): Promise<import('@bufbuild/protobuf').MessageShape<O>> {
    this.assertOpen();
    const limitMs = this.retryTimeoutMs;
    const deadline = limitMs === undefined ? undefined : { at: Date.now() + limitMs, limitMs };
    let renewed = false;
    for (let attempt = 0; ;) {
      try {
        const response = (await this.transport.unary(method, input, output, build(this.session.requestHeader()) as never, {
          signal: this.lifetime.signal,
          // A server behind a dead link never refuses, it just never answers: the limit bounds each try too.
          deadlineMs: deadline ? Math.max(deadline.at - Date.now(), 1) : undefined,
        })) as {
          serverSideSessionId?: string;
        };
        if (response.serverSideSessionId) this.session.observeServerSession(response.serverSideSessionId);
        this.noteContact();
        return response as never;
      } catch (error) {
        if (this.lifetime.signal.aborted) throw this.lifetime.signal.reason;
        const failure = asSparkError(error);
        if (failure.kind === 'sessionChanged') {
          // A unary call loses nothing: retry it once in the new session (listeners hear of the change).
          this.session.sessionLost(failure);
          if (renewed) throw failure;
          renewed = true;
          continue;
        }
        if (deadline && failure.kind === 'deadlineExceeded' && Date.now() >= deadline.at) {
          this.unreachable = true;
          throw retryTimeoutError(this.endpoint, deadline.limitMs, failure);
        }
        if (!isRetryable(failure)) throw await this.enrichError(failure);
        this.unreachable = true; // until an answer says otherwise
        await waitToRetry(
          {
            policy: retryPolicy,
            endpoint: this.endpoint,
            deadline,
            signal: this.lifetime.signal,
            onRetry: (notice) => this.noteRetry(notice),
          },
          attempt++,
          failure,
        );
      }
    }
  }

  /**
   * Ends the server session (best effort) and closes the channel. Operations of this session still
   * running are interrupted first: Spark's ReleaseSession leaves their jobs running.
   */
  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    // A job an operation cancelled a moment ago may still be running or about to start: see its
    // follow-ups out, and give its watch a few seconds to make sure it ends (or to kill it).
    if (this.cancelWatches.size > 0) {
      const enough = new AbortController();
      await Promise.race([
        Promise.all(this.cancelWatches),
        sleep(CLOSE_WAITS_FOR_CANCELS_MS, enough.signal).catch(() => undefined),
      ]);
      enough.abort(); // no timer may keep a finished CLI process alive
    }
    this.watches.abort();
    await Promise.all(this.cancelling);
    const serverGone = this.lifetime.signal.aborted || this.unreachable;
    this.closed = true;
    try {
      if (serverGone) return;
      // Best effort, briefly: closing must not wait on a server that stopped answering.
      const header = this.session.requestHeader();
      await this.transport
        .unary(
          'Interrupt',
          InterruptRequestSchema,
          InterruptResponseSchema,
          create(InterruptRequestSchema, { ...header, interruptType: InterruptRequest_InterruptType.ALL }),
          { deadlineMs: CLOSE_RPC_DEADLINE_MS },
        )
        .catch(() => undefined);
      await this.transport
        .unary(
          'ReleaseSession',
          ReleaseSessionRequestSchema,
          ReleaseSessionResponseSchema,
          create(ReleaseSessionRequestSchema, header),
          {
            deadlineMs: CLOSE_RPC_DEADLINE_MS,
          },
        )
        .catch(() => undefined);
    } finally {
      this.transport.close();
    }
  }

  private assertOpen(): void {
    if (this.lifetime.signal.aborted) throw this.lifetime.signal.reason;
    if (this.closed)
      throw new SparkError({
        kind: 'other',
        message: 'This Spark Connect client is closed.',
      });
  }
}

function sqlRootPlan(query: string, args?: Readonly<Record<string, SqlParameterValue>>): Plan {
  const sql = args && Object.keys(args).length > 0 ? { query, namedArguments: namedArguments(args) } : { query };
  return {
    opType: {
      case: 'root',
      value: { relType: { case: 'sql', value: sql } },
    },
  } as unknown as Plan;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'spark-workbench';
  }
}
