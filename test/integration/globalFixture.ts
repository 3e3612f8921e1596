// When the integration tests run on their own (not from `npm test`, which starts one server for every
// suite), start a server for this mocha run and stop it afterwards.
import { startTestServer } from '../support/sparkTestServer.js';

let stop: (() => Promise<void>) | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.SPARK_TEST_REMOTE) return;
  const started = await startTestServer((line) => process.stderr.write(`${line}\n`));
  process.env.SPARK_TEST_REMOTE = started.info.url;
  process.env.SPARK_TEST_TOKEN = started.info.token;
  process.env.SPARK_TEST_PORT = String(started.info.port);
  process.env.SPARK_TEST_PID = String(started.info.pid);
  stop = started.stop;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stop?.();
}
