import { join } from 'node:path';
import { parseConnectionString, type ConnectionOptions } from '../core/connect/connectionString.js';
import { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import { describeRetry } from '../core/connect/retryWait.js';
import { SparkError } from '../core/connect/sparkError.js';
import { LocalSparkServer, type LocalServerState } from '../core/localSpark/localSparkServer.js';
import { LOCAL_RUNTIME_PLATFORMS } from '../core/localSpark/platformSupport.js';
import { serversDir } from '../core/localSpark/runtimeHome.js';
import { describeServerExitWithLog } from '../core/localSpark/serverExit.js';
import { SparkUiJobs } from '../core/localSpark/sparkUiJobs.js';
import { attachDatabases, driversMissingFrom } from '../core/databases/databaseCatalogs.js';
import type { DatabaseSource, WorkbenchFile } from '../core/databases/databaseSources.js';
import { environmentPassword, workspaceFile } from './cliDatabases.js';
import { chooseEnvironment, environmentDatabases, tokenVariable, type Environment } from '../core/environments/environments.js';
import { enterEnvironment } from '../core/environments/enterEnvironment.js';
import { UsageError } from './errorReport.js';
import { packageVersion, runtimeHome } from './runtimeHome.js';

/** How the CLI reaches Spark: the server a command names (or the local one), and one client per command. */

export const log = (line: string) => process.stderr.write(`${line}\n`);

export function localServer(): LocalSparkServer {
  return new LocalSparkServer(serversDir(runtimeHome()), log);
}

/** The runtime home as help texts say it: the override when set, else the platform's folder. */
export function runtimeHomeHint(): string {
  return process.env.SPARK_WORKBENCH_HOME ? '$SPARK_WORKBENCH_HOME' : runtimeHome();
}

/** How `server list` and the port messages name who started a server. */
export const CLI_OWNER = 'the spark-workbench CLI';

/**
 * --remote, else SPARK_REMOTE, else the running local server (then with its state, to watch its process);
 * the token may come from the environment.
 */
async function resolveConnection(
  remote: string | undefined,
  port: number,
  environment: Environment | undefined,
): Promise<{ options: ConnectionOptions; local?: LocalServerState }> {
  if (environment?.remote) {
    const token = process.env[tokenVariable(environment.name)];
    const options = parseConnectionString(environment.remote);
    return { options: token ? { ...options, token } : options };
  }
  const url = environment ? undefined : (remote ?? process.env.SPARK_REMOTE);
  if (url) {
    const options = parseConnectionString(url);
    const envToken = process.env.SPARK_CONNECT_AUTHENTICATE_TOKEN;
    return { options: options.token === undefined && envToken ? { ...options, token: envToken } : options };
  }
  if (!LOCAL_RUNTIME_PLATFORMS.includes(process.platform))
    throw new Error(
      'No Spark server to talk to: pass --remote sc://host:port or set SPARK_REMOTE (a local server needs Linux, macOS or WSL).',
    );
  const status = await localServer().status(port);
  if (status.state === 'running') return { options: parseConnectionString(status.url), local: status.server };
  throw new Error(
    `No Spark server to talk to: no local server is running on port ${port} (runtime home ${runtimeHome()}). ` +
      `Start it with 'spark-workbench server start', see the running ones with 'spark-workbench server list', or pass --remote sc://host:port.`,
  );
}

/** Options every command that talks to Spark shares. */
export interface ConnectionFlags {
  readonly remote?: string;
  /** An environment of spark-workbench.yml (default: the one marked default there, if any). */
  readonly target?: string;
  readonly port: number;
  /** Seconds; 0 for no limit of our own. Undefined: the default for where the command runs. */
  readonly retryTimeout?: number;
}

/**
 * The retry time limit: the flag, else a minute when a person watches the terminal, else PySpark's
 * own budget (about ten minutes: an unattended job rides out a server restart).
 */
export function retryTimeoutMs(flag: number | undefined, interactive: boolean): number | undefined {
  const seconds = flag ?? (interactive ? DEFAULT_INTERACTIVE_RETRY_TIMEOUT_SECONDS : 0);
  return seconds === 0 ? undefined : seconds * 1000;
}

export const DEFAULT_INTERACTIVE_RETRY_TIMEOUT_SECONDS = 60;

/**
 * Connects for one command and runs `work` with a signal that Ctrl-C aborts (cancelling the Spark job).
 * Fails in about a second when nothing answers; the run itself then retries like PySpark does, saying
 * so on stderr at every retry, within the retry time limit. When the server is the managed local one,
 * its process is watched: if it dies, the run fails at once with how it died. Errors carry the query
 * text, so the report can point into it.
 */
export async function runQuery(
  options: ConnectionFlags,
  query: string,
  work: (client: SparkConnectClient, signal: AbortSignal, workbench: WorkbenchFile, environment?: Environment) => Promise<void>,
  /** Where the nearest spark-workbench.yml is looked for (default: the working folder). */
  workbenchFrom?: string,
): Promise<void> {
  const file = workspaceFile(log, workbenchFrom);
  const environment = targetEnvironment(options, file);
  const workbench = { ...file, databases: environmentDatabases(file.databases, environment) };
  const { options: connection, local } = await resolveConnection(options.remote, options.port, environment);
  const client = new SparkConnectClient(connection, {
    clientVersion: packageVersion(),
    retryTimeoutMs: retryTimeoutMs(options.retryTimeout, Boolean(process.stderr.isTTY)),
    jobControl: local?.uiPort ? primedJobControl(local.uiPort) : undefined,
  });
  client.onDidRetry((notice) => log(`${describeRetry(notice)}, Ctrl-C stops`));
  const watch = local
    ? localServer().watch(local, (exit) =>
        client.fail(new SparkError({ kind: 'serverStopped', message: describeServerExitWithLog(exit) })),
      )
    : undefined;
  const abort = new AbortController();
  // Ctrl-C, and a scheduler's or CI's stop (SIGTERM), stop the work in Spark before the CLI exits:
  // else its job runs on in the server for as long as it takes.
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    await client.ping();
    if (environment) await enterEnvironment(client, environment, log);
    await attachWorkspaceDatabases(client, local, workbench.databases);
    await work(client, abort.signal, workbench, environment);
  } catch (error) {
    throw Object.assign(new Error('query failed'), { sqlError: error, sqlText: query });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    watch?.dispose();
    await client.close();
  }
}

/**
 * The environment a command runs in: --target, else spark-workbench.yml's default (unless --remote or
 * $SPARK_REMOTE names a server). Thrown errors are usage mistakes.
 */
export function targetEnvironment(
  options: Pick<ConnectionFlags, 'remote' | 'target'>,
  file: WorkbenchFile,
): Environment | undefined {
  if (options.target !== undefined && options.remote !== undefined)
    throw new UsageError('--target and --remote go separately: the environment says where Spark is.');
  if (options.target === undefined && (options.remote !== undefined || process.env.SPARK_REMOTE)) return undefined;
  try {
    return chooseEnvironment(file.environments, options.target);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The databases of the nearest spark-workbench.yml become catalogs of the session. A local server
 * started without their drivers is named, with how to restart it.
 */
async function attachWorkspaceDatabases(
  client: SparkConnectClient,
  local: LocalServerState | undefined,
  databases: readonly DatabaseSource[],
): Promise<void> {
  if (!databases.length) return;
  const missing = local ? driversMissingFrom(local, databases) : [];
  if (missing.length)
    log(
      `The local server on port ${local!.port} was started without the JDBC driver ${missing.join(', ')} of spark-workbench.yml's databases: ` +
        `restart it ('spark-workbench server stop --port ${local!.port}', then 'server start') to read them.`,
    );
  // A server of the user's gets the drivers over Spark Connect; the managed one has them from its start.
  await attachDatabases(
    client,
    databases,
    environmentPassword,
    local ? undefined : { cacheDir: join(runtimeHome(), 'jdbc-drivers'), onFailure: log },
  );
}

/** A cancel looks at the server's jobs at once: the UI's slow first answer is asked for now. */
function primedJobControl(uiPort: number): SparkUiJobs {
  const jobs = new SparkUiJobs(uiPort);
  jobs.prime();
  return jobs;
}
