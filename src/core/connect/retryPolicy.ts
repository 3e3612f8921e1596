/**
 * When and how long to wait before retrying a failed RPC. The numbers are PySpark's DefaultPolicy
 * (python/pyspark/sql/connect/client/retries.py), which the Scala, Go and Swift clients share, so our
 * client gives up exactly when theirs would: at least ten minutes of tolerated unavailability.
 */
export interface RetryPolicyOptions {
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly maxBackoffMs: number;
  /** Uniform random 0..jitter added once the wait reaches minJitterThresholdMs. */
  readonly jitterMs: number;
  readonly minJitterThresholdMs: number;
  /** Upper bound on a server-sent google.rpc.RetryInfo delay. */
  readonly maxServerRetryDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  maxRetries: 15,
  initialBackoffMs: 50,
  backoffMultiplier: 4,
  maxBackoffMs: 60_000,
  jitterMs: 500,
  minJitterThresholdMs: 2_000,
  maxServerRetryDelayMs: 600_000,
};

export class RetryPolicy {
  constructor(
    readonly options: RetryPolicyOptions = DEFAULT_RETRY_POLICY,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The wait before retry number `attempt` (0-based), or undefined when retries are used up.
   * A server-suggested delay wins when it is longer than our own backoff.
   */
  delayBeforeRetry(attempt: number, serverRetryDelayMs?: number): number | undefined {
    const o = this.options;
    if (attempt >= o.maxRetries) return undefined;
    let wait = Math.min(o.initialBackoffMs * o.backoffMultiplier ** attempt, o.maxBackoffMs);
    if (serverRetryDelayMs !== undefined) wait = Math.max(wait, Math.min(serverRetryDelayMs, o.maxServerRetryDelayMs));
    if (wait >= o.minJitterThresholdMs) wait += this.random() * o.jitterMs;
    return wait;
  }
}
