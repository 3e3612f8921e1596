import assert from 'node:assert/strict';
import { SparkError } from '../../../src/core/connect/sparkError.js';
import { ConnectionCommands } from '../../../src/vscode/connections/connectionCommands.js';
import { ConnectionSettings } from '../../../src/vscode/connections/connectionSettings.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import { failureNotice } from '../../../src/vscode/runs/failureNotice.js';
import { FakeHost, type FakeLogChannel } from './fakeHost.js';
import { FakeConnections, LOCAL } from './fakeConnections.js';

const RESTRICTED = 'Spark Workbench runs nothing in Restricted Mode. Trust this workspace to connect to Spark.';

/** The commands over a fake host with "Test Spark" configured, a fake connection manager and a token map. */
function setup(connections: unknown[] = [{ name: 'Test Spark', url: 'sc://127.0.0.1:15003' }]) {
  const host = new FakeHost();
  host.set('sparkWorkbench.connections', connections);
  const manager = new FakeConnections();
  const tokens = new Map<string, string | undefined>();
  const tokenStore = { set: async (name: string, token: string | undefined) => void tokens.set(name, token) };
  const log = new OutputLog(host.createLogChannel('Spark Workbench'));
  const commands = new ConnectionCommands(host, manager, new ConnectionSettings(host), tokenStore, log);
  const logLines = (host.logChannels.get('Spark Workbench') as FakeLogChannel).lines;
  return { host, manager, tokens, logLines, commands };
}

describe('connection commands', () => {
  it('registers every connection command', () => {
    const { host, commands } = setup();
    assert.deepEqual([...host.commands.keys()].sort(), [
      'sparkWorkbench.connection.connect',
      'sparkWorkbench.connection.disconnect',
      'sparkWorkbench.connection.edit',
      'sparkWorkbench.connection.setToken',
      'sparkWorkbench.connection.switch',
      'sparkWorkbench.localSpark.restart',
      'sparkWorkbench.localSpark.start',
      'sparkWorkbench.localSpark.stop',
      'sparkWorkbench.localSpark.useFreePort',
      'sparkWorkbench.logs.show',
      'sparkWorkbench.operations.interruptAll',
    ]);
    commands.dispose();
    assert.equal(host.commands.size, 0, 'disposing unregisters them');
  });

  describe('Connect', () => {
    it('when untrusted shows the Restricted Mode warning and starts nothing', async () => {
      const { host, manager } = setup();
      host.trusted = false;
      for (const id of [
        'sparkWorkbench.connection.connect',
        'sparkWorkbench.connection.switch',
        'sparkWorkbench.localSpark.start',
      ])
        assert.equal(await host.run(id), false, id);
      await host.settled();
      assert.deepEqual(
        host.messages.map((m) => [m.severity, m.text]),
        [
          ['warning', RESTRICTED],
          ['warning', RESTRICTED],
          ['warning', RESTRICTED],
        ],
      );
      assert.deepEqual(manager.connects, []);
      assert.deepEqual(host.quickPicks, []);
      assert.deepEqual(host.progress, []);
    });

    it('asks which connection when there are several, describing each by where it connects', async () => {
      const { host, manager } = setup();
      host.answerQuickPick = () => 'Test Spark';
      assert.equal(await host.run('sparkWorkbench.connection.connect'), true);
      const [pick] = host.quickPicks;
      assert.deepEqual(pick?.options, { title: 'Connect to Spark', placeHolder: 'Choose a connection' });
      assert.deepEqual(
        pick?.items.map((i) => [i.label, i.description]),
        [
          ['Local Spark', 'managed server on 127.0.0.1:15002'],
          ['Test Spark', 'sc://127.0.0.1:15003'],
        ],
      );
      assert.deepEqual(manager.connects, [{ kind: 'remote', name: 'Test Spark', url: 'sc://127.0.0.1:15003' }]);
    });

    it('connects to nothing when the pick is dismissed', async () => {
      const { host, manager } = setup();
      assert.equal(await host.run('sparkWorkbench.connection.connect'), false);
      assert.deepEqual(manager.connects, []);
    });

    it('connects to the named connection without asking', async () => {
      const { host, manager } = setup();
      assert.equal(await host.run('sparkWorkbench.connection.connect', 'Test Spark'), true);
      assert.deepEqual(host.quickPicks, []);
      assert.deepEqual(
        manager.connects.map((p) => p.name),
        ['Test Spark'],
      );
    });

    it('with Local Spark the only connection, connects to it without asking; Switch still asks', async () => {
      const { host, manager } = setup([]);
      assert.equal(await host.run('sparkWorkbench.connection.connect'), true);
      assert.deepEqual(manager.connects, [LOCAL]);
      assert.deepEqual(host.quickPicks, []);
      await host.run('sparkWorkbench.connection.switch');
      assert.equal(host.quickPicks.length, 1);
    });

    it('Start Local Spark connects to the local profile on the configured port', async () => {
      const { host, manager } = setup();
      host.set('sparkWorkbench.localSpark.port', 16000);
      await host.run('sparkWorkbench.localSpark.start');
      assert.deepEqual(manager.connects, [{ kind: 'local', name: 'Local Spark', port: 16000 }]);
    });

    it('shows a progress notification with each step of starting, closed when connected', async () => {
      const { host, manager } = setup();
      manager.startingSteps = ['Preparing the local Spark runtime…', 'Starting Spark 4.1.1 on 127.0.0.1:15002…'];
      await host.run('sparkWorkbench.localSpark.start');
      assert.equal(host.progress.length, 1);
      const [progress] = host.progress;
      assert.deepEqual(progress?.options, { title: 'Connecting to Local Spark', cancellable: false });
      assert.deepEqual(progress?.reports, ['Preparing the local Spark runtime…', 'Starting Spark 4.1.1 on 127.0.0.1:15002…']);
      assert.equal(progress?.settled, true);
      manager.setState({ kind: 'starting', profile: LOCAL, detail: 'later' });
      assert.equal(progress?.reports.length, 2, 'the progress stops listening once connected');
    });

    it('logs the problems of the connections setting', async () => {
      const { host, logLines } = setup([{ name: 'Prod', url: 'sc://h/;token=s3cret' }, { name: 'No URL' }]);
      await host.run('sparkWorkbench.connection.connect', 'Local Spark');
      assert.deepEqual(logLines, [
        `error: Connection 'Prod' has a token in its URL; it was ignored. Use "Spark: Set Token…" instead.`,
        'error: A connection in sparkWorkbench.connections needs both a name and a url.',
      ]);
    });

    it('an unreachable local server: logs it and offers Start Local Spark, Edit Connection and Show Logs', async () => {
      const { host, manager, logLines } = setup();
      const unreachable = new SparkError({ kind: 'unavailable', message: 'Cannot reach the Spark server at 127.0.0.1:15002.' });
      manager.failures.push(unreachable);
      assert.equal(await host.run('sparkWorkbench.localSpark.start'), false);
      await host.settled();
      assert.deepEqual(host.messagesOf('error'), [
        {
          severity: 'error',
          text: 'Cannot reach the Spark server at 127.0.0.1:15002.',
          actions: ['Start Local Spark', 'Edit Connection', 'Show Logs'],
        },
      ]);
      assert.deepEqual(logLines, ['error: Could not connect to Local Spark: Cannot reach the Spark server at 127.0.0.1:15002.']);
      assert.equal(host.progress[0]?.settled, true, 'no progress is left spinning');
    });

    it('a failure from a rejected token offers Set Token, and running it stores the token and reconnects', async () => {
      const { host, manager, tokens, logLines } = setup();
      manager.failures.push(
        new SparkError({ kind: 'unauthenticated', message: 'The Spark server at 127.0.0.1:15003 rejected the token.' }),
      );
      host.answerMessage = (message) => (message.actions.includes('Set Token') ? 'Set Token' : undefined);
      host.answerInputBox = () => 'the-new-token';

      assert.equal(await host.run('sparkWorkbench.connection.connect', 'Test Spark'), false);
      await host.settled();

      assert.deepEqual(host.messagesOf('error'), [
        {
          severity: 'error',
          text: 'The Spark server at 127.0.0.1:15003 rejected the token.',
          actions: ['Set Token', 'Show Logs'],
        },
      ]);
      assert.deepEqual(host.executed, [{ id: 'sparkWorkbench.connection.setToken', args: ['Test Spark'] }]);
      assert.deepEqual(host.inputBoxes, [
        {
          title: 'Token for Test Spark',
          prompt: 'Stored in the OS keychain through VS Code SecretStorage. Leave empty to remove it.',
          password: true,
          ignoreFocusOut: true,
        },
      ]);
      assert.deepEqual([...tokens], [['Test Spark', 'the-new-token']]);
      assert.equal(manager.disconnects, 1);
      assert.deepEqual(
        manager.connects.map((p) => p.name),
        ['Test Spark', 'Test Spark'],
        'the new token takes effect at once',
      );
      assert.equal(manager.state.kind, 'connected');
      assert.ok(!logLines.join('\n').includes('the-new-token'), 'the token is never logged');
      assert.ok(logLines.includes('info: Token for Test Spark stored.'));
    });
  });

  describe('Set Token', () => {
    it('asks no question about which connection when only one has a URL', async () => {
      const { host, tokens } = setup();
      host.answerInputBox = () => 'tok';
      await host.run('sparkWorkbench.connection.setToken');
      assert.deepEqual(host.quickPicks, []);
      assert.deepEqual([...tokens], [['Test Spark', 'tok']]);
    });

    it('asks which connection among several, Local Spark not among them', async () => {
      const { host, tokens } = setup([
        { name: 'Prod', url: 'sc://prod.example.com' },
        { name: 'Staging', url: 'sc://staging.example.com' },
      ]);
      host.answerQuickPick = () => 'Staging';
      host.answerInputBox = () => 'tok';
      await host.run('sparkWorkbench.connection.setToken');
      assert.deepEqual(
        host.quickPicks[0]?.items.map((i) => i.label),
        ['Prod', 'Staging'],
      );
      assert.deepEqual(host.quickPicks[0]?.options, { title: 'Set the token of which connection?' });
      assert.deepEqual([...tokens], [['Staging', 'tok']]);
    });

    it('an empty token removes the stored one; the connection in use is disconnected and not reconnected', async () => {
      const { host, manager, tokens, logLines } = setup();
      await host.run('sparkWorkbench.connection.connect', 'Test Spark');
      host.answerInputBox = () => '';
      await host.run('sparkWorkbench.connection.setToken', 'Test Spark');
      assert.deepEqual([...tokens], [['Test Spark', undefined]]);
      assert.ok(logLines.includes('info: Token for Test Spark removed.'));
      assert.equal(manager.disconnects, 1);
      assert.equal(manager.connects.length, 1);
    });

    it('a token for another connection than the one in use changes nothing else', async () => {
      const { host, manager, tokens } = setup();
      await host.run('sparkWorkbench.localSpark.start');
      host.answerInputBox = () => 'tok';
      await host.run('sparkWorkbench.connection.setToken', 'Test Spark');
      assert.deepEqual([...tokens], [['Test Spark', 'tok']]);
      assert.equal(manager.disconnects, 0);
      assert.equal(manager.connects.length, 1);
    });

    it('a dismissed input box stores nothing', async () => {
      const { host, tokens, manager } = setup();
      await host.run('sparkWorkbench.connection.setToken', 'Test Spark');
      assert.equal(host.inputBoxes.length, 1);
      assert.equal(tokens.size, 0);
      assert.equal(manager.disconnects, 0);
    });
  });

  it('Stop Local Spark stops the server on the configured port and says whether it ran', async () => {
    const { host, manager } = setup();
    host.set('sparkWorkbench.localSpark.port', 16000);
    await host.run('sparkWorkbench.localSpark.stop');
    await host.run('sparkWorkbench.localSpark.stop');
    await host.settled();
    assert.deepEqual(manager.stopped, [16000, 16000]);
    assert.deepEqual(
      host.messages.map((m) => [m.severity, m.text]),
      [
        ['information', 'Local Spark stopped.'],
        ['information', 'Local Spark was not running.'],
      ],
    );
  });

  it('Restart Local Spark stops what is left of the server and connects to a new one, re-running nothing', async () => {
    const { host, manager, logLines } = setup();
    host.set('sparkWorkbench.localSpark.port', 16001);
    manager.startingSteps = ['Starting Spark 4.2.1 on 127.0.0.1:16001…'];
    assert.equal(await host.run('sparkWorkbench.localSpark.restart'), true);
    await host.settled();
    assert.deepEqual(manager.stopped, [16001]);
    assert.deepEqual(manager.connects, [{ kind: 'local', name: 'Local Spark', port: 16001 }]);
    assert.equal(manager.state.kind, 'connected');
    assert.deepEqual(host.progress.at(-1)?.reports, ['Starting Spark 4.2.1 on 127.0.0.1:16001…']);
    assert.ok(logLines.some((line) => /Local Spark restarted/.test(line)));
  });

  it('Restart Local Spark that fails says why, with the action that fixes it', async () => {
    const { host, manager } = setup();
    manager.failures.push(new Error('Port 15002 on 127.0.0.1 is already in use by another program. Choose another port.'));
    assert.equal(await host.run('sparkWorkbench.localSpark.restart'), false);
    await host.settled();
    assert.deepEqual(
      host.messages.map((m) => [m.severity, m.text]),
      [['error', 'Port 15002 on 127.0.0.1 is already in use by another program. Choose another port.']],
    );
  });

  it('Interrupt All interrupts every operation of the session and says how many', async () => {
    const { host, manager } = setup();
    manager.interruptedIds = ['op-1', 'op-2'];
    await host.run('sparkWorkbench.operations.interruptAll');
    manager.interruptedIds = [];
    await host.run('sparkWorkbench.operations.interruptAll');
    await host.settled();
    assert.equal(manager.interruptAlls, 2);
    assert.deepEqual(
      host.messages.map((m) => m.text),
      ['Spark interrupted 2 operations of this session.', 'Spark had no operation of this session left to interrupt.'],
    );
  });

  it('Disconnect disconnects; Edit Connections opens the setting; Show Logs reveals the log, keeping the focus', async () => {
    const { host, manager } = setup();
    await host.run('sparkWorkbench.connection.disconnect');
    assert.equal(manager.disconnects, 1);
    await host.run('sparkWorkbench.connection.edit');
    assert.deepEqual(host.executed, [{ id: 'workbench.action.openSettings', args: ['sparkWorkbench.connections'] }]);
    await host.run('sparkWorkbench.logs.show');
    assert.equal(host.logChannels.get('Spark Workbench')?.shownPreservingFocus, true);
  });
});

describe('a port another program holds', () => {
  it('Use a Free Port moves Local Spark to a free port in the user settings and starts it there', async () => {
    const host = new FakeHost();
    const manager = new FakeConnections();
    const log = new OutputLog(host.createLogChannel('Spark Workbench'));
    const commands = new ConnectionCommands(
      host,
      manager,
      new ConnectionSettings(host),
      { set: async () => undefined },
      log,
      async () => 41234,
    );
    await host.run('sparkWorkbench.localSpark.useFreePort');
    assert.equal(host.settingValues.get('sparkWorkbench.localSpark.port')?.globalValue, 41234);
    assert.deepEqual(manager.connects.at(-1), { kind: 'local', name: 'Local Spark', port: 41234 });
    commands.dispose();
  });

  it('a changed port in the settings takes the failed connection to it', async () => {
    const host = new FakeHost();
    const manager = new FakeConnections();
    const commands = new ConnectionCommands(
      host,
      manager,
      new ConnectionSettings(host),
      { set: async () => undefined },
      new OutputLog(host.createLogChannel('Spark Workbench')),
    );
    manager.setState({
      kind: 'error',
      profile: LOCAL,
      error: new Error('Port 15002 on 127.0.0.1 is in use by another program.'),
    });
    host.set('sparkWorkbench.localSpark.port', 15010, 'globalValue');
    assert.deepEqual(manager.updatedProfiles.at(-1), { kind: 'local', name: 'Local Spark', port: 15010 });
    assert.equal(manager.state.kind, 'disconnected');
    commands.dispose();
  });

  it('the failure notice offers it, at once', () => {
    const notice = failureNotice(
      Object.assign(new Error('Port 15002 on 127.0.0.1 is in use by another program.'), { name: 'PortInUseError' }),
      LOCAL,
    );
    assert.deepEqual(
      notice?.actions.map((a) => [a.title, a.command]),
      [
        ['Use a Free Port', 'sparkWorkbench.localSpark.useFreePort'],
        ['Show Logs', 'sparkWorkbench.logs.show'],
      ],
    );
  });
});
