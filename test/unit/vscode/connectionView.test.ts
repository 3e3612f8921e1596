import assert from 'node:assert/strict';
import type { LocalServerState, LocalServerStatus } from '../../../src/core/localSpark/localSparkServer.js';
import type { SessionStart } from '../../../src/core/session/connectionManager.js';
import { Emitter } from '../../../src/core/util/events.js';
import { announceNewSessions } from '../../../src/vscode/connections/sessionNotices.js';
import { connectionRowItem, connectionRows } from '../../../src/vscode/views/connectionRows.js';
import { ConnectionView } from '../../../src/vscode/views/connectionView.js';
import { FakeHost } from './fakeHost.js';
import { connectedState, FakeConnections, LOCAL, TEST_SPARK } from './fakeConnections.js';

const SERVER: LocalServerState = {
  pid: 4242,
  port: 15002,
  token: 'local-secret',
  startedAt: '2026-01-01T00:00:00Z',
  logFile: '/tmp/spark.log',
  pysparkVersion: '4.1.1',
};
const RUNNING: LocalServerStatus = { state: 'running', server: SERVER, url: 'sc://127.0.0.1:15002/;token=local-secret' };
const STOPPED: LocalServerStatus = { state: 'stopped' };

describe('connection view rows', () => {
  it('connected: connection, status, server version and endpoint, session, and the local server', () => {
    assert.deepEqual(connectionRows(connectedState(TEST_SPARK), STOPPED), [
      { label: 'Connection', value: 'Test Spark', icon: 'plug' },
      { label: 'Status', value: 'connected', icon: 'pass' },
      { label: 'Server', value: 'Spark 4.1.1 at 127.0.0.1:15003', icon: 'server' },
      { label: 'Session', value: '0b7c8a52-54d1-4c4d-9f0e-3e1e5a6f7d10', icon: 'key' },
      { label: 'Local Spark', value: 'stopped', icon: 'vm-outline' },
    ]);
  });

  it("connected: the session's current catalog and schema once read", () => {
    const rows = connectionRows(connectedState(TEST_SPARK, { catalog: 'spark_catalog', schema: 'retail' }), STOPPED);
    assert.deepEqual(rows[4], { label: 'Current schema', value: 'spark_catalog.retail', icon: 'database' });
  });

  it('a running local server shows its port and pid, never its token', () => {
    const rows = connectionRows(connectedState(LOCAL), RUNNING);
    assert.deepEqual(rows.at(-1), { label: 'Local Spark', value: 'running on 127.0.0.1:15002 (pid 4242)', icon: 'vm-running' });
    assert.ok(!JSON.stringify(rows).includes('local-secret'));
  });

  it('a local server not answering yet is starting; one that has not answered for minutes says so', () => {
    const started = Date.parse(SERVER.startedAt);
    const starting = connectionRows(connectedState(TEST_SPARK), { state: 'unresponsive', server: SERVER }, started + 5_000);
    assert.deepEqual(starting.at(-1), {
      label: 'Local Spark',
      value: `starting on 127.0.0.1:${SERVER.port}`,
      icon: 'vm-outline',
    });
    const hung = connectionRows(connectedState(TEST_SPARK), { state: 'unresponsive', server: SERVER }, started + 600_000);
    assert.deepEqual(hung.at(-1), {
      label: 'Local Spark',
      value: `not answering on 127.0.0.1:${SERVER.port} (pid ${SERVER.pid})`,
      icon: 'vm-outline',
    });
  });

  it('a port taken by another program: the failure, and the ways on as rows to click (a free port, start, another connection)', () => {
    const taken = Object.assign(new Error('Port 15002 on 127.0.0.1 is in use by another program.'), { name: 'PortInUseError' });
    const rows = connectionRows({ kind: 'error', profile: LOCAL, error: taken }, STOPPED);
    assert.deepEqual(
      rows.map((r) => [r.label, r.value, r.command?.id]),
      [
        ['Connection', LOCAL.name, undefined],
        ['Status', 'failed: Port 15002 on 127.0.0.1 is in use by another program.', undefined],
        ['Use a free port', 'move Local Spark to a free port and start it', 'sparkWorkbench.localSpark.useFreePort'],
        ['Start Local Spark', 'on 127.0.0.1:15002', 'sparkWorkbench.connection.connect'],
        ['Switch connection', 'another server…', 'sparkWorkbench.connection.switch'],
        ['Local Spark', 'stopped', undefined],
      ],
    );
    assert.deepEqual(connectionRowItem(rows[2]!).command, {
      id: 'sparkWorkbench.localSpark.useFreePort',
      args: [],
      title: 'Use a free port',
    });
  });

  it('error: the error as status', () => {
    const rows = connectionRows(
      { kind: 'error', profile: TEST_SPARK, error: new Error('The Spark server rejected the token.') },
      STOPPED,
    );
    assert.deepEqual(rows.slice(0, 2), [
      { label: 'Connection', value: 'Test Spark', icon: 'plug' },
      { label: 'Status', value: 'failed: The Spark server rejected the token.', icon: 'error' },
    ]);
    assert.deepEqual(
      rows.slice(2).map((r) => r.label),
      ['Retry', 'Switch connection', 'Local Spark'],
    );
  });

  it('starting and connecting: a spinner with the current step', () => {
    const starting = connectionRows(
      { kind: 'starting', profile: LOCAL, detail: 'Starting Spark 4.1.1 on 127.0.0.1:15002…' },
      STOPPED,
    );
    assert.deepEqual(starting[1], { label: 'Status', value: 'Starting Spark 4.1.1 on 127.0.0.1:15002…', icon: 'loading~spin' });
    const connecting = connectionRows({ kind: 'connecting', profile: TEST_SPARK }, STOPPED);
    assert.deepEqual(connecting[1], { label: 'Status', value: 'connecting…', icon: 'loading~spin' });
  });

  it('disconnected: no rows, so the welcome view shows', () => {
    assert.deepEqual(connectionRows({ kind: 'disconnected', profile: TEST_SPARK }, RUNNING), []);
  });

  it('a row is its label, with the value beside it and both in the tooltip', () => {
    assert.deepEqual(connectionRowItem({ label: 'Status', value: 'connected', icon: 'pass' }), {
      label: 'Status',
      description: 'connected',
      tooltip: 'Status: connected',
      icon: 'pass',
    });
  });
});

describe('connection view', () => {
  function setup() {
    const host = new FakeHost();
    const connections = new FakeConnections();
    const statusCalls: number[] = [];
    const localServer = {
      status: async (port: number): Promise<LocalServerStatus> => (statusCalls.push(port), RUNNING),
    };
    const view = new ConnectionView(host, connections, localServer, () => 15002);
    return { host, connections, statusCalls, view };
  }

  it('sets sparkWorkbench.connected, which picks the welcome views, from the start and on every change', async () => {
    const { host, connections, view } = setup();
    assert.equal(host.contexts.get('sparkWorkbench.connected'), false);
    await connections.connect(TEST_SPARK);
    assert.equal(host.contexts.get('sparkWorkbench.connected'), true);
    connections.disconnect();
    assert.equal(host.contexts.get('sparkWorkbench.connected'), false);
    view.dispose();
  });

  it('repaints on every connection change until disposed', async () => {
    const { connections, view } = setup();
    let repaints = 0;
    view.onDidChangeTreeData(() => repaints++);
    await connections.connect(TEST_SPARK);
    assert.equal(repaints, 2, 'connecting, connected');
    view.dispose();
    connections.disconnect();
    assert.equal(repaints, 2);
  });

  it('asks for the local server on the configured port only when connected or connecting', async () => {
    const { connections, statusCalls, view } = setup();
    assert.deepEqual(await view.getChildren(), []);
    assert.deepEqual(statusCalls, []);
    connections.setState(connectedState(TEST_SPARK));
    const rows = await view.getChildren();
    assert.deepEqual(statusCalls, [15002]);
    assert.deepEqual(
      rows.map((r) => view.treeItem(r).label),
      ['Connection', 'Status', 'Server', 'Session', 'Local Spark'],
    );
    view.dispose();
  });
});

describe('new sessions', () => {
  it('are announced with what the earlier session held', async () => {
    const host = new FakeHost();
    const started = new Emitter<SessionStart>();
    const subscription = announceNewSessions(host, { onDidSessionStart: started.event });
    started.fire({ profile: TEST_SPARK, sessionId: 'b', previousSessionId: 'a' });
    await Promise.resolve();
    assert.equal(
      host.messagesOf('information').at(-1)?.text,
      'A new Spark session on Test Spark: the temporary views, variables and current schema of the earlier session are gone.',
    );
    subscription.dispose();
  });
});
