import { create } from '@bufbuild/protobuf';
import { RecordBatchReader, Table, type RecordBatch, type Schema } from 'apache-arrow';
import {
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  type ExecutePlanResponse_Metrics,
} from '../../generated/spark/connect/base_pb.js';
import type { Plan } from '../../generated/spark/connect/base_pb.js';
import type { Relation } from '../../generated/spark/connect/relations_pb.js';
import type { PipelineCommandResult } from '../../generated/spark/connect/pipelines_pb.js';
import { ArrowBatchAssembler } from './arrowBatchAssembler.js';
import { executeReattachable, type ExecutionCounters } from './reattachableExecution.js';
import type { RetryPolicy } from './retryPolicy.js';
import type { RetryNotice } from './retryWait.js';
import type { CancelOutcome, FlowJobsAfterCancel } from './cancelWatch.js';
import type { SessionContext } from './sessionContext.js';
import { asSparkError, cancelledError, SparkError } from './sparkError.js';
import { Emitter } from '../util/events.js';
import type { SqlParameterValue } from '../sql/sqlParameters.js';
import { namedArguments } from './sqlArguments.js';

export interface StageProgress {
  readonly stageId: number;
  readonly numTasks: number;
  readonly completedTasks: number;
  readonly inputBytesRead: number;
  readonly done: boolean;
}

export interface ExecutionProgress {
  readonly stages: readonly StageProgress[];
  readonly inflightTasks: number;
}

export interface OperationMetric {
  readonly name: string;
  readonly planId: number;
  readonly values: Readonly<Record<string, string>>;
}

export type ResultEvent =
  | { readonly type: 'operation'; readonly operationId: string }
  | { readonly type: 'schema'; readonly schema: Schema }
  | {
      readonly type: 'batch';
      readonly batch: RecordBatch;
      readonly startOffset: number;
    }
  | { readonly type: 'progress'; readonly progress: ExecutionProgress }
  | { readonly type: 'metrics'; readonly metrics: readonly OperationMetric[] }
  /** The result of a pipeline command (the id of a dataflow graph it created, …). */
  | { readonly type: 'pipelineResult'; readonly result: PipelineCommandResult }
  /** An event of a pipeline run: when, and Spark's sentence ("Flow x is RUNNING."). */
  | { readonly type: 'pipelineEvent'; readonly timestamp: Date | undefined; readonly message: string };

export interface ExecutionStats extends ExecutionCounters {
  rows: number;
  batches: number;
  /** Arrow IPC bytes received for the result. */
  arrowBytes: number;
  /** Arrow batches that arrived in more than one chunk. */
  chunkedBatches: number;
  startedAt: number;
  finishedAt: number | undefined;
}

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
  /** Extra operation tags (Interrupt by tag); every execution also gets its own unique tag. */
  readonly tags?: readonly string[];
  /** Stop after this many rows; the server is asked for no more (a Limit on the query). */
  readonly maxRows?: number;
  /** Ask Spark (4.1+) to cut Arrow batches into chunks of about this many bytes (at least 1024). */
  readonly arrowChunkSizeBytes?: number;
  /** Values of the statement's `:name` parameters, bound as typed literals (SQL only). */
  readonly args?: Readonly<Record<string, SqlParameterValue>>;
  /** A pipeline run's: after a cancel, its flows' jobs are looked for too (see FlowJobsAfterCancel). */
  readonly cancelFlowJobs?: FlowJobsAfterCancel;
}

export interface ExecutionEnvironment {
  readonly session: SessionContext;
  readonly retryPolicy: RetryPolicy;
  /** The client's retry time limit (see ReattachContext.retryTimeoutMs). */
  readonly retryTimeoutMs?: number;
  /** Aborted, with the SparkError to fail with, when the client is done for (its local server died). */
  readonly lifetime: AbortSignal;
  /** The client hears of every retry and every contact, for the connection's status. */
  readonly onRetry: (notice: RetryNotice) => void;
  readonly onContact: () => void;
  /** The run gave up on a server that did not answer. */
  readonly onUnreachable: () => void;
  readonly probe: (deadlineMs: number) => Promise<void>;
  readonly newOperationId: () => string;
  /**
   * Interrupts the run's tag, and follows its current operation (kept, not released) until Spark ends
   * it; `onStall` when Spark does not (see watchCancelledOperation).
   */
  readonly cancel: (
    tag: string,
    operationId: string | undefined,
    onStall: () => void,
    flowJobs?: FlowJobsAfterCancel,
  ) => Promise<CancelOutcome>;
  readonly enrichError: (error: SparkError, text?: string) => Promise<SparkError>;
  /** Chunked Arrow batches exist from Spark 4.1; older servers reject the unknown request option. */
  readonly allowArrowChunking: () => Promise<boolean>;
}

/**
 * What to run: a SQL statement (sent as an eager sql_command, like PySpark does), a query (a SQL
 * relation fetched in the same request: one round trip instead of two), or a ready plan.
 */
export type ExecutionInput = { readonly sql: string } | { readonly query: string } | { readonly plan: Plan };

/**
 * One run of a query: an async stream of events (operation id, schema, Arrow batches as they arrive,
 * progress, metrics) that can be consumed once. Cancelling (the caller's AbortSignal or cancel())
 * interrupts the Spark job by this execution's unique tag and ends the stream with a 'cancelled' error.
 */
export class QueryExecution implements AsyncIterable<ResultEvent> {
  readonly tag: string;
  readonly stats: ExecutionStats;
  private readonly abort = new AbortController();
  private consumed = false;
  private currentOperationId: string | undefined;
  private readonly retried = new Emitter<RetryNotice>();
  /** Each retry of this run, as it is about to wait: shown, never silent. */
  readonly onDidRetry = this.retried.event;
  private readonly stalled = new Emitter<void>();
  /** After cancel(): Spark still runs the operation seconds later, despite two interrupts. */
  readonly onDidCancelStall = this.stalled.event;
  /** The operation a cancel follows until Spark ends it; its release is left to that watch. */
  private watchedOperationId: string | undefined;
  /** How Spark ended the run after cancel(); undefined until cancelled. */
  cancelOutcome: Promise<CancelOutcome> | undefined;

  constructor(
    private readonly env: ExecutionEnvironment,
    private readonly input: ExecutionInput,
    private readonly options: ExecuteOptions = {},
  ) {
    this.tag = `spark-workbench-${env.newOperationId()}`;
    this.stats = {
      responses: 0,
      reattaches: 0,
      retries: 0,
      rows: 0,
      batches: 0,
      arrowBytes: 0,
      chunkedBatches: 0,
      startedAt: Date.now(),
      finishedAt: undefined,
    };
    const cancelOnAbort = () => this.cancel();
    options.signal?.addEventListener('abort', cancelOnAbort, { once: true });
    // A client that failed for good (its server is gone) ends the run with that error; nothing to interrupt.
    const endWithClient = () => this.abort.abort(env.lifetime.reason);
    if (env.lifetime.aborted) endWithClient();
    else env.lifetime.addEventListener('abort', endWithClient, { once: true });
    // An ended execution lets go of both signals: a run's signal outlives its many queries.
    this.detachFromClient = () => {
      env.lifetime.removeEventListener('abort', endWithClient);
      options.signal?.removeEventListener('abort', cancelOnAbort);
    };
  }

  private readonly detachFromClient: () => void;

  /** The id of the Spark operation now running for this execution (a SQL query runs as two operations). */
  get operationId(): string | undefined {
    return this.currentOperationId;
  }

  /** Interrupts the Spark job and ends the stream; safe to call at any time, more than once. */
  cancel(): void {
    if (this.abort.signal.aborted) return;
    this.watchedOperationId = this.currentOperationId;
    this.abort.abort();
    this.cancelOutcome = this.env.cancel(
      this.tag,
      this.currentOperationId,
      () => this.stalled.fire(),
      this.options.cancelFlowJobs,
    );
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ResultEvent> {
    if (this.consumed) throw new Error('A query result can be read only once.');
    this.consumed = true;
    try {
      if ('query' in this.input) {
        yield* this.run(rootPlan(sqlRelation(this.input.query, this.options.args), this.options.maxRows));
        return;
      }
      if ('plan' in this.input) {
        const plan = this.input.plan;
        // A query plan gets the row limit as a Limit on top, as a SQL query's relation does.
        yield* this.run(plan.opType.case === 'root' ? rootPlan(plan.opType.value, this.options.maxRows) : plan);
        return;
      }
      // The statement runs eagerly as a command; a query comes back as a relation to fetch,
      // a command (DDL, SHOW, SET…) as its finished output in a LocalRelation.
      let relation: Relation | undefined;
      for await (const event of this.run(sqlCommandPlan(this.input.sql, this.options.args), (r) => (relation = r))) yield event;
      if (!relation)
        throw new SparkError({
          kind: 'other',
          message: 'The Spark server returned no result for the SQL statement.',
        });
      if (relation.relType.case === 'localRelation') {
        yield* this.localRelationEvents(relation.relType.value.data);
        return;
      }
      yield* this.run(rootPlan(relation, this.options.maxRows));
    } catch (error) {
      throw await this.explain(error);
    } finally {
      this.stats.finishedAt = Date.now();
      this.detachFromClient();
      this.retried.dispose();
    }
  }

  /** Reads the whole result into one Arrow table (for small results, tests and the CLI). */
  async toTable(): Promise<Table> {
    const batches: RecordBatch[] = [];
    let schema: Schema | undefined;
    for await (const event of this) {
      if (event.type === 'schema') schema = event.schema;
      else if (event.type === 'batch') batches.push(event.batch);
    }
    if (batches.length > 0) return new Table(batches);
    return schema ? new Table(schema) : new Table();
  }

  private async *run(plan: Plan, onSqlResult?: (relation: Relation) => void): AsyncGenerator<ResultEvent> {
    const operationId = this.env.newOperationId();
    this.currentOperationId = operationId;
    yield { type: 'operation', operationId };
    const requestOptions: { requestOption: { case: string; value: object } }[] = [
      {
        requestOption: {
          case: 'reattachOptions',
          value: { reattachable: true },
        },
      },
    ];
    if (await this.env.allowArrowChunking()) {
      requestOptions.push({
        requestOption: {
          case: 'resultChunkingOptions',
          value: {
            allowArrowBatchChunking: true,
            ...(this.options.arrowChunkSizeBytes ? { preferredArrowChunkSize: BigInt(this.options.arrowChunkSizeBytes) } : {}),
          },
        },
      });
    }
    const request = create(ExecutePlanRequestSchema, {
      ...this.env.session.requestHeader(),
      plan,
      operationId,
      tags: [this.tag, ...(this.options.tags ?? [])],
      requestOptions: requestOptions as never,
    });
    const assembler = new ArrowBatchAssembler();
    let schemaSent = false;
    const responses = executeReattachable(
      {
        session: this.env.session,
        retryPolicy: this.env.retryPolicy,
        counters: this.stats,
        signal: this.abort.signal,
        retryTimeoutMs: this.env.retryTimeoutMs,
        onRetry: (notice) => {
          this.env.onRetry(notice);
          this.retried.fire(notice);
        },
        onContact: this.env.onContact,
        probe: this.env.probe,
      },
      request,
      () => this.watchedOperationId === operationId,
    );
    for await (const response of responses) {
      const type = response.responseType;
      if (type.case === 'arrowBatch') {
        const ipc = assembler.push(type.value);
        if (!ipc) continue;
        if ((type.value.numChunksInBatch ?? 1n) > 1n) this.stats.chunkedBatches++;
        this.stats.arrowBytes += ipc.byteLength;
        for (const event of this.decodeBatch(ipc, !schemaSent)) {
          if (event.type === 'schema') schemaSent = true;
          yield event;
          if (this.reachedMaxRows()) return;
        }
      } else if (type.case === 'sqlCommandResult') {
        if (type.value.relation) onSqlResult?.(type.value.relation);
      } else if (type.case === 'executionProgress') {
        yield { type: 'progress', progress: toProgress(type.value) };
      } else if (type.case === 'pipelineCommandResult') {
        yield { type: 'pipelineResult', result: type.value };
      } else if (type.case === 'pipelineEventResult') {
        const event = type.value.event;
        const seconds = event?.timestamp
          ? Number(event.timestamp.seconds) * 1000 + Math.floor(event.timestamp.nanos / 1e6)
          : undefined;
        yield {
          type: 'pipelineEvent',
          timestamp: seconds === undefined ? undefined : new Date(seconds),
          message: event?.message ?? '',
        };
      } else if (response.metrics) {
        yield { type: 'metrics', metrics: toMetrics(response.metrics) };
      }
    }
    if (assembler.incomplete) {
      throw new SparkError({
        kind: 'other',
        message: 'The result stream ended in the middle of a chunked Arrow batch.',
      });
    }
  }

  private *localRelationEvents(data: Uint8Array | undefined): Generator<ResultEvent> {
    if (!data || data.byteLength === 0) return;
    this.stats.arrowBytes += data.byteLength;
    yield* this.decodeBatch(data, true);
  }

  /** Decodes one Arrow IPC stream (its own schema and batches); trims the last batch to maxRows. */
  private *decodeBatch(ipc: Uint8Array, withSchema: boolean): Generator<ResultEvent> {
    const reader = RecordBatchReader.from(ipc);
    reader.open();
    if (withSchema) yield { type: 'schema', schema: reader.schema };
    for (const batch of reader) {
      const room = this.options.maxRows === undefined ? batch.numRows : this.options.maxRows - this.stats.rows;
      if (room <= 0) return;
      const kept = batch.numRows > room ? batch.slice(0, room) : batch;
      const startOffset = this.stats.rows;
      this.stats.rows += kept.numRows;
      this.stats.batches++;
      yield { type: 'batch', batch: kept, startOffset };
    }
  }

  private reachedMaxRows(): boolean {
    return this.options.maxRows !== undefined && this.stats.rows >= this.options.maxRows;
  }

  private async explain(error: unknown): Promise<SparkError> {
    const failure = asSparkError(error);
    if (this.env.lifetime.aborted) return asSparkError(this.env.lifetime.reason);
    if (this.abort.signal.aborted && failure.kind !== 'unavailable') return cancelledError(failure);
    if (failure.kind === 'unavailable') this.env.onUnreachable();
    const input = this.input;
    return this.env.enrichError(failure, 'sql' in input ? input.sql : 'query' in input ? input.query : undefined);
  }
}

function sqlRelation(query: string, args: Readonly<Record<string, SqlParameterValue>> | undefined): Relation {
  const sql = args && Object.keys(args).length > 0 ? { query, namedArguments: namedArguments(args) } : { query };
  return { relType: { case: 'sql', value: sql } } as unknown as Relation;
}

function sqlCommandPlan(query: string, args: Readonly<Record<string, SqlParameterValue>> | undefined): Plan {
  return {
    opType: {
      case: 'command',
      value: {
        commandType: {
          case: 'sqlCommand',
          value: { input: sqlRelation(query, args) },
        },
      },
    },
  } as unknown as Plan;
}

function rootPlan(relation: Relation, maxRows: number | undefined): Plan {
  const root =
    maxRows === undefined
      ? relation
      : ({
          relType: {
            case: 'limit',
            value: { input: relation, limit: Math.min(maxRows, 2 ** 31 - 1) },
          },
        } as unknown as Relation);
  return { opType: { case: 'root', value: root } } as unknown as Plan;
}

function toProgress(value: {
  stages: {
    stageId: bigint;
    numTasks: bigint;
    numCompletedTasks: bigint;
    inputBytesRead: bigint;
    done: boolean;
  }[];
  numInflightTasks: bigint;
}): ExecutionProgress {
  return {
    stages: value.stages.map((s) => ({
      stageId: Number(s.stageId),
      numTasks: Number(s.numTasks),
      completedTasks: Number(s.numCompletedTasks),
      inputBytesRead: Number(s.inputBytesRead),
      done: s.done,
    })),
    inflightTasks: Number(value.numInflightTasks),
  };
}

function toMetrics(metrics: ExecutePlanResponse_Metrics): OperationMetric[] {
  return metrics.metrics.map((m) => ({
    name: m.name,
    planId: Number(m.planId),
    values: Object.fromEntries(Object.entries(m.executionMetrics).map(([k, v]) => [k, String(v.value)])),
  }));
}

export type { ExecutePlanResponse };
