import assert from 'node:assert/strict';
import { SparkError } from '../../../src/core/connect/sparkError.js';
import { PrerequisiteError } from '../../../src/core/localSpark/prerequisites.js';
import { failureNotice, showFailureNotice } from '../../../src/vscode/runs/failureNotice.js';
import { FakeHost } from './fakeHost.js';
import { LOCAL, TEST_SPARK } from './fakeConnections.js';

const unreachable = new SparkError({
  kind: 'unavailable',
  message: 'Cannot reach the Spark server at 127.0.0.1:15002: connection refused (is the server running?).',
});
const rejectedToken = new SparkError({
  kind: 'unauthenticated',
  message: 'The Spark server at 127.0.0.1:15003 rejected the token.',
});
const restarted = new SparkError({
  kind: 'sessionChanged',
  message: 'The Spark server at 127.0.0.1:15003 restarted or dropped this session; the next request starts a new session.',
});

const titles = (error: unknown, profile = TEST_SPARK) => failureNotice(error, profile)?.actions.map((a) => a.title);

describe('failure notices', () => {
  it('a local server that died offers Restart Local Spark; the log lines stay in the log', () => {
    const died = new SparkError({
      kind: 'serverStopped',
      message:
        'Local Spark stopped (exit code 52: out of memory). The Spark driver ran out of memory.\nLast lines of its log (x.log):\n  ERROR oom',
    });
    assert.deepEqual(failureNotice(died, LOCAL), {
      message: 'Local Spark stopped (exit code 52: out of memory). The Spark driver ran out of memory.',
      actions: [
        { title: 'Restart Local Spark', command: 'sparkWorkbench.localSpark.restart', args: [] },
        { title: 'Show Logs', command: 'sparkWorkbench.logs.show', args: [] },
      ],
    });
    const stopped = new SparkError({ kind: 'serverStopped', message: 'Local Spark was stopped.' });
    assert.deepEqual(titles(stopped, LOCAL), ['Start Local Spark', 'Show Logs']);
  });

  it("a failure Spark words badly is explained, with Spark's words left to the log", () => {
    const lost = new SparkError({
      kind: 'spark',
      message: 'Job aborted due to stage failure: Task 1 in stage 3.0 failed: TaskResultLost (result lost from block manager)',
    });
    const notice = failureNotice(lost, LOCAL)!;
    assert.match(notice.message, /^Task result lost: Spark lost a task's result/);
    assert.match(notice.message, /sparkWorkbench\.localSpark\.driverMemory/);
    const shutDown = new SparkError({ kind: 'spark', message: 'Job 3 cancelled because SparkContext was shut down' });
    assert.deepEqual(titles(shutDown, LOCAL), ['Restart Local Spark', 'Show Logs']);
    assert.deepEqual(titles(shutDown, TEST_SPARK), ['Show Logs']);
  });

  it('an unreachable local server offers Start Local Spark, Edit Connection and Show Logs', () => {
    assert.deepEqual(failureNotice(unreachable, LOCAL), {
      message: 'Cannot reach the Spark server at 127.0.0.1:15002: connection refused (is the server running?).',
      actions: [
        { title: 'Start Local Spark', command: 'sparkWorkbench.localSpark.start', args: [] },
        { title: 'Edit Connection', command: 'sparkWorkbench.connection.edit', args: [] },
        { title: 'Show Logs', command: 'sparkWorkbench.logs.show', args: [] },
      ],
    });
  });

  it('a missing or wrong Java for the local server opens its settings', () => {
    const error = new PrerequisiteError("The Java home configured for the local Spark server, '/opt/x', has no bin/java.");
    assert.deepEqual(failureNotice(error, LOCAL)?.actions, [
      { title: 'Local Spark Settings', command: 'workbench.action.openSettings', args: ['sparkWorkbench.localSpark'] },
      { title: 'Show Logs', command: 'sparkWorkbench.logs.show', args: [] },
    ]);
  });

  it('an unreachable remote server offers Edit Connection, not Start Local Spark', () => {
    assert.deepEqual(titles(unreachable, TEST_SPARK), ['Edit Connection', 'Show Logs']);
  });

  it('a rejected token offers Set Token for that connection', () => {
    assert.deepEqual(failureNotice(rejectedToken, TEST_SPARK)?.actions[0], {
      title: 'Set Token',
      command: 'sparkWorkbench.connection.setToken',
      args: ['Test Spark'],
    });
    assert.deepEqual(titles(rejectedToken), ['Set Token', 'Show Logs']);
  });

  it('a rejected token with no connection known lets Set Token ask which one', () => {
    assert.deepEqual(failureNotice(rejectedToken, undefined)?.actions[0]?.args, []);
  });

  it('a restarted server only offers the logs: its message already says the next request starts a new session', () => {
    assert.deepEqual(failureNotice(restarted, TEST_SPARK), {
      message: restarted.message,
      actions: [{ title: 'Show Logs', command: 'sparkWorkbench.logs.show', args: [] }],
    });
  });

  it('a Spark error and an unknown failure offer the logs', () => {
    const analysis = new SparkError({ kind: 'spark', message: '[TABLE_OR_VIEW_NOT_FOUND] The table `nope` cannot be found.' });
    assert.deepEqual(titles(analysis), ['Show Logs']);
    assert.deepEqual(failureNotice(new Error('Java 17 or newer is needed.'), LOCAL), {
      message: 'Java 17 or newer is needed.',
      actions: [{ title: 'Show Logs', command: 'sparkWorkbench.logs.show', args: [] }],
    });
    assert.equal(failureNotice('plain text', LOCAL)?.message, 'plain text');
  });

  it('a cancellation is not a failure: no notice', () => {
    assert.equal(failureNotice(new SparkError({ kind: 'cancelled', message: 'The operation was cancelled.' }), LOCAL), undefined);
  });
});

describe('showing a failure notice', () => {
  it('shows the error with its actions and runs the one chosen, with its arguments', async () => {
    const host = new FakeHost();
    host.answerMessage = () => 'Set Token';
    await showFailureNotice(host, rejectedToken, TEST_SPARK);
    assert.deepEqual(host.messages, [
      { severity: 'error', text: 'The Spark server at 127.0.0.1:15003 rejected the token.', actions: ['Set Token', 'Show Logs'] },
    ]);
    assert.deepEqual(host.executed, [{ id: 'sparkWorkbench.connection.setToken', args: ['Test Spark'] }]);
  });

  it('runs nothing when dismissed', async () => {
    const host = new FakeHost();
    await showFailureNotice(host, unreachable, LOCAL);
    assert.equal(host.messages.length, 1);
    assert.deepEqual(host.executed, []);
  });

  it('shows nothing for a cancellation', async () => {
    const host = new FakeHost();
    await showFailureNotice(host, new SparkError({ kind: 'cancelled', message: 'The operation was cancelled.' }), LOCAL);
    assert.deepEqual(host.messages, []);
  });
});
