import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CancelOutcome } from '../../src/core/connect/cancelWatch.js';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../src/core/connect/retryPolicy.js';
import type { RetryNotice } from '../../src/core/connect/retryWait.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { LocalSparkServer, localServerUrl } from '../../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller, type SparkRuntime } from '../../src/core/localSpark/sparkRuntime.js';
import { NotebookKernel, type CellOutput } from '../../src/core/notebooks/notebookKernel.js';
import { ConnectionManager, type ConnectionProfile } from '../../src/core/session/connectionManager.js';
import { BlackHole, FaultProxy } from '../support/faultProxy.js';
import { cli } from '../support/runCli.js';
import { freePort, runtimeDir, TEST_SERVER_CONF, testServer, waitForTasksEnded } from '../support/sparkTestServer.js';

const CROSS_JOIN = 'SELECT sum(hash(a.id, b.id)) FROM range(40000000) a CROSS JOIN range(1000) b';

/** Milliseconds from `since` until `promise` settles, and its error. */
async function failureOf(promise: Promise<unknown>, since: () => number): Promise<{ error: unknown; afterMs: number }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return { error, afterMs: Date.now() - since() };
}

describe('when Spark fails', function () {
  this.timeout(300_000);

  /**
   * The managed local server on a port of its own: these tests kill it and restart it, so they never
   * touch the server the other suites share. Each restart makes a freshly started server, the moment
   * a cancel has been seen to be lost on Spark 4.2.1.
   */
  describe('the managed local server: death, restart, and a cancel on a fresh server', () => {
    let runtime: SparkRuntime;
    let servers: LocalSparkServer;
    let connections: ConnectionManager;
    let profile: Extract<ConnectionProfile, { kind: 'local' }>;
    const cancelOutcomes: (CancelOutcome | undefined)[] = [];

    before(async () => {
      runtime = new SparkRuntimeInstaller(runtimeDir()).installed()!;
      assert.ok(runtime, 'the run installed the runtime');
      servers = new LocalSparkServer(join(runtimeDir(), 'servers'));
      profile = { kind: 'local', name: 'Local Spark', port: await freePort() };
      // Started like the extension starts it, with the test suite's small partitions.
      await servers.start(runtime, { port: profile.port, conf: TEST_SERVER_CONF });
      connections = new ConnectionManager({
        tokens: { get: async () => undefined },
        localSpark: {
          ensureRuntime: async () => runtime,
          server: servers,
          startOptions: () => ({ driverMemory: '2g' }),
        },
        clientVersion: 'test',
        retryTimeoutMs: () => 60_000,
      });
    });

    after(async () => {
      connections?.dispose();
      await servers?.stop(profile.port);
      rmSync(servers.warehouseDir(profile.port), { recursive: true, force: true });
    });

    const serverPid = () => servers.readState(profile.port)!.pid;

    /**
     * Cancels a cross join at the first progress that reports a finished stage (the main stage is being
     * started then: the moment Spark 4.2.1 was seen to lose an interrupt) and watches Spark's tasks.
     */
    async function cancelOnFreshServer(): Promise<void> {
      const client = await connections.client(profile);
      const execution = client.sql(CROSS_JOIN);
      let cancelledAt = 0;
      const run = (async () => {
        for await (const event of execution) {
          if (!cancelledAt && event.type === 'progress' && event.progress.stages.some((stage) => stage.done)) {
            cancelledAt = Date.now();
            execution.cancel();
          }
        }
      })();
      await assert.rejects(run, (error: unknown) => error instanceof SparkError && error.kind === 'cancelled');
      assert.ok(cancelledAt > 0, 'the run was cancelled at a finished stage');
      const { activeTasks, endedAfterMs } = await waitForTasksEnded(cancelledAt, 5_000, servers.readState(profile.port)!.uiPort);
      const outcome = await execution.cancelOutcome;
      cancelOutcomes.push(outcome);
      console.log(`      cancel: Spark's tasks ended ${endedAfterMs} ms after it, outcome ${outcome}`);
      assert.equal(
        activeTasks,
        0,
        `Spark still runs ${activeTasks} tasks ${endedAfterMs} ms after the cancel (outcome ${outcome})`,
      );
      assert.ok(outcome === 'stopped' || outcome === 'killed', `the cancel ended as ${outcome}`);
    }

    it('a cancel at a finished stage of a cross join on a freshly started server leaves no Spark task running within 5 s', async () => {
      await cancelOnFreshServer();
    });

    it('SIGKILL in the middle of a 10M-row fetch fails the run within 2 s, naming the signal', async () => {
      const client = await connections.client(profile);
      let killedAt = 0;
      let rows = 0;
      const run = (async () => {
        for await (const event of client.sql("SELECT id, id * 2 AS twice, concat('row-', id) AS label FROM range(10000000)")) {
          if (event.type !== 'batch') continue;
          rows += event.batch.numRows;
          if (!killedAt) {
            killedAt = Date.now();
            process.kill(serverPid(), 'SIGKILL');
          }
        }
      })();
      const { error, afterMs } = await failureOf(run, () => killedAt);
      assert.ok(error instanceof SparkError, String(error));
      assert.equal(error.kind, 'serverStopped', `${error.kind}: ${error.message}`);
      assert.match(error.message, /^Local Spark stopped \(killed by signal 9, SIGKILL\)/);
      assert.ok(afterMs <= 2_000, `the failure took ${afterMs} ms after the kill`);
      assert.ok(rows < 10_000_000, 'the fetch did not complete');
      const state = connections.state;
      assert.equal(state.kind, 'error');
      assert.equal(state.kind === 'error' && state.error instanceof SparkError && state.error.kind, 'serverStopped');
    });

    it('Restart Local Spark starts a fresh server; a cancel there leaves no Spark task running; the next run succeeds', async () => {
      const restarted = await connections.restartLocal(profile);
      assert.equal(connections.state.kind, 'connected');
      await cancelOnFreshServer();
      assert.equal((await restarted.sql('SELECT 41 + 1 AS answer').toTable()).getChildAt(0)?.get(0), 42);
    });

    it('SIGKILL in the middle of a long aggregate fails it within 2 s in the extension and in the CLI', async () => {
      const client = await connections.client(profile);
      let killedAt = 0;
      const inExtension = (async () => {
        for await (const event of client.sql(CROSS_JOIN)) {
          if (event.type === 'progress' && event.progress.stages.some((s) => s.numTasks > 0) && !killedAt) {
            // Let the CLI's run start too before the kill.
            await new Promise((resolve) => setTimeout(resolve, 2_500));
            killedAt = Date.now();
            process.kill(serverPid(), 'SIGKILL');
          }
        }
      })();
      const inCli = cli(['sql', CROSS_JOIN, '--port', String(profile.port)]);
      const [extension, command] = await Promise.all([failureOf(inExtension, () => killedAt), inCli]);
      assert.ok(extension.error instanceof SparkError && extension.error.kind === 'serverStopped', String(extension.error));
      assert.ok(extension.afterMs <= 2_000, `the failure took ${extension.afterMs} ms after the kill`);
      const cliAfterMs = Date.now() - killedAt;
      assert.equal(command.code, 3, command.stderr);
      assert.match(command.stderr, /Local Spark stopped \(killed by signal 9, SIGKILL\)/);
      assert.ok(cliAfterMs <= 4_000, `the CLI ended ${cliAfterMs} ms after the kill (2 s to notice, plus its exit)`);
    });

    it('after another restart a third cancel on a fresh server also leaves no Spark task running', async () => {
      await connections.restartLocal(profile);
      await cancelOnFreshServer();
      console.log(`      cancel outcomes on fresh servers: ${cancelOutcomes.join(', ')}`);
    });

    it('the server dying under a notebook cell is reported in the cell; the next cell starts it again and runs', async () => {
      const kernel = new NotebookKernel('failures-notebook', {
        client: () => connections.client(profile),
        python: () => Promise.reject(new Error('This notebook has SQL cells only.')),
        storedRows: () => 100,
        reportFailure: (error) => connections.reportFailure(error),
      });
      const outputs: CellOutput[] = [];
      let killedAt = 0;
      const events = {
        output: (output: CellOutput) => outputs.push(output),
        progress: () => {
          if (killedAt) return;
          killedAt = Date.now();
          process.kill(serverPid(), 'SIGKILL');
        },
      };
      const ran = await kernel.run('sql', CROSS_JOIN, events);
      assert.equal(ran.status, 'error');
      assert.ok(killedAt > 0 && Date.now() - killedAt <= 3_000, `the cell ended ${Date.now() - killedAt} ms after the kill`);
      assert.match(JSON.stringify(outputs), /Local Spark stopped \(killed by signal 9, SIGKILL\)/);
      outputs.length = 0;
      const next = await kernel.run('sql', 'SELECT 41 + 1 AS answer', {
        output: (output) => outputs.push(output),
        progress: () => undefined,
      });
      assert.equal(next.status, 'ok', JSON.stringify(outputs));
      assert.match(JSON.stringify(outputs), /answer/);
      assert.equal(connections.state.kind, 'connected');
    });

    it('a server restarted under a run (not watched: a remote connection) fails it with a sentence; the next query works in a fresh session', async () => {
      const state = servers.readState(profile.port)!;
      // PySpark's backoff would wait up to a minute between tries while the JVM restarts; cap it at 2 s so
      // the test measures the recovery logic, not the backoff schedule.
      const client = new SparkConnectClient(localServerUrl(state), {
        retryPolicy: new RetryPolicy({ ...DEFAULT_RETRY_POLICY, maxBackoffMs: 2_000 }),
      });
      try {
        await client.setConfig({ 'spark.workbench.marker': 'before-restart' });
        const sessionBefore = client.sessionId;
        let restart: Promise<unknown> | undefined;
        const run = (async () => {
          for await (const event of client.sql(CROSS_JOIN)) {
            if (event.type === 'progress' && !restart) {
              restart = servers
                .stop(profile.port)
                .then(() => servers.start(runtime, { port: profile.port, token: state.token, conf: TEST_SERVER_CONF }));
            }
          }
        })();
        const { error } = await failureOf(run, () => 0);
        await restart;
        assert.ok(error instanceof SparkError, `expected a SparkError, got ${String(error)}`);
        // The connection dropped under the run, or the shutting-down server failed the job first, or (on a
        // busy machine) the restart outlasted the retries: each is said in a sentence.
        if (error.kind === 'sessionChanged') assert.match(error.message, /restarted or dropped this session/);
        else if (error.kind === 'unavailable')
          assert.match(error.message, /^Cannot reach the Spark server at 127\.0\.0\.1:\d+: connection refused/);
        else assert.match(error.message, /SparkContext (was shut down|has been shutdown)|stopped SparkContext/i, error.message);
        assert.equal((await client.sql('SELECT 41 + 1 AS answer').toTable()).getChildAt(0)!.get(0), 42);
        assert.equal(
          (await client.getConfig(['spark.workbench.marker'])).get('spark.workbench.marker'),
          undefined,
          'the old session state is gone',
        );
        assert.notEqual(client.sessionId, sessionBefore, 'a new session id is used from now on');
      } finally {
        await client.close();
      }
    });
  });

  describe('retries against a server that does not answer', () => {
    it('a server refusing connections for 5 s: every retry is announced, and the query returns exact rows', async () => {
      const { port: sparkPort, token } = testServer();
      const proxyPort = await freePort();
      const proxy = new FaultProxy(sparkPort);
      const opening = new Promise((resolve) => setTimeout(resolve, 5_000)).then(() => proxy.listen(proxyPort));
      const client = new SparkConnectClient(`sc://127.0.0.1:${proxyPort}/;token=${token}`, { retryTimeoutMs: 60_000 });
      const notices: RetryNotice[] = [];
      client.onDidRetry((notice) => notices.push(notice));
      let recovered = 0;
      client.onDidRecover(() => recovered++);
      try {
        const started = Date.now();
        const table = await client.sql('SELECT count(*) AS n, sum(id) AS total FROM range(1000000)').toTable();
        assert.equal(Number(table.getChildAt(0)!.get(0)), 1_000_000);
        assert.equal(BigInt(table.getChildAt(1)!.get(0) as bigint), 499999500000n);
        await opening;
        const refused = notices.filter((n) => n.reason === 'connection refused');
        console.log(
          `      ${notices.length} retries announced (${refused.length} refused) over ${Date.now() - started} ms: ${notices.map((n) => `${n.attempt}/${n.maxRetries} in ${Math.round(n.delayMs)} ms`).join(', ')}`,
        );
        assert.ok(refused.length >= 4, 'refused tries at 0, 0.05, 0.25, 1.05 and 4.25 s are each announced');
        assert.deepEqual(
          refused.map((n) => n.attempt),
          refused.map((_, i) => i + 1),
          'numbered in order',
        );
        assert.ok(refused.every((n) => n.maxRetries === 15 && n.endpoint === `127.0.0.1:${proxyPort}`));
        assert.ok(recovered >= 1, 'the server answering again is announced too');
      } finally {
        await client.close();
        await opening.then(() => proxy.close());
      }
    });

    it('a server that never answers fails the run at the retry time limit, within a second of it', async () => {
      const hole = new BlackHole();
      const port = await hole.listen();
      const client = new SparkConnectClient(`sc://127.0.0.1:${port}`, { retryTimeoutMs: 5_000 });
      try {
        const started = Date.now();
        const { error, afterMs } = await failureOf(client.sql('SELECT 1').toTable(), () => started);
        assert.ok(error instanceof SparkError && error.kind === 'unavailable', String(error));
        assert.match(error.message, /did not answer for 5 s, the retry time limit; gave up/);
        assert.ok(afterMs >= 5_000 && afterMs <= 6_000, `failed after ${afterMs} ms`);
        assert.ok(hole.accepted >= 1, 'the connection itself was accepted');
      } finally {
        await client.close().catch(() => undefined);
        await hole.close();
      }
    });

    it('the CLI says so, with --retry-timeout as the limit and exit status 3', async () => {
      const hole = new BlackHole();
      const port = await hole.listen();
      try {
        const started = Date.now();
        const result = await cli(['sql', 'SELECT 1', '--remote', `sc://127.0.0.1:${port}`, '--retry-timeout', '3']);
        const afterMs = Date.now() - started;
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, /did not answer for 3 s, the retry time limit/);
        assert.ok(afterMs <= 5_000, `ended after ${afterMs} ms`);
      } finally {
        await hole.close();
      }
      // A refused connection is retried on stderr, one line per retry, before the limit ends it.
      const closed = await freePort();
      const refused = await cli(['sql', 'SELECT 1', '--remote', `sc://127.0.0.1:${closed}`, '--retry-timeout', '2']);
      assert.equal(refused.code, 3);
      assert.match(
        refused.stderr,
        new RegExp(
          `Spark at 127\\.0\\.0\\.1:${closed} is unreachable \\(connection refused\\); retry 1 of 3 in 0\\.\\d s, Ctrl-C stops`,
        ),
      );
    });
  });
});
