import type { ExecutionProgress, QueryExecution, ResultEvent } from '../connect/queryExecution.js';
import type { RetryNotice } from '../connect/retryWait.js';
import { asSparkError, type SparkError } from '../connect/sparkError.js';
import { Emitter, type Disposable } from '../util/events.js';

export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What the Operations view and progress notifications show about one run. */
export interface TrackedOperation {
  readonly id: number;
  readonly title: string;
  readonly connectionName: string;
  readonly startedAt: number;
  finishedAt: number | undefined;
  status: OperationStatus;
  /** The Spark operation now running for it, once known. */
  sparkOperationId: string | undefined;
  rows: number;
  stages: { done: number; total: number };
  tasks: { completed: number; total: number; running: number };
  error: SparkError | undefined;
  /** While the run waits to retry an unanswering server. */
  retry: RetryNotice | undefined;
  /** Cancelled, but Spark still ran its job seconds later despite two interrupts (until it ends). */
  sparkStillRunning: boolean;
  /** Running, but nobody reads it now: the rest of its result waits in Spark until asked for. */
  held: boolean;
}

/**
 * Every run started from this window: running ones with live progress and a cancel, finished ones with
 * duration, rows and outcome (the most recent `keepFinished` of them).
 */
export class OperationTracker implements Disposable {
  private readonly operations: TrackedOperation[] = [];
  private readonly executions = new Map<number, QueryExecution>();
  private nextId = 1;
  private readonly changed = new Emitter<TrackedOperation>();
  readonly onDidOperationChange = this.changed.event;
  private readonly cancelStalled = new Emitter<TrackedOperation>();
  /** A cancelled operation's job still runs in Spark: the user must be told, with what can stop it. */
  readonly onDidCancelStall = this.cancelStalled.event;

  constructor(private readonly keepFinished = 50) {}

  list(): readonly TrackedOperation[] {
    return this.operations;
  }

  running(): TrackedOperation[] {
    return this.operations.filter((o) => o.status === 'running');
  }

  /**
   * Follows an execution while the caller reads it: pass-through of every event, with the operation
   * record updated on the way. The record is finished however the reading ends (done, error, break).
   */
  async *follow(
    execution: QueryExecution,
    title: string,
    connectionName: string,
    onStart?: (operation: TrackedOperation) => void,
  ): AsyncGenerator<ResultEvent, void, undefined> {
    const operation: TrackedOperation = {
      id: this.nextId++,
      title,
      connectionName,
      startedAt: Date.now(),
      finishedAt: undefined,
      status: 'running',
      sparkOperationId: undefined,
      rows: 0,
      stages: { done: 0, total: 0 },
      tasks: { completed: 0, total: 0, running: 0 },
      error: undefined,
      retry: undefined,
      sparkStillRunning: false,
      held: false,
    };
    this.operations.unshift(operation);
    this.executions.set(operation.id, execution);
    onStart?.(operation);
    this.changed.fire(operation);
    const retries = execution.onDidRetry((notice) => {
      operation.retry = notice;
      this.changed.fire(operation);
    });
    // Outlives the reading: Spark may be found still running its job seconds after a cancel ended the stream.
    const stalls = execution.onDidCancelStall(() => {
      operation.sparkStillRunning = true;
      this.changed.fire(operation);
      this.cancelStalled.fire(operation);
    });
    let status: OperationStatus = 'cancelled';
    try {
      for await (const event of execution) {
        if (operation.retry) operation.retry = undefined;
        let changed = true;
        if (event.type === 'operation') operation.sparkOperationId = event.operationId;
        else if (event.type === 'batch') operation.rows += event.batch.numRows;
        else if (event.type === 'progress') applyProgress(operation, event.progress);
        else changed = false;
        if (changed) this.changed.fire(operation);
        yield event; // every event passes through, schema and metrics included
      }
      status = execution.cancelled ? 'cancelled' : 'succeeded';
    } catch (error) {
      const failure = asSparkError(error);
      status = failure.kind === 'cancelled' ? 'cancelled' : 'failed';
      operation.error = status === 'failed' ? failure : undefined;
      throw failure;
    } finally {
      // A consumer that stopped reading early has abandoned the run: its release interrupts the job.
      operation.status = status;
      operation.held = false;
      operation.finishedAt = Date.now();
      operation.retry = undefined;
      retries.dispose();
      this.executions.delete(operation.id);
      this.trim();
      this.changed.fire(operation);
      const settled = () => {
        stalls.dispose();
        if (operation.sparkStillRunning) {
          operation.sparkStillRunning = false;
          this.changed.fire(operation);
        }
      };
      if (execution.cancelOutcome) execution.cancelOutcome.then(settled, settled);
      else settled();
    }
  }

  /** Sets what an operation made when its stream does not carry it (a pipeline's rows, counted after the run). */
  setRows(operation: TrackedOperation, rows: number): void {
    operation.rows = rows;
    this.changed.fire(operation);
  }

  /** Drops a finished operation nobody asked for any more (an internal job a newer one replaced). */
  forget(operation: TrackedOperation): void {
    const index = this.operations.indexOf(operation);
    if (index === -1 || operation.status === 'running') return;
    this.operations.splice(index, 1);
    this.changed.fire(undefined as never);
  }

  /** Marks a running operation as held (its reader paused) or read again. */
  setHeld(operation: TrackedOperation, held: boolean): void {
    if (operation.status !== 'running' || operation.held === held) return;
    operation.held = held;
    this.changed.fire(operation);
  }

  /** Cancels one running operation (sends Interrupt for it only). */
  cancel(id: number): boolean {
    const execution = this.executions.get(id);
    if (!execution) return false;
    execution.cancel();
    return true;
  }

  cancelAll(): void {
    for (const execution of this.executions.values()) execution.cancel();
  }

  /** Forgets finished operations. */
  clearFinished(): void {
    for (let i = this.operations.length - 1; i >= 0; i--)
      if (this.operations[i]!.status !== 'running') this.operations.splice(i, 1);
    this.changed.fire(undefined as never);
  }

  private trim(): void {
    let finished = 0;
    for (let i = 0; i < this.operations.length; i++) {
      if (this.operations[i]!.status === 'running') continue;
      if (++finished > this.keepFinished) this.operations.splice(i--, 1);
    }
  }

  dispose(): void {
    this.cancelAll();
    this.changed.dispose();
    this.cancelStalled.dispose();
  }
}

function applyProgress(operation: TrackedOperation, progress: ExecutionProgress): void {
  operation.stages = { done: progress.stages.filter((s) => s.done).length, total: progress.stages.length };
  operation.tasks = {
    completed: progress.stages.reduce((sum, s) => sum + s.completedTasks, 0),
    total: progress.stages.reduce((sum, s) => sum + s.numTasks, 0),
    running: progress.inflightTasks,
  };
}

/** "2 of 3 stages, 14/40 tasks" — the words progress notifications and the Operations view use. */
export function describeProgress(
  operation: Pick<TrackedOperation, 'stages' | 'tasks' | 'rows'> & Partial<Pick<TrackedOperation, 'retry'>>,
): string {
  if (operation.retry) return `Reconnecting… (${operation.retry.attempt} of ${operation.retry.maxRetries})`;
  const parts: string[] = [];
  if (operation.stages.total > 0) parts.push(`${operation.stages.done} of ${operation.stages.total} stages`);
  if (operation.tasks.total > 0) parts.push(`${operation.tasks.completed}/${operation.tasks.total} tasks`);
  if (operation.rows > 0) parts.push(`${operation.rows.toLocaleString('en-US')} rows`);
  return parts.join(', ');
}
