// The cluster tier's cluster: a Spark standalone master, two workers and a Spark Connect server submitted
// to the master, all on 127.0.0.1, started once for the mocha run by the project's own LocalSparkCluster
// (as `spark-workbench cluster start` starts it) and stopped afterwards.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { KNOWN_JDBC_DRIVERS } from '../../src/core/databases/databaseSources.js';
import { LocalSparkCluster } from '../../src/core/localSpark/localSparkCluster.js';
import { freeLoopbackPort, localServerUrl } from '../../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { runtimeDir, TEST_SERVER_CONF } from '../support/sparkTestServer.js';

let stop: (() => Promise<unknown>) | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runtime = await new SparkRuntimeInstaller(runtimeDir(), log).ensureInstalled();
  const cluster = new LocalSparkCluster(join(runtimeDir(), 'clusters'), join(runtimeDir(), 'servers'), log);
  const port = await freeLoopbackPort();
  const state = await cluster.start(runtime, {
    connectPort: port,
    token: randomUUID(),
    // The local test server's small shuffles and reattach limits; two tasks at a time per executor.
    conf: { ...TEST_SERVER_CONF, 'spark.default.parallelism': '4' },
    packages: [KNOWN_JDBC_DRIVERS.postgresql!.coordinates],
  });
  stop = () => cluster.stop(port);
  process.env.SPARK_CLUSTER_REMOTE = localServerUrl(state.connect);
  process.env.SPARK_CLUSTER_STATE = JSON.stringify(state);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stop?.();
}
