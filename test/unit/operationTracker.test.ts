import assert from 'node:assert/strict';
import type { QueryExecution, ResultEvent } from '../../src/core/connect/queryExecution.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { OperationTracker, type TrackedOperation } from '../../src/core/operations/operationTracker.js';

/** An execution that yields `events`, then ends or throws `failure`. */
function execution(events: ResultEvent[], failure?: Error): QueryExecution {
  const none = () => ({ dispose: () => undefined });
  return {
    onDidRetry: none,
    onDidCancelStall: none,
    cancelled: false,
    cancelOutcome: undefined,
    async *[Symbol.asyncIterator]() {
      yield* events;
      if (failure) throw failure;
    },
  } as unknown as QueryExecution;
}

describe('the operations the view lists', () => {
  it("a pipeline's rows are set once its run counted them (its stream carries events, not rows)", async () => {
    const operations = new OperationTracker();
    let tracked: TrackedOperation | undefined;
    for await (const _ of operations.follow(execution([]), 'Pipeline retail', 'Local Spark', (o) => (tracked = o))) void _;
    assert.equal(tracked?.rows, 0);
    let changes = 0;
    operations.onDidOperationChange(() => changes++);
    operations.setRows(tracked!, 4_042);
    assert.equal(operations.list()[0]?.rows, 4_042);
    assert.equal(changes, 1);
  });

  it('an internal job a newer one replaced leaves the list; a running one cannot be forgotten', async () => {
    const operations = new OperationTracker();
    let chart: TrackedOperation | undefined;
    await assert.rejects(async () => {
      for await (const _ of operations.follow(
        execution([], new SparkError({ kind: 'cancelled', message: 'cancelled' })),
        'Chart: aggregate in Spark',
        'Local Spark',
        (o) => (chart = o),
      ))
        void _;
    });
    assert.equal(chart?.status, 'cancelled');
    operations.forget(chart!);
    assert.deepEqual(operations.list(), []);
    const running = operations.follow(
      execution([{ type: 'operation', operationId: 'op' } as ResultEvent]),
      'SELECT 1',
      'Local Spark',
    );
    await running.next();
    operations.forget(operations.list()[0]!);
    assert.equal(operations.list().length, 1, 'still running: kept');
    await running.return(undefined);
  });
});
