import assert from 'node:assert/strict';
import {
  watchCancelledOperation,
  type CancelWatchOptions,
  type JobControl,
  type RunningJob,
} from '../../src/core/connect/cancelWatch.js';
import { SessionContext } from '../../src/core/connect/sessionContext.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import type { SparkConnectTransport } from '../../src/core/connect/transport.js';

type Reattach = (signal: AbortSignal) => AsyncGenerator<unknown>;

/** A transport whose ReattachExecute streams come from `reattaches`, one per call; records every call. */
function fakeSession(reattaches: Reattach[]) {
  const calls: string[] = [];
  const transport = {
    endpoint: '127.0.0.1:15002',
    serverStream: (method: string, _i: unknown, _o: unknown, _request: unknown, options: { signal: AbortSignal }) => {
      calls.push(method);
      const next = reattaches.shift() ?? hangs;
      return next(options.signal);
    },
    unary: async (method: string, _i: unknown, _o: unknown, request: { release?: { case: string } }) => {
      calls.push(`${method}:${request.release?.case ?? ''}`);
      return {};
    },
  } as unknown as SparkConnectTransport;
  return { session: new SessionContext(transport, 'session-1', 'user', 'test'), calls };
}

// eslint-disable-next-line require-yield -- a stream that never sends anything
async function* hangs(signal: AbortSignal): AsyncGenerator<unknown> {
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  throw new SparkError({ kind: 'cancelled', message: 'The operation was cancelled.' });
}

function endsWith(error: SparkError): Reattach {
  // eslint-disable-next-line require-yield -- a stream that fails before sending anything
  return async function* () {
    throw error;
  };
}

const tagged = (...ids: number[]): RunningJob[] => ids.map((id) => ({ id, tagged: true }));

const cancelled = new SparkError({
  kind: 'spark',
  errorClass: 'OPERATION_CANCELED',
  message: '[OPERATION_CANCELED] Operation has been cancelled.',
});

function options(overrides: Partial<CancelWatchOptions> & { events?: string[] }): CancelWatchOptions {
  const events = overrides.events ?? [];
  return {
    operationId: 'op-1',
    tag: 'spark-workbench-tag',
    interruptAgainAfterMs: 60,
    stalledAfterMs: 150,
    maxWatchMs: 60_000,
    interruptAgain: async () => void events.push('interrupt again'),
    onStall: () => events.push('stall'),
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe('following a cancelled operation until Spark ends it', () => {
  it('an operation that ends with OPERATION_CANCELED is stopped: nothing more is sent but its release', async () => {
    const { session, calls } = fakeSession([endsWith(cancelled)]);
    const events: string[] = [];
    assert.equal(await watchCancelledOperation(session, options({ events })), 'stopped');
    assert.deepEqual(events, []);
    assert.deepEqual(calls, ['ReattachExecute', 'ReleaseExecute:releaseAll']);
  });

  it('one that completed before the interrupt landed is finished; one the server forgot is gone', async () => {
    const complete = fakeSession([
      async function* () {
        yield { responseId: 'r1', responseType: { case: 'arrowBatch' } };
        yield { responseId: 'r2', responseType: { case: 'resultComplete', value: {} } };
      },
    ]);
    assert.equal(await watchCancelledOperation(complete.session, options({})), 'finished');
    const forgotten = fakeSession([
      endsWith(new SparkError({ kind: 'spark', errorClass: 'INVALID_HANDLE.OPERATION_NOT_FOUND', message: 'not found' })),
    ]);
    assert.equal(await watchCancelledOperation(forgotten.session, options({})), 'gone');
  });

  it('one that runs on is interrupted again, then reported as stalled; it is released when the watch ends', async () => {
    const { session, calls } = fakeSession([]);
    const events: string[] = [];
    const stop = new AbortController();
    const watching = watchCancelledOperation(session, options({ events, signal: stop.signal }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    stop.abort();
    assert.equal(await watching, 'running');
    assert.deepEqual(events, ['interrupt again', 'stall']);
    assert.equal(calls.at(-1), 'ReleaseExecute:releaseAll');
  });

  it('a job left running after its operation ended is killed by id, and the cancel counts as done', async () => {
    const { session } = fakeSession([endsWith(cancelled)]);
    const events: string[] = [];
    let running = [7];
    const jobs: JobControl = {
      runningJobs: async (owner) => {
        assert.deepEqual(owner, { operationId: 'op-1', tag: 'spark-workbench-tag', writes: ['`retail`.`curated`'] });
        return tagged(...running);
      },
      kill: async (ids) => {
        events.push(`kill ${ids.join(',')}`);
        running = [];
      },
    };
    const started = Date.now();
    const watched = options({ events, jobs, stalledAfterMs: 10_000, writes: ['`retail`.`curated`'] });
    assert.equal(await watchCancelledOperation(session, watched), 'killed');
    assert.deepEqual(events, ['kill 7'], 'the operation had ended: no second interrupt, only the kill');
    assert.ok(Date.now() - started < 3_000);
  });

  it('with the jobs in view, a cancel is done once its jobs are looked up again a moment after the operation ended, and no later', async () => {
    const { session } = fakeSession([endsWith(cancelled)]);
    const lookups: number[] = [];
    const started = Date.now();
    const jobs: JobControl = {
      runningJobs: async () => (lookups.push(Date.now() - started), []),
      kill: async () => assert.fail('nothing to kill'),
    };
    assert.equal(await watchCancelledOperation(session, options({ jobs, stalledAfterMs: 10_000 })), 'stopped');
    const elapsed = Date.now() - started;
    assert.ok(
      lookups.some((at) => at >= 300),
      `a lookup 300 ms after the end: ${lookups.join(', ')}`,
    );
    assert.ok(elapsed < 800, `done ${elapsed} ms after the cancel`);
  });

  it('a job that shows up just after its operation ended is seen and killed', async () => {
    const { session } = fakeSession([endsWith(cancelled)]);
    const events: string[] = [];
    const started = Date.now();
    let killed = false;
    const jobs: JobControl = {
      runningJobs: async () => (!killed && Date.now() - started >= 200 ? tagged(9) : []),
      kill: async (ids) => {
        events.push(`kill ${ids.join(',')}`);
        killed = true;
      },
    };
    assert.equal(
      await watchCancelledOperation(session, options({ events, jobs, interruptAgainAfterMs: 400, stalledAfterMs: 10_000 })),
      'killed',
    );
    assert.deepEqual(events, ['kill 9']);
  });
});

describe('a stopped pipeline run', () => {
  it('has its jobs looked for as long as it asks, and one that starts later (a flow retried) is killed too', async () => {
    const { session } = fakeSession([endsWith(cancelled)]);
    const events: string[] = [];
    const started = Date.now();
    const killed = new Set<number>();
    const jobs: JobControl = {
      runningJobs: async () => {
        const at = Date.now() - started;
        return tagged(...[...(at < 300 ? [1] : []), ...(at >= 700 ? [2] : [])].filter((job) => !killed.has(job)));
      },
      kill: async (ids) => {
        events.push(`kill ${ids.join(',')}`);
        for (const id of ids) killed.add(id);
      },
    };
    const outcome = await watchCancelledOperation(
      session,
      options({ events, jobs, interruptAgainAfterMs: 200, stalledAfterMs: 10_000, jobsWatchMs: 1_200 }),
    );
    assert.equal(outcome, 'killed');
    assert.deepEqual(events, ['kill 1', 'kill 2']);
    assert.ok(Date.now() - started >= 1_200);
  });

  it('kills a job that starts after the cancel at once, without waiting for the second interrupt', async () => {
    const { session } = fakeSession([endsWith(cancelled)]);
    const events: string[] = [];
    const started = Date.now();
    const killed = new Map<number, number>();
    const jobs: JobControl = {
      runningJobs: async () => (Date.now() - started >= 200 && !killed.has(2) ? tagged(2) : []),
      kill: async (ids) => {
        events.push(`kill ${ids.join(',')}`);
        for (const id of ids) killed.set(id, Date.now() - started);
      },
    };
    const outcome = await watchCancelledOperation(
      session,
      options({ events, jobs, interruptAgainAfterMs: 5_000, stalledAfterMs: 10_000, jobsWatchMs: 1_000 }),
    );
    assert.equal(outcome, 'killed');
    assert.deepEqual(events, ['kill 2']);
    assert.ok(killed.get(2)! < 1_000, `killed after ${killed.get(2)} ms`);
  });

  it("kills at once a job running at the cancel that Spark's interrupt cannot reach (known by its table, not its tags)", async () => {
    const { session } = fakeSession([]);
    const events: string[] = [];
    const started = Date.now();
    const killed = new Map<number, number>();
    const stop = new AbortController();
    const jobs: JobControl = {
      runningJobs: async () =>
        [
          { id: 1, tagged: true },
          { id: 2, tagged: false },
        ].filter((job) => !killed.has(job.id)),
      kill: async (ids) => {
        events.push(`kill ${ids.join(',')}`);
        for (const id of ids) killed.set(id, Date.now() - started);
      },
    };
    const watching = watchCancelledOperation(
      session,
      options({ events, jobs, interruptAgainAfterMs: 600, stalledAfterMs: 10_000, signal: stop.signal }),
    );
    await new Promise((resolve) => setTimeout(resolve, 900));
    stop.abort();
    await watching;
    assert.deepEqual(events, ['kill 2', 'interrupt again', 'kill 1']);
    assert.ok(killed.get(2)! < 300, `the untagged job killed after ${killed.get(2)} ms`);
    assert.ok(killed.get(1)! >= 600, `the tagged one had the interrupt's grace: killed after ${killed.get(1)} ms`);
  });

  it('looks on for late jobs past the stall time without calling it a stall', async () => {
    const { session } = fakeSession([endsWith(cancelled)]);
    const events: string[] = [];
    const jobs: JobControl = { runningJobs: async () => [], kill: async () => undefined };
    const outcome = await watchCancelledOperation(
      session,
      options({ events, jobs, interruptAgainAfterMs: 200, stalledAfterMs: 300, jobsWatchMs: 800 }),
    );
    assert.equal(outcome, 'stopped');
    assert.ok(!events.includes('stall'), events.join(', '));
  });
});
