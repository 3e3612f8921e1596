import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../src/core/connect/retryPolicy.js';

/** A `random` that always returns `value` and counts how often it was asked. */
function fixedRandom(value: number): { random: () => number; calls: () => number } {
  let calls = 0;
  return {
    random: () => {
      calls++;
      return value;
    },
    calls: () => calls,
  };
}

const waits = (policy: RetryPolicy, count: number) =>
  Array.from({ length: count }, (_, attempt) => policy.delayBeforeRetry(attempt));

describe("retry policy (PySpark's numbers)", () => {
  it("has PySpark's DefaultPolicy constants", () => {
    assert.deepEqual(DEFAULT_RETRY_POLICY, {
      maxRetries: 15,
      initialBackoffMs: 50,
      backoffMultiplier: 4,
      maxBackoffMs: 60_000,
      jitterMs: 500,
      minJitterThresholdMs: 2_000,
      maxServerRetryDelayMs: 600_000,
    });
    assert.equal(new RetryPolicy().options, DEFAULT_RETRY_POLICY);
  });

  it('waits 50, 200, 800, then 3200, 12800, 51200 and 60000 ms plus jitter for all 15 retries', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0.5);
    assert.deepEqual(
      waits(policy, 15),
      [50, 200, 800, 3450, 13050, 51450, 60250, 60250, 60250, 60250, 60250, 60250, 60250, 60250, 60250],
    );
  });

  it('without jitter the raw backoff is 50·4^n capped at 60 s', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
    assert.deepEqual(
      waits(policy, 15),
      [50, 200, 800, 3200, 12800, 51200, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000, 60000],
    );
  });

  it('scales the jitter by random() up to jitterMs', () => {
    assert.equal(new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0.25).delayBeforeRetry(3), 3325);
    assert.equal(new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0.999).delayBeforeRetry(6), 60_000 + 499.5);
    assert.equal(new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0.1).delayBeforeRetry(14), 60_050);
  });

  it('adds jitter only once the wait reaches 2 s', () => {
    const spy = fixedRandom(0.99);
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, spy.random);
    assert.deepEqual(waits(policy, 3), [50, 200, 800]);
    assert.equal(spy.calls(), 0, 'no random draw below the threshold');
    assert.equal(policy.delayBeforeRetry(3), 3200 + 0.99 * 500);
    assert.equal(spy.calls(), 1);
  });

  it('treats the jitter threshold as inclusive', () => {
    const at800 = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, minJitterThresholdMs: 800 }, () => 0.5);
    assert.deepEqual(waits(at800, 3), [50, 200, 1050]);
    const above800 = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, minJitterThresholdMs: 801 }, () => 0.5);
    assert.deepEqual(waits(above800, 3), [50, 200, 800]);
  });

  it('gives up after 15 retries', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
    assert.notEqual(policy.delayBeforeRetry(14), undefined);
    assert.equal(policy.delayBeforeRetry(15), undefined);
    assert.equal(policy.delayBeforeRetry(16), undefined);
    assert.equal(policy.delayBeforeRetry(1000), undefined);
    assert.equal(policy.delayBeforeRetry(15, 5_000), undefined, 'a server delay does not buy extra retries');
  });

  it('tolerates at least ten minutes of unavailability, and 15 is the fewest retries that do', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
    const all = waits(policy, 15) as number[];
    const total = all.reduce((sum, wait) => sum + wait, 0);
    assert.equal(total, 608_250);
    assert.ok(total >= 10 * 60_000);
    assert.ok(total - all[14]! < 10 * 60_000, 'fourteen retries would not be enough');
  });

  it('follows custom options', () => {
    const policy = new RetryPolicy(
      {
        maxRetries: 4,
        initialBackoffMs: 100,
        backoffMultiplier: 2,
        maxBackoffMs: 500,
        jitterMs: 10,
        minJitterThresholdMs: 400,
        maxServerRetryDelayMs: 1_000,
      },
      () => 0.5,
    );
    assert.deepEqual(waits(policy, 5), [100, 200, 405, 505, undefined]);
    assert.equal(policy.delayBeforeRetry(0, 5_000), 1_005);
  });

  describe('server RetryInfo delay', () => {
    it('wins when longer than our backoff', () => {
      const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
      assert.equal(policy.delayBeforeRetry(0, 5_000), 5_000);
      assert.equal(policy.delayBeforeRetry(6, 90_000), 90_000);
      assert.equal(policy.delayBeforeRetry(0, 1_999), 1_999);
    });

    it('loses to our backoff when shorter', () => {
      const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
      assert.equal(policy.delayBeforeRetry(0, 10), 50);
      assert.equal(policy.delayBeforeRetry(2, 0), 800);
      assert.equal(policy.delayBeforeRetry(5, 50_000), 51_200);
      assert.equal(policy.delayBeforeRetry(10, 1_000), 60_000);
    });

    it('is capped at ten minutes', () => {
      const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
      assert.equal(policy.delayBeforeRetry(0, 3_600_000), 600_000);
      assert.equal(policy.delayBeforeRetry(0, 600_000), 600_000);
      assert.equal(policy.delayBeforeRetry(0, 600_001), 600_000);
      assert.equal(policy.delayBeforeRetry(0, 599_999), 599_999);
      assert.equal(policy.delayBeforeRetry(0, Number.MAX_SAFE_INTEGER), 600_000);
    });

    it('is not jittered below the jitter threshold, and at most by jitterMs above it', () => {
      const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0.9);
      assert.equal(policy.delayBeforeRetry(0, 1_500), 1_500);
      const long = policy.delayBeforeRetry(0, 5_000)!;
      assert.ok(long >= 5_000 && long < 5_500, `${long}`);
      const capped = policy.delayBeforeRetry(0, 3_600_000)!;
      assert.ok(capped >= 600_000 && capped < 600_500, `${capped}`);
    });
  });
});
