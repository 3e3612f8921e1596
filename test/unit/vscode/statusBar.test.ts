import assert from 'node:assert/strict';
import { SparkError } from '../../../src/core/connect/sparkError.js';
import { ConnectionStatusBar } from '../../../src/vscode/connections/connectionStatusBar.js';
import { statusBarPresentation } from '../../../src/vscode/connections/statusBarPresentation.js';
import { FakeHost } from './fakeHost.js';
import { connectedState, FakeConnections, LOCAL, TEST_SPARK } from './fakeConnections.js';

describe('status bar presentation', () => {
  it('reconnecting: while a run retries an unanswering server, which retry of how many, and why', () => {
    const retrying = {
      ...connectedState(TEST_SPARK),
      retry: { endpoint: '127.0.0.1:15003', attempt: 3, maxRetries: 15, delayMs: 800, reason: 'connection refused' },
    } as const;
    const shown = statusBarPresentation(retrying);
    assert.equal(shown.text, '$(sync~spin) Spark: Reconnecting… (3 of 15)');
    assert.match(String(shown.tooltip), /does not answer \(connection refused\); retrying\. Cancel the run to stop waiting\./);
    assert.equal(shown.command, 'sparkWorkbench.logs.show');
  });

  it('a stopped local server: says so, and clicking restarts it', () => {
    const error = new SparkError({ kind: 'serverStopped', message: 'Local Spark stopped (killed by signal 9, SIGKILL).' });
    assert.deepEqual(statusBarPresentation({ kind: 'error', profile: LOCAL, error }), {
      text: '$(debug-stop) Spark: Local Spark stopped',
      tooltip: 'Local Spark stopped (killed by signal 9, SIGKILL).\n\nClick to restart it.',
      command: 'sparkWorkbench.localSpark.restart',
      isError: true,
    });
  });

  it('disconnected: a plug icon, and clicking connects', () => {
    assert.deepEqual(statusBarPresentation({ kind: 'disconnected', profile: TEST_SPARK }), {
      text: '$(debug-disconnect) Spark',
      tooltip: 'Not connected to Spark. Click to connect.',
      command: 'sparkWorkbench.connection.connect',
      isError: false,
    });
  });

  it('starting: a spinner with the connection name, the current step as tooltip, and clicking shows the logs', () => {
    assert.deepEqual(statusBarPresentation({ kind: 'starting', profile: LOCAL, detail: 'Preparing the local Spark runtime…' }), {
      text: '$(loading~spin) Spark: Local Spark',
      tooltip: 'Preparing the local Spark runtime…',
      command: 'sparkWorkbench.logs.show',
      isError: false,
    });
  });

  it('connecting: a spinner, and a tooltip naming the connection', () => {
    const shown = statusBarPresentation({ kind: 'connecting', profile: TEST_SPARK });
    assert.equal(shown.text, '$(loading~spin) Spark: Test Spark');
    assert.equal(shown.tooltip, 'Connecting to Test Spark…');
    assert.equal(shown.command, 'sparkWorkbench.logs.show');
    assert.equal(shown.isError, false);
  });

  it('connected: the Spark version and name, a Markdown tooltip with endpoint and session, and clicking switches', () => {
    assert.deepEqual(statusBarPresentation(connectedState(TEST_SPARK)), {
      text: '$(zap) Spark 4.1.1: Test Spark',
      tooltip: {
        markdown:
          'Connected to **Test Spark** at `127.0.0.1:15003`\n\nSpark 4.1.1, session `0b7c8a52-54d1-4c4d-9f0e-3e1e5a6f7d10`\n\nClick to switch connection.',
      },
      command: 'sparkWorkbench.connection.switch',
      isError: false,
    });
    const inSchema = statusBarPresentation(connectedState(TEST_SPARK, { catalog: 'spark_catalog', schema: 'retail' }));
    assert.match((inSchema.tooltip as { markdown: string }).markdown, /\n\nCurrent schema `spark_catalog\.retail`\n\nClick/);
  });

  it('error: on the error background, the error as tooltip, and clicking reconnects', () => {
    const error = new SparkError({ kind: 'unavailable', message: 'Cannot reach the Spark server at 127.0.0.1:15003.' });
    assert.deepEqual(statusBarPresentation({ kind: 'error', profile: TEST_SPARK, error }), {
      text: '$(error) Spark: Test Spark',
      tooltip: 'Cannot reach the Spark server at 127.0.0.1:15003.\n\nClick to reconnect.',
      command: 'sparkWorkbench.connection.connect',
      isError: true,
    });
  });
});

describe('connection status bar item', () => {
  it('shows the current state at once, left, named "Spark Connection"', () => {
    const host = new FakeHost();
    const connections = new FakeConnections();
    const bar = new ConnectionStatusBar(host, connections);
    const [item] = host.statusBarItems;
    assert.ok(item);
    assert.deepEqual(item.options, { id: 'sparkWorkbench.connection', name: 'Spark Connection', priority: 50 });
    assert.equal(item.visible, true);
    assert.equal(item.current?.text, '$(debug-disconnect) Spark');
    bar.dispose();
  });

  it('follows every state change until disposed', async () => {
    const host = new FakeHost();
    const connections = new FakeConnections();
    const bar = new ConnectionStatusBar(host, connections);
    const item = host.statusBarItems[0]!;
    await connections.connect(TEST_SPARK);
    assert.deepEqual(
      item.renders.map((r) => r.text),
      ['$(debug-disconnect) Spark', '$(loading~spin) Spark: Test Spark', '$(zap) Spark 4.1.1: Test Spark'],
    );
    bar.dispose();
    assert.equal(item.disposed, true);
    connections.disconnect();
    assert.equal(item.renders.length, 3, 'no render after dispose');
  });
});
