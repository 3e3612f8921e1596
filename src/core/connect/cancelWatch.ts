import { create } from '@bufbuild/protobuf';
import {
  ExecutePlanResponseSchema,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseExecuteResponseSchema,
} from '../../generated/spark/connect/base_pb.js';
import { sleep } from './retryWait.js';
import type { SessionContext } from './sessionContext.js';
import { asSparkError, isRetryable } from './sparkError.js';

/**
 * How a cancelled operation ended:
 * - stopped: its execution ended after the interrupt, and no job of it runs any more;
 * - finished: it completed before the interrupt reached it;
 * - gone: the server no longer knows it (already released, or the session ended);
 * - killed: Spark ended the operation but left a job of it running, which was then killed by id;
 * - running: it still ran when the watch gave up (see CancelWatchTimings.maxWatchMs).
 */
export type CancelOutcome = 'stopped' | 'finished' | 'gone' | 'killed' | 'running';

/**
 * What Spark Connect does not expose, for servers where we have it (the managed local server's Spark
 * UI): which jobs still run for an operation, and cancelling a job by id.
 */
export interface JobControl {
  /** The running jobs of an operation: tagged with it, or writing a table it writes. */
  runningJobs(owner: JobOwner): Promise<RunningJob[]>;
  kill(jobIds: readonly number[]): Promise<void>;
}

/**
 * Whose jobs to look for: an operation's, by its id and execution tag; for a pipeline run, also the
 * jobs writing its datasets, whatever their tags (Spark's pipeline threads outlive a run, and a flow's
 * job carries the tags of the run that started the thread, often an earlier one).
 */
export interface JobOwner {
  readonly operationId: string;
  readonly tag: string;
  /** Tables, as qualified as known (`schema.table`, `catalog.schema.table` or `table`). */
  readonly writes?: readonly string[];
}

export interface RunningJob {
  readonly id: number;
  /** Tagged with the operation, so Spark's interrupt reaches it; else known only by the table it writes. */
  readonly tagged: boolean;
}

/**
 * A pipeline run's flows go on starting jobs after its StartRun operation ended: after a cancel they
 * are looked for this long, and known by the tables they write.
 */
export interface FlowJobsAfterCancel {
  readonly watchMs: number;
  readonly writes: readonly string[];
}

export interface CancelWatchTimings {
  /** When to interrupt again by operation id and tag, and kill left-over jobs, if they still run. */
  readonly interruptAgainAfterMs: number;
  /** When to tell the user Spark did not stop it (onStall), if it still runs. */
  readonly stalledAfterMs: number;
  /** How long to keep following an operation Spark does not stop. */
  readonly maxWatchMs: number;
  /** How long after the cancel its jobs are looked for at least, however soon its operation ended. */
  readonly jobsWatchMs?: number;
}

export const DEFAULT_CANCEL_WATCH: CancelWatchTimings = {
  interruptAgainAfterMs: 2_000,
  stalledAfterMs: 6_000,
  maxWatchMs: 30 * 60_000,
};

export interface CancelWatchOptions extends CancelWatchTimings, JobOwner {
  readonly interruptAgain: () => Promise<void>;
  readonly jobs?: JobControl;
  readonly onStall: () => void;
  /** Ends the watch early (the client closes). */
  readonly signal: AbortSignal;
}

const TICK_MS = 100;
/** How often the jobs of a cancelled operation are looked up while it is watched. */
const JOB_POLL_MS = 500;
/**
 * A job an interrupted operation had just submitted can show up a moment after the operation ended:
 * its jobs are looked up once more this long after the end before the cancel counts as done.
 */
const JOBS_SETTLE_AFTER_END_MS = 300;

/**
 * A cancel is done when Spark has ended the operation and its jobs, not when our stream closes.
 * On Spark 4.2, an operation can end on an interrupt while a job it had just started runs
 * on (GetStatus then says "cancelled" although the JVM keeps computing), and GetStatus can also go on
 * saying "running" for an operation that ended; every later Interrupt answers "nothing to interrupt".
 * So the operation is kept after a cancel (not released) and followed by reattaching to it (its stream
 * ends when its execution thread does); where the server's jobs are visible (JobControl), its jobs are
 * followed too. If either still runs a few seconds on, the operation is interrupted again and its
 * jobs are killed by id; if it still runs after that, the user is told (onStall).
 */
export async function watchCancelledOperation(session: SessionContext, options: CancelWatchOptions): Promise<CancelOutcome> {
  const started = Date.now();
  let operationEnd: CancelOutcome | undefined;
  let endedAt = 0;
  const following = followOperation(session, options).then((outcome) => {
    operationEnd = outcome;
    endedAt = Date.now();
  });
  let interruptedAgain = false;
  let killed = false;
  const killedJobs = new Set<number>();
  let stalled = false;
  let jobs: RunningJob[] = [];
  let jobsSeenAt = 0;
  /** The jobs running when the cancel was first looked at. */
  let firstJobs: Set<number> | undefined;
  try {
    for (;;) {
      const settleLookAt = endedAt ? endedAt + JOBS_SETTLE_AFTER_END_MS : Infinity;
      if (options.jobs && (Date.now() - jobsSeenAt >= JOB_POLL_MS || (jobsSeenAt < settleLookAt && Date.now() >= settleLookAt))) {
        const lookedAt = Date.now();
        const { operationId, tag, writes } = options;
        jobs = await options.jobs.runningJobs({ operationId, tag, writes }).catch(() => []);
        jobsSeenAt = lookedAt;
      }
      const elapsed = Date.now() - started;
      const settled = !options.jobs || (jobsSeenAt >= settleLookAt && jobsSeenAt - started >= (options.jobsWatchMs ?? 0));
      if (operationEnd !== undefined && jobs.length === 0 && settled)
        return killed && operationEnd !== 'finished' ? 'killed' : operationEnd;
      if (operationEnd === 'running' || options.signal.aborted) return 'running';
      if (elapsed >= options.maxWatchMs) return 'running';
      if (!interruptedAgain && elapsed >= options.interruptAgainAfterMs) {
        interruptedAgain = true;
        if (operationEnd === undefined) options.interruptAgain().catch(() => undefined);
      }
      // A job running at the cancel, tagged with the operation, gets the interrupt's grace; one that
      // started after the cancel, runs after its operation ended, or that the interrupt cannot reach
      // (another operation's tags) is killed at once; from the second interrupt on, every job of it is.
      if (firstJobs === undefined && jobsSeenAt > 0) firstJobs = new Set(jobs.map((job) => job.id));
      const graceOver = interruptedAgain || operationEnd !== undefined;
      const unkilled = jobs
        .filter((job) => !killedJobs.has(job.id) && (graceOver || !job.tagged || !firstJobs?.has(job.id)))
        .map((job) => job.id);
      if (unkilled.length > 0) {
        killed = true;
        for (const id of unkilled) killedJobs.add(id);
        await options.jobs?.kill(unkilled).catch(() => undefined);
        jobsSeenAt = 0;
      }
      // Stalled means Spark still runs it: not a watch that only looks on for late jobs.
      if (!stalled && elapsed >= options.stalledAfterMs && (operationEnd === undefined || jobs.length > 0)) {
        stalled = true;
        options.onStall();
      }
      const tick = sleep(TICK_MS, options.signal).catch(() => undefined);
      await (operationEnd === undefined ? Promise.race([tick, following]) : tick);
    }
  } finally {
    release(session, options.operationId);
  }
}

/** Reattaches to the operation until its result stream ends: completed, failed or cancelled. */
async function followOperation(session: SessionContext, options: CancelWatchOptions): Promise<CancelOutcome> {
  const started = Date.now();
  let lastResponseId: string | undefined;
  while (Date.now() - started < options.maxWatchMs && !options.signal.aborted) {
    try {
      const stream = session.transport.serverStream(
        'ReattachExecute',
        ReattachExecuteRequestSchema,
        ExecutePlanResponseSchema,
        create(ReattachExecuteRequestSchema, { ...session.requestHeader(), operationId: options.operationId, lastResponseId }),
        { signal: options.signal },
      );
      for await (const response of stream) {
        lastResponseId = response.responseId;
        if (response.responseType.case === 'resultComplete') return 'finished';
      }
      // The server ends a reattached stream after its maximum duration: follow on.
    } catch (error) {
      if (options.signal.aborted) break;
      const failure = asSparkError(error);
      if (/INVALID_HANDLE\.(OPERATION_NOT_FOUND|OPERATION_ABANDONED|SESSION)/.test(`${failure.errorClass} ${failure.message}`))
        return 'gone';
      if (!isRetryable(failure)) return 'stopped';
      await sleep(1_000, options.signal).catch(() => undefined);
    }
  }
  return 'running';
}

function release(session: SessionContext, operationId: string): void {
  const request = create(ReleaseExecuteRequestSchema, {
    ...session.requestHeader(),
    operationId,
    release: { case: 'releaseAll', value: {} },
  });
  session.transport
    .unary('ReleaseExecute', ReleaseExecuteRequestSchema, ReleaseExecuteResponseSchema, request, { deadlineMs: 10_000 })
    .catch(() => undefined);
}
