import type { ExecutionStats, QueryExecution, ResultEvent } from '../../core/connect/queryExecution.js';
import { asSparkError, type SparkError } from '../../core/connect/sparkError.js';
import { describeProgress, type OperationTracker, type TrackedOperation } from '../../core/operations/operationTracker.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import type { SqlParameterValue } from '../../core/sql/sqlParameters.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { showFailureNotice } from './failureNotice.js';

export interface StreamOptions {
  /** Ask Spark for at most this many rows (a Limit on the query). */
  readonly maxRows?: number;
  /** Stops the run like the notification's cancel button does. */
  readonly signal?: AbortSignal;
  /** Values of the statement's `:name` parameters. */
  readonly args?: Readonly<Record<string, SqlParameterValue>>;
  /** The run's entry in the Operations view, as soon as it exists: its progress changes live. */
  readonly onOperation?: (operation: TrackedOperation) => void;
  /** A Spark error of the statement itself is shown where the caller puts it (a diagnostic), not as a notification. */
  readonly sparkErrorsShownByCaller?: boolean;
  /**
   * Every result event, in order, with the execution's running counters; a returned promise holds the
   * stream back until it settles. `'hold'` stops reading with the execution kept open in Spark: the
   * run ends as succeeded with `held`, which reads on from there.
   */
  readonly onEvent?: (
    event: ResultEvent,
    stats: Readonly<ExecutionStats>,
    progressText: string,
  ) => EventVerdict | Promise<EventVerdict>;
}

export type EventVerdict = void | 'hold';

/** A run that stopped reading with its execution kept open in Spark. */
export interface HeldResult {
  /** Reads on from where the run stopped, under a progress notification of its own, until held again or done. */
  resume(options: Pick<StreamOptions, 'onEvent' | 'signal' | 'sparkErrorsShownByCaller'>): Promise<RunSummary>;
  /** Ends the execution: Spark releases its results. */
  release(): void;
}

export interface RunSummary {
  readonly status: 'succeeded' | 'failed' | 'cancelled' | 'refused';
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly error?: SparkError;
  /** Set when `onEvent` held the run: the rest of the result is still in Spark. */
  readonly held?: HeldResult;
}

/** What a run needs of the connection manager. */
export type RunConnections = Pick<ConnectionManager, 'client' | 'profile' | 'reportFailure'>;

/**
 * Runs SQL the way every user-started run goes: tracked in the Operations view, with a cancellable
 * progress notification showing Spark's stage and task counts (or "Reconnecting… (3 of 15)" while it
 * waits for an unanswering server; Cancel stops that wait too); cancel interrupts that operation only;
 * a failure becomes a notification with the action that fixes it, and marks a broken connection.
 */
export class QueryRunner {
  constructor(
    private readonly host: WorkbenchHost,
    private readonly connections: RunConnections,
    private readonly operations: OperationTracker,
    private readonly log: OutputLog,
  ) {}

  /** Streams a run's events to `onEvent` as they arrive; always settles with what happened. */
  async stream(sql: string, title: string, options: StreamOptions = {}): Promise<RunSummary> {
    const startedAt = Date.now();
    if (!this.host.isTrusted()) {
      this.host.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.').catch(() => undefined);
      return { status: 'refused', rows: 0, bytes: 0, elapsedMs: 0 };
    }
    let stats: Readonly<ExecutionStats> | undefined;
    try {
      const client = await this.connections.client(this.connections.profile ?? undefined);
      const connectionName = this.connections.profile?.name ?? 'Spark';
      const execution = client.sql(sql, { maxRows: options.maxRows, args: options.args });
      stats = execution.stats;
      let tracked: TrackedOperation | undefined;
      const followed = this.operations.follow(execution, title, connectionName, (o) => {
        tracked = o;
        options.onOperation?.(o);
      });
      const events = followed[Symbol.asyncIterator]();
      return await this.read({ execution, events, tracked: () => tracked, title, startedAt }, options);
    } catch (thrown) {
      return this.failed(thrown, title, stats, startedAt, options);
    }
  }

  /** Reads a run's events under a progress notification until they end or `onEvent` holds the run. */
  private async read(
    run: {
      readonly execution: QueryExecution;
      readonly events: AsyncIterator<ResultEvent>;
      readonly tracked: () => TrackedOperation | undefined;
      readonly title: string;
      readonly startedAt: number;
    },
    options: Pick<StreamOptions, 'onEvent' | 'signal' | 'sparkErrorsShownByCaller'>,
  ): Promise<RunSummary> {
    const { execution, events, title } = run;
    try {
      const held = await this.host.withProgress(
        { title: `Spark: ${title}`, cancellable: true },
        async (progress, cancellation) => {
          let lastMessage = '';
          const report = () => {
            const tracked = run.tracked();
            const message = tracked ? describeProgress(tracked) : '';
            if (message && message !== lastMessage) progress.report((lastMessage = message));
            return message;
          };
          // Progress also changes while no event flows (a retry's wait), so it follows the tracker.
          const changes = this.operations.onDidOperationChange((operation) => {
            if (operation && operation === run.tracked()) report();
          });
          const cancel = cancellation.onCancellationRequested(() => execution.cancel());
          const abort = () => execution.cancel();
          options.signal?.addEventListener('abort', abort);
          if (options.signal?.aborted) execution.cancel();
          try {
            for (;;) {
              const next = await events.next();
              if (next.done) return false;
              if ((await options.onEvent?.(next.value, execution.stats, report())) === 'hold') return true;
            }
          } finally {
            changes.dispose();
            cancel.dispose();
            options.signal?.removeEventListener('abort', abort);
          }
        },
      );
      const summary = this.summary('succeeded', execution.stats, run.startedAt);
      if (!held) {
        this.log.info(`${title}: ${summary.rows} rows in ${summary.elapsedMs} ms`);
        return summary;
      }
      const operation = run.tracked();
      if (operation) this.operations.setHeld(operation, true);
      this.log.info(`${title}: ${summary.rows} rows read; the rest is held in Spark until asked for`);
      const release = () => {
        events.return?.(undefined).catch(() => undefined);
      };
      return {
        ...summary,
        held: {
          resume: async (resumed) => {
            if (operation) this.operations.setHeld(operation, false);
            try {
              return await this.read(run, { sparkErrorsShownByCaller: options.sparkErrorsShownByCaller, ...resumed });
            } catch (thrown) {
              return this.failed(thrown, title, execution.stats, run.startedAt, {
                sparkErrorsShownByCaller: options.sparkErrorsShownByCaller,
                ...resumed,
              });
            }
          },
          release,
        },
      };
    } catch (thrown) {
      return this.failed(thrown, title, execution.stats, run.startedAt, options);
    }
  }

  private failed(
    thrown: unknown,
    title: string,
    stats: Readonly<ExecutionStats> | undefined,
    startedAt: number,
    options: Pick<StreamOptions, 'sparkErrorsShownByCaller'>,
  ): RunSummary {
    const error = asSparkError(thrown);
    if (error.kind === 'cancelled') {
      this.log.info(`${title}: cancelled`);
      return { ...this.summary('cancelled', stats, startedAt), error };
    }
    this.connections.reportFailure(error);
    this.log.error(title, error);
    if (!(options.sparkErrorsShownByCaller && error.kind === 'spark'))
      showFailureNotice(this.host, error, this.connections.profile).catch((failure: unknown) =>
        this.log.error('Showing a failure', failure),
      );
    return { ...this.summary('failed', stats, startedAt), error };
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
