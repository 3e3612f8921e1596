import assert from 'node:assert/strict';
import { parseConnectionString } from '../../../src/core/connect/connectionString.js';
import type { SparkConnectClient } from '../../../src/core/connect/sparkConnectClient.js';
import { SparkError } from '../../../src/core/connect/sparkError.js';
import type { PythonHelper } from '../../../src/core/python/pythonHelper.js';
import type { ConnectionManager } from '../../../src/core/session/connectionManager.js';
import { DisposableStore } from '../../../src/core/util/events.js';
import { NotebookConnections } from '../../../src/vscode/notebooks/notebookConnections.js';
import type { CellRunEvents, CellRunResult, NotebookKernel } from '../../../src/core/notebooks/notebookKernel.js';
import { splitSqlStatements } from '../../../src/core/sql/statementSplitter.js';
import { COMMANDS } from '../../../src/vscode/commandIds.js';
import { SPARK_CONTROLLER_ID, SparkNotebookController } from '../../../src/vscode/notebooks/notebookController.js';
import { NotebookCommands, NOTEBOOK_RENDERER_ID } from '../../../src/vscode/notebooks/notebookCommands.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import { SqlDiagnostics } from '../../../src/vscode/sql/sqlDiagnostics.js';
import { FakeHost } from './fakeHost.js';

/** A kernel that answers from a script: `ok`, `fail`, `sqlfail` (a located SQL error) or `slow` (until interrupted). */
class ScriptedKernel {
  static ran: string[] = [];
  private stop: (() => void) | undefined;
  constructor(readonly notebookId: string) {}
  async run(_language: string, text: string, events: CellRunEvents): Promise<CellRunResult> {
    ScriptedKernel.ran.push(text);
    events.progress('stages 0/1');
    if (text === 'slow') {
      await new Promise<void>((resolve) => (this.stop = resolve));
      events.output({ kind: 'error', ename: 'KeyboardInterrupt', evalue: '', traceback: [] });
      return { status: 'interrupted', elapsedMs: 1 };
    }
    if (text.startsWith('SELECT nope')) {
      const script = text;
      const statement = splitSqlStatements(script)[0]!;
      const error = new SparkError({ kind: 'other', message: '[UNRESOLVED_COLUMN] nope', errorClass: 'UNRESOLVED_COLUMN' });
      events.output({ kind: 'error', ename: 'UNRESOLVED_COLUMN', evalue: 'nope', traceback: [] });
      return { status: 'error', elapsedMs: 1, sqlFailure: { script, statement, error } };
    }
    events.output({ kind: 'stream', name: 'stdout', text });
    return { status: text === 'fail' ? 'error' : 'ok', elapsedMs: 1 };
  }
  interrupt(): void {
    this.stop?.();
  }
  async forget(): Promise<void> {}
}

describe('the Spark Connect notebook controller', () => {
  let host: FakeHost;
  let controller: SparkNotebookController;
  const cell = (index: number, text: string, languageId = 'python') => ({
    uri: `cell:${index}`,
    index,
    languageId,
    text,
    version: 1,
  });

  beforeEach(() => {
    host = new FakeHost();
    ScriptedKernel.ran = [];
    controller = new SparkNotebookController(host, {
      kernelDependencies: () => ({
        client: () => Promise.reject(new Error('not used')),
        python: () => Promise.reject(new Error('not used')),
        storedRows: () => 1000,
      }),
      ownConnection: (notebook) => (notebook === 'nb:own' ? 'Cluster' : undefined),
      loadKernel: async () => ScriptedKernel as unknown as typeof NotebookKernel,
      sqlDiagnostics: new SqlDiagnostics(host),
      log: new OutputLog(host.createLogChannel('Spark Workbench')),
    });
  });
  afterEach(() => controller.dispose());

  it('is offered for Jupyter notebooks with SQL and Python cells', () => {
    const options = host.notebookControllers.get(SPARK_CONTROLLER_ID);
    assert.equal(options?.notebookType, 'jupyter-notebook');
    assert.equal(options?.label, 'Spark Connect');
    assert.deepEqual(options?.supportedLanguages, ['sql', 'python']);
  });

  it('runs cells in order with increasing order numbers; a failure leaves the cells queued after it unrun', async () => {
    const first = await host.executeCells(SPARK_CONTROLLER_ID, 'nb:1', [cell(0, 'a'), cell(1, 'b')]);
    assert.deepEqual(
      first.map((e) => e.order),
      [1, 2],
    );
    assert.deepEqual(
      first.map((e) => e.ended?.success),
      [true, true],
    );
    assert.deepEqual(first[0]!.outputs, [{ kind: 'stream', name: 'stdout', text: 'a' }]);
    const second = await host.executeCells(SPARK_CONTROLLER_ID, 'nb:1', [cell(0, 'fail'), cell(1, 'never')]);
    assert.equal(second[0]!.order, 3);
    assert.equal(second[0]!.ended?.success, false);
    assert.deepEqual(second[1]!.ended, { success: undefined });
    assert.deepEqual(ScriptedKernel.ran, ['a', 'b', 'fail']);
    // Another notebook counts from 1.
    const other = await host.executeCells(SPARK_CONTROLLER_ID, 'nb:2', [cell(0, 'x')]);
    assert.equal(other[0]!.order, 1);
  });

  it('a failed SQL statement is a diagnostic in its cell; running the cell again clears it', async () => {
    await host.executeCells(SPARK_CONTROLLER_ID, 'nb:1', [cell(0, 'SELECT nope FROM t', 'sql')]);
    const shown = host.diagnostics.get('Spark SQL')!.get('cell:0')!;
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.code?.value, 'UNRESOLVED_COLUMN');
    await host.executeCells(SPARK_CONTROLLER_ID, 'nb:1', [cell(0, 'SELECT 1', 'sql')]);
    assert.deepEqual(host.diagnostics.get('Spark SQL')!.get('cell:0'), []);
  });

  it('interrupt stops the running cell and the queued ones; progress shows in the cell status bar while it runs', async () => {
    const running = host.executeCells(SPARK_CONTROLLER_ID, 'nb:1', [cell(0, 'slow'), cell(1, 'after')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(controller.items('cell:0')[0]?.text ?? '', /Spark: stages 0\/1/);
    host.notebookControllers.get(SPARK_CONTROLLER_ID)!.interrupt('nb:1');
    const executions = await running;
    assert.equal(executions[0]!.ended?.success, false);
    assert.deepEqual(executions[1]!.ended, { success: undefined });
    assert.deepEqual(controller.items('cell:0'), []);
    assert.deepEqual(ScriptedKernel.ran, ['slow']);
  });

  it('runs nothing in Restricted Mode', async () => {
    host.trusted = false;
    const executions = await host.executeCells(SPARK_CONTROLLER_ID, 'nb:1', [cell(0, 'a')]);
    assert.deepEqual(executions[0]!.ended, { success: undefined });
    assert.deepEqual(ScriptedKernel.ran, []);
    assert.match(host.messages.at(-1)?.text ?? '', /Restricted Mode/);
  });

  /** The notebook commands on the window's connection, with the statements sent to the results viewer. */
  const commandsOpeningResults = () => {
    const opened: string[] = [];
    const commands = new NotebookCommands(host, {
      controller,
      connections: { profile: undefined, connect: () => Promise.reject(new Error('not used')) },
      notebookConnections: {
        use: () => undefined,
        restart: async () => false,
        forget: () => undefined,
        ownProfile: () => undefined,
      },
      profiles: () => [],
      openResult: async (sql) => void opened.push(sql),
      log: new OutputLog(host.createLogChannel('Spark Workbench')),
    });
    return { opened, commands };
  };

  it('New Notebook opens a Jupyter notebook with a SQL and a Python cell; a chart the renderer saves is added to its cell', async () => {
    const { opened, commands } = commandsOpeningResults();
    await host.run(COMMANDS.notebook.new);
    assert.deepEqual(
      host.openedNotebooks[0]?.cells.map((c) => c.languageId),
      ['markdown', 'sql', 'python'],
    );
    const send = host.rendererListeners.get(NOTEBOOK_RENDERER_ID)!;
    send({ type: 'saveChart', outputId: 'out-1', spec: { mark: 'bar' }, png: 'aGk=' });
    host.cellsByOutput.set('out-2', {
      uri: 'cell:2',
      notebookUri: 'nb:1',
      index: 1,
      languageId: 'python',
      text: '%%sql\nCREATE TEMP VIEW v AS SELECT 1;\nSELECT * FROM big;',
      version: 1,
    });
    send({ type: 'openResult', outputId: 'out-2', sql: 'SELECT * FROM big' });
    send({ type: 'runShell', command: 'rm -rf /' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(host.addedOutputs[0]?.output, {
      kind: 'rich',
      items: { 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'image/png': 'aGk=', 'text/plain': '<Vega-Lite chart>' },
    });
    assert.deepEqual(opened, ['SELECT * FROM big']);
    commands.dispose();
  });
  it("Show all in Results runs an output's statement only as its cell reads now; another statement is shown and asked about first", async () => {
    const { opened, commands } = commandsOpeningResults();
    const send = host.rendererListeners.get(NOTEBOOK_RENDERER_ID)!;
    // A shared notebook whose stored output names other SQL than its cell shows.
    host.cellsByOutput.set('crafted', {
      uri: 'cell:1',
      notebookUri: 'nb:2',
      index: 0,
      languageId: 'sql',
      text: 'SELECT * FROM sales',
      version: 1,
    });
    send({ type: 'openResult', outputId: 'crafted', sql: 'DROP TABLE sales' });
    send({ type: 'openResult', outputId: 'no-such-output', sql: 'SELECT secret FROM vault' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await host.settled();
    assert.deepEqual(opened, []);
    assert.deepEqual(
      host.confirmations.map((c) => [c.message, c.detail, c.action]),
      [
        ["This output's statement is not in its cell any more. Run it in Spark?", 'DROP TABLE sales', 'Run Statement'],
        [
          'This output does not come from a cell of an open notebook. Run its statement in Spark?',
          'SELECT secret FROM vault',
          'Run Statement',
        ],
      ],
    );
    host.answerConfirm = () => true;
    send({ type: 'openResult', outputId: 'crafted', sql: 'SELECT * FROM sales_2024' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(opened, ['SELECT * FROM sales_2024'], 'run once the person said so');
    commands.dispose();
  });

  it('Restart asks first, then makes a new Spark session for the window, or for a notebook on its own connection', async () => {
    const connected: string[] = [];
    const restartedOwn: string[] = [];
    const commands = new NotebookCommands(host, {
      controller,
      connections: {
        profile: { kind: 'local', name: 'Local Spark', port: 15002 },
        connect: async (profile) => (connected.push(profile.name), undefined as never),
      },
      notebookConnections: {
        use: () => undefined,
        restart: async (uri) => (restartedOwn.push(uri), true),
        forget: () => undefined,
        ownProfile: (uri) => (uri === 'nb:own' ? { kind: 'remote', name: 'Cluster', url: 'sc://127.0.0.1:1' } : undefined),
      },
      profiles: () => [],
      openResult: async () => undefined,
      log: new OutputLog(host.createLogChannel('Spark Workbench')),
    });
    host.activeNotebook = 'nb:1';
    await host.run(COMMANDS.notebook.restart);
    assert.deepEqual(connected, [], 'dismissing the question restarts nothing');
    host.answerMessage = (message) => (message.actions.includes('Restart') ? 'Restart' : undefined);
    await host.run(COMMANDS.notebook.restart);
    assert.deepEqual(connected, ['Local Spark']);
    host.activeNotebook = 'nb:own';
    await host.run(COMMANDS.notebook.restart);
    assert.deepEqual(restartedOwn, ['nb:own']);
    assert.deepEqual(connected, ['Local Spark'], 'the window’s session stays');
    commands.dispose();
  });
});

describe('the Spark session of each notebook', () => {
  /** A connection manager as far as NotebookConnections uses it. */
  class FakeManager {
    sessionScope = new DisposableStore();
    disposed = false;
    connects = 0;
    constructor(readonly name: string) {}
    async client(): Promise<SparkConnectClient> {
      return {
        connection: parseConnectionString('sc://127.0.0.1:15002'),
        sessionId: `${this.name}-session`,
        userId: 'me',
      } as unknown as SparkConnectClient;
    }
    async connect(): Promise<SparkConnectClient> {
      this.connects++;
      this.sessionScope.dispose();
      this.sessionScope = new DisposableStore();
      return this.client();
    }
    dispose(): void {
      this.disposed = true;
      this.sessionScope.dispose();
    }
    reportFailure(): void {}
  }
  interface FakeHelper {
    readonly name: string;
    ended: boolean;
    dispose(): void;
  }
  const helper = (name: string): FakeHelper => {
    const made: FakeHelper = { name, ended: false, dispose: () => (made.ended = true) };
    return made;
  };

  it('uses the window’s session and helper until switched; then its own, ended when it switches back or closes', async () => {
    const created: FakeManager[] = [];
    const helpers: FakeHelper[] = [];
    const windowHelper = helper('window');
    const notebooks = new NotebookConnections({
      window: new FakeManager('window') as unknown as ConnectionManager,
      windowPython: async () => windowHelper as unknown as PythonHelper,
      createConnection: () => {
        const manager = new FakeManager(`own${created.length}`);
        created.push(manager);
        return manager as unknown as ConnectionManager;
      },
      createPython: async () => {
        const made = helper(`helper${helpers.length}`);
        helpers.push(made);
        return made as unknown as PythonHelper;
      },
      storedRows: () => 10,
    });
    const deps = notebooks.kernelDependencies('nb:1');
    const windowClient = await deps.client();
    assert.equal(windowClient.sessionId, 'window-session');
    const python = await deps.python(windowClient);
    assert.equal(python.helper as unknown, windowHelper);
    assert.match(python.remote, /session_id=window-session/);

    notebooks.use('nb:1', { kind: 'remote', name: 'Cluster', url: 'sc://127.0.0.1:15003' });
    assert.equal(notebooks.ownProfile('nb:1')?.name, 'Cluster');
    const own = await deps.client();
    assert.equal(own.sessionId, 'own0-session');
    assert.equal((await deps.python(own)).helper as unknown, helpers[0]);
    assert.equal((await deps.python(own)).helper as unknown, helpers[0], 'one helper per own session');
    // Restart: a new session, and the helper of the old one ends with it.
    assert.equal(await notebooks.restart('nb:1'), true);
    assert.equal(created[0]!.connects, 1);
    assert.equal(helpers[0]!.ended, true);
    assert.equal((await deps.python(own)).helper as unknown, helpers[1]);
    assert.equal(helpers[1]!.ended, false);
    // Back to the window's connection: the notebook's own one ends.
    notebooks.use('nb:1', undefined);
    assert.equal(created[0]!.disposed, true);
    assert.equal(notebooks.ownProfile('nb:1'), undefined);
    assert.equal((await deps.client()).sessionId, 'window-session');
    assert.equal(await notebooks.restart('nb:1'), false);
    notebooks.dispose();
  });
});
