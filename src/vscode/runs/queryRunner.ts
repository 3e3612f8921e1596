import * as vscode from 'vscode';
import type { ExecutionStats, ResultEvent } from '../../core/connect/queryExecution.js';
import { asSparkError, type SparkError } from '../../core/connect/sparkError.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { describeProgress, type OperationTracker } from '../../core/operations/operationTracker.js';
import type { OutputLog } from '../outputLog.js';
import { showFailure } from './failureNotifications.js';

export interface StreamOptions {
  /** Ask Spark for at most this many rows (a Limit on the query). */
  readonly maxRows?: number;
  /** Stops the run like the notification's cancel button does. */
  readonly signal?: AbortSignal;
  /** Every result event, in order, with the execution's running counters; a returned promise holds the stream back until it settles. */
  readonly onEvent?: (event: ResultEvent, stats: Readonly<ExecutionStats>, progressText: string) => void | Promise<void>;
}

export interface RunSummary {
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'refused';
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly error?: SparkError;
}

/**
 * Runs SQL the way every user-started run goes: tracked in the Operations view, with a cancellable
 * progress notification showing Spark's stage and task counts; cancel interrupts that operation only;
 * a failure becomes a notification with the action that fixes it, and marks a broken connection.
 */
export class QueryRunner {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly operations: OperationTracker,
    private readonly log: OutputLog,
  ) {}

  /** Streams a run's events to `onEvent` as they arrive; always settles with what happened. */
  async stream(sql: string, title: string, options: StreamOptions = {}): Promise<RunSummary> {
    const startedAt = Date.now();
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.');
      return { status: 'refused', rows: 0, bytes: 0, elapsedMs: 0 };
    }
    let stats: Readonly<ExecutionStats> | undefined;
    try {
      const client = await this.connections.client(this.connections.profile ?? undefined);
      const connectionName = this.connections.profile?.name ?? 'Spark';
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Spark: ${title}`, cancellable: true },
        async (progress, token) => {
          const execution = client.sql(sql, { maxRows: options.maxRows });
          stats = execution.stats;
          const cancel = token.onCancellationRequested(() => execution.cancel());
          const abort = () => execution.cancel();
          options.signal?.addEventListener('abort', abort);
          if (options.signal?.aborted) execution.cancel();
          let lastMessage = '';
          try {
            for await (const event of this.operations.follow(execution, title, connectionName)) {
              const current = this.operations.list().find((o) => o.sparkOperationId === execution.operationId);
              const message = current ? describeProgress(current) : '';
              await options.onEvent?.(event, execution.stats, message);
              if (message && message !== lastMessage) progress.report({ message: (lastMessage = message) });
            }
          } finally {
            cancel.dispose();
            options.signal?.removeEventListener('abort', abort);
          }
        },
      );
      const summary = this.summary('succeeded', stats, startedAt);
      this.log.info(`${title}: ${summary.rows} rows in ${summary.elapsedMs} ms`);
      return summary;
    } catch (thrown) {
      const error = asSparkError(thrown);
      if (error.kind === 'cancelled') {
        this.log.info(`${title}: cancelled`);
        return { ...this.summary('cancelled', stats, startedAt), error };
      }
      this.connections.reportFailure(error);
      this.log.error(title, error);
      void showFailure(error, this.connections.profile);
      return { ...this.summary('failed', stats, startedAt), error };
    }
  }

  private summary(status: RunSummary['status'], stats: Readonly<ExecutionStats> | undefined, startedAt: number): RunSummary {
    return {
      status,
      rows: stats?.rows ?? 0,
      bytes: stats?.arrowBytes ?? 0,
      elapsedMs: (stats?.finishedAt ?? Date.now()) - (stats?.startedAt ?? startedAt),
    };
  }
}
