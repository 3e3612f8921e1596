/**
 * Runs examples/orders against the managed local Spark server: statement by statement, printing each
 * result as a table. Starts the server when none is running and stops it again afterwards, unless
 * --keep-server is given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { DEFAULT_CONNECT_PORT } from '../src/core/localSpark/pinnedVersions.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { splitSqlStatements } from '../src/core/sql/statementSplitter.js';
import { describeError } from '../src/cli/errorReport.js';
import { writeResult } from '../src/cli/resultOutput.js';
import { projectRoot, projectRuntimeDir } from './runtimeDir.mjs';

const log = (line: string) => console.error(line);
const keepServer = process.argv.includes('--keep-server');

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureInstalled();
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = DEFAULT_CONNECT_PORT;
const wasRunning = (await servers.status(port)).state === 'running';
const state = await servers.start(runtime, { port });
const client = new SparkConnectClient(localServerUrl(state), { clientVersion: 'example' });
let exitCode = 0;
try {
  console.error(`Connected to Spark ${(await client.sparkVersion()).text} at sc://127.0.0.1:${port}`);
  const exampleDir = join(projectRoot, 'examples', 'orders');
  const script = readFileSync(join(exampleDir, 'revenue_by_region.sql'), 'utf8').replaceAll(
    '${data_dir}',
    join(exampleDir, 'data'),
  );
  for (const statement of splitSqlStatements(script)) {
    try {
      await writeResult(client.sql(statement.text), 'table', (chunk) => process.stdout.write(chunk));
    } catch (error) {
      const { text, exitCode: code } = describeError(error, statement.text);
      console.error(text);
      exitCode = code;
      break;
    }
  }
} finally {
  await client.close();
  if (!wasRunning && !keepServer) await servers.stop(port);
}
process.exit(exitCode);
