import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../src/core/connect/retryPolicy.js';

describe("retry policy (PySpark's numbers)", () => {
  it('waits 50, 200, 800 ms then adds jitter from 2 s on, capped at 60 s', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0.5);
    const waits = Array.from({ length: 8 }, (_, attempt) => policy.delayBeforeRetry(attempt));
    assert.deepEqual(waits, [50, 200, 800, 3450, 13050, 51450, 60250, 60250]);
  });

  it('gives up after 15 retries, having tolerated at least ten minutes', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
    let total = 0;
    for (let attempt = 0; attempt < 15; attempt++) total += policy.delayBeforeRetry(attempt)!;
    assert.equal(policy.delayBeforeRetry(15), undefined);
    assert.ok(total >= 10 * 60_000, `total ${total} ms`);
  });

  it('honours a longer server RetryInfo delay, capped at 10 minutes', () => {
    const policy = new RetryPolicy(DEFAULT_RETRY_POLICY, () => 0);
    assert.equal(policy.delayBeforeRetry(0, 5_000), 5_000);
    assert.equal(policy.delayBeforeRetry(0, 10), 50, 'our backoff wins when longer');
    assert.equal(policy.delayBeforeRetry(0, 3_600_000), 600_000);
  });
});
