import assert from 'node:assert/strict';
import { explainFailure } from '../../src/core/connect/failureExplanation.js';

const explain = (message: string, errorClass?: string) => explainFailure({ message, errorClass })?.title;

describe('explaining the failures Spark words badly', () => {
  it('a result over spark.driver.maxResultSize says to fetch fewer rows or raise that setting', () => {
    const message =
      'Job aborted due to stage failure: Total size of serialized results of 9 tasks (1038.3 MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)';
    assert.equal(explain(message), 'Result too large for the driver');
    assert.match(explainFailure({ message, errorClass: undefined })!.advice, /spark\.driver\.maxResultSize/);
  });

  it('TaskResultLost, an OutOfMemoryError, a lost executor and a shut-down SparkContext each get their own sentence', () => {
    assert.equal(
      explain(
        'Job aborted due to stage failure: Task 3 in stage 2.0 failed 1 times: TaskResultLost (result lost from block manager)',
      ),
      'Task result lost',
    );
    assert.equal(explain('java.lang.OutOfMemoryError: Java heap space'), 'Out of memory');
    assert.equal(
      explain('Job aborted due to stage failure: ExecutorLostFailure (executor 3 exited caused by one of the running tasks)'),
      'Executor lost',
    );
    assert.equal(explain('Job 7 cancelled because SparkContext was shut down'), 'Spark shut down');
    assert.equal(explain('Cannot call methods on a stopped SparkContext.'), 'Spark shut down');
  });

  it("leaves Spark's clear messages alone", () => {
    assert.equal(
      explain('[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.', 'TABLE_OR_VIEW_NOT_FOUND'),
      undefined,
    );
    assert.equal(explain('[DIVIDE_BY_ZERO] Division by zero.', 'DIVIDE_BY_ZERO'), undefined);
  });
});
