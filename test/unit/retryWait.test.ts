import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../src/core/connect/retryPolicy.js';
import { describeRetry, retryReason, waitToRetry, type RetryNotice } from '../../src/core/connect/retryWait.js';
import { SparkError } from '../../src/core/connect/sparkError.js';

const refused = new SparkError({
  kind: 'unavailable',
  grpcCode: 14,
  message: 'Cannot reach the Spark server at 127.0.0.1:15002: connection refused (is the server running?).',
});
const quick = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, initialBackoffMs: 20, maxBackoffMs: 20, maxRetries: 15 }, () => 0);

describe('waiting to retry', () => {
  it('announces each retry before waiting: which one of how many, how long, and why', async () => {
    const notices: RetryNotice[] = [];
    await waitToRetry({ policy: quick, endpoint: '127.0.0.1:15002', onRetry: (n) => notices.push(n) }, 2, refused);
    assert.deepEqual(notices, [
      { endpoint: '127.0.0.1:15002', attempt: 3, maxRetries: 15, delayMs: 20, reason: 'connection refused' },
    ]);
    assert.equal(
      describeRetry({ endpoint: '127.0.0.1:15002', attempt: 3, maxRetries: 15, delayMs: 3_200, reason: 'connection refused' }),
      'Spark at 127.0.0.1:15002 is unreachable (connection refused); retry 3 of 15 in 3.2 s',
    );
  });

  it('gives up with the failure itself once the policy has no retry left', async () => {
    const none = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, maxRetries: 2 });
    await assert.rejects(waitToRetry({ policy: none, endpoint: 'x:1' }, 2, refused), (error) => error === refused);
  });

  it('never waits past the time limit: the last try happens at the limit, then it gives up saying so', async () => {
    const slow = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, initialBackoffMs: 60_000 }, () => 0);
    const notices: RetryNotice[] = [];
    const started = Date.now();
    const deadline = { at: started + 150, limitMs: 5_000 };
    await waitToRetry({ policy: slow, endpoint: 'x:1', deadline, onRetry: (n) => notices.push(n) }, 0, refused);
    assert.ok(Date.now() - started < 400, 'the 60 s backoff was cut to the limit');
    assert.ok(notices[0]!.delayMs <= 150);
    await assert.rejects(
      waitToRetry({ policy: slow, endpoint: 'x:1', deadline }, 1, refused),
      (error: unknown) =>
        error instanceof SparkError &&
        error.kind === 'unavailable' &&
        /Spark at x:1 did not answer for 5 s, the retry time limit; gave up\. Last failure: Cannot reach/.test(error.message),
    );
  });

  it('a cancel stops the wait at once', async () => {
    const slow = new RetryPolicy({ ...DEFAULT_RETRY_POLICY, initialBackoffMs: 60_000 }, () => 0);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    const started = Date.now();
    await assert.rejects(
      waitToRetry({ policy: slow, endpoint: 'x:1', signal: abort.signal }, 0, refused),
      (error: unknown) => error instanceof SparkError && error.kind === 'cancelled',
    );
    assert.ok(Date.now() - started < 1_000);
  });

  it('says why in a few words', () => {
    assert.equal(retryReason(refused), 'connection refused');
    assert.equal(
      retryReason(new SparkError({ kind: 'unavailable', message: 'Cannot reach x: the connection was closed.' })),
      'connection closed',
    );
    assert.equal(
      retryReason(new SparkError({ kind: 'spark', message: 'busy', retryDelayMs: 100 })),
      'server asked to retry later',
    );
  });
});
