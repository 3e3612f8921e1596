import type { RetryPolicy } from './retryPolicy.js';
import { SparkError } from './sparkError.js';

/** A retry about to happen: shown to the user (progress, status bar, stderr), never done silently. */
export interface RetryNotice {
  readonly endpoint: string;
  /** Which retry this is, from 1. */
  readonly attempt: number;
  readonly maxRetries: number;
  readonly delayMs: number;
  /** The failure in a few words, e.g. "connection refused". */
  readonly reason: string;
}

/** The moment (epoch ms) retrying gives up, and the limit it comes from (for the message). */
export interface RetryDeadline {
  readonly at: number;
  readonly limitMs: number;
}

export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly endpoint: string;
  /** When retrying must stop, from the client's retry time limit; none: the policy's budget alone. */
  readonly deadline?: RetryDeadline;
  readonly signal?: AbortSignal;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** "Spark at host:port is unreachable (connection refused); retry 3 of 15 in 3.2 s" */
export function describeRetry(notice: RetryNotice): string {
  const what =
    notice.reason === 'result stream interrupted' ? 'interrupted a result stream' : `is unreachable (${notice.reason})`;
  return `Spark at ${notice.endpoint} ${what}; retry ${notice.attempt} of ${notice.maxRetries} in ${(notice.delayMs / 1000).toFixed(1)} s`;
}

/** The cause of a retryable failure in a few words. */
export function retryReason(failure: SparkError): string {
  const text = failure.message;
  if (/connection refused/i.test(text)) return 'connection refused';
  if (/could not be resolved/i.test(text)) return 'host name not resolved';
  if (/timed out|did not answer/i.test(text)) return 'no answer';
  if (/connection was closed/i.test(text)) return 'connection closed';
  if (failure.retryDelayMs !== undefined) return 'server asked to retry later';
  if (/INVALID_CURSOR/.test(text)) return 'result stream interrupted';
  return 'server unavailable';
}

/** The error a run ends with when the retry time limit ran out before the server answered again. */
export function retryTimeoutError(endpoint: string, limitMs: number, failure?: SparkError): SparkError {
  const last = failure ? ` Last failure: ${failure.message}` : '';
  return new SparkError({
    kind: 'unavailable',
    grpcCode: failure?.grpcCode ?? 14,
    message: `Spark at ${endpoint} did not answer for ${formatSeconds(limitMs)}, the retry time limit; gave up.${last}`,
    cause: failure,
  });
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/**
 * Waits before retry number `attempt` (from 0) after `failure`, announcing it first; throws instead when
 * the policy has no retry left, the time limit is reached, or the signal aborts. A wait that would
 * pass the limit is cut short, so the last try happens at the limit itself.
 */
export async function waitToRetry(context: RetryContext, attempt: number, failure: SparkError): Promise<void> {
  let delayMs = context.policy.delayBeforeRetry(attempt, failure.retryDelayMs);
  if (delayMs === undefined) throw failure;
  if (context.deadline) {
    const remaining = context.deadline.at - Date.now();
    if (remaining <= 0) throw retryTimeoutError(context.endpoint, context.deadline.limitMs, failure);
    delayMs = Math.min(delayMs, remaining);
  }
  context.onRetry?.({
    endpoint: context.endpoint,
    attempt: attempt + 1,
    maxRetries: context.policy.options.maxRetries,
    delayMs,
    reason: retryReason(failure),
  });
  await sleep(delayMs, context.signal);
}

/** Resolves after `ms`, or rejects with the signal's reason (a cancelled error without one) when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const aborted = () =>
      signal?.reason instanceof SparkError
        ? signal.reason
        : new SparkError({ kind: 'cancelled', message: 'The operation was cancelled.' });
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
