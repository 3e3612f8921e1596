import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../src/core/connect/retryPolicy.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { LocalSparkServer } from '../../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { runtimeDir, TEST_SERVER_CONF, testServer } from '../support/sparkTestServer.js';

describe('a server restart in the middle of a run', function () {
  this.timeout(180_000);

  it('fails the run with a sentence, and the next query works in a fresh session', async () => {
    const { url, port, token } = testServer();
    const servers = new LocalSparkServer(join(runtimeDir(), 'servers'));
    const runtime = new SparkRuntimeInstaller(runtimeDir()).installed();
    assert.ok(runtime, 'the pinned runtime is installed');
    // PySpark's backoff would wait up to a minute between tries while the JVM restarts; cap it at 2 s so
    // the test measures the recovery logic, not the backoff schedule.
    const client = new SparkConnectClient(url, {
      retryPolicy: new RetryPolicy({ ...DEFAULT_RETRY_POLICY, maxBackoffMs: 2_000 }),
    });
    try {
      await client.setConfig({ 'spark.workbench.marker': 'before-restart' });
      const sessionBefore = client.sessionId;
      let restart: Promise<unknown> | undefined;
      const run = (async () => {
        for await (const event of client.sql('SELECT sum(hash(a.id, b.id)) FROM range(300000) a CROSS JOIN range(300000) b')) {
          if (event.type === 'progress' && !restart) {
            restart = servers
              .stop(port)
              .then(() => servers.start(runtime, { port, token, conf: TEST_SERVER_CONF, driverMemory: '2g' }));
          }
        }
      })();
      const failure = await run.then(
        () => undefined,
        (error: unknown) => error,
      );
      const state = await restart;
      process.env.SPARK_TEST_PID = String((state as { pid: number }).pid); // later suites watch the new JVM
      assert.ok(failure instanceof SparkError, `expected a SparkError, got ${String(failure)}`);
      // Either the connection dropped under the run, or the shutting-down server failed the job first.
      if (failure.kind === 'sessionChanged') assert.match(failure.message, /restarted or dropped this session/);
      else assert.match(failure.message, /SparkContext (was shut down|has been shutdown)|stopped SparkContext/i, failure.message);

      const table = await client.sql('SELECT 41 + 1 AS answer').toTable();
      assert.equal(table.getChildAt(0)!.get(0), 42);
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
