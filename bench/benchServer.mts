/**
 * A benchmark's own local Spark server: the pinned runtime with the Python helper's packages, a free
 * port on 127.0.0.1, no token (PySpark turns TLS on whenever a token is set), stopped on Ctrl-C.
 */
import { join } from 'node:path';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller, type SparkRuntime } from '../src/core/localSpark/sparkRuntime.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRuntimeDir } from '../scripts/runtimeDir.mjs';

export interface BenchServer {
  readonly runtime: SparkRuntime;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startBenchServer(log: (line: string) => void, conf: Record<string, string>): Promise<BenchServer> {
  const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
  const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
  const port = await freePort();
  const state = await servers.start(runtime, { port, token: null, conf });
  process.once('SIGINT', () => void servers.stop(port).finally(() => process.exit(130)));
  return { runtime, url: localServerUrl(state), stop: async () => void (await servers.stop(port)) };
}
