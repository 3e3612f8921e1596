import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { parseConnectionString, redactConnectionString, type ConnectionOptions } from '../core/connect/connectionString.js';
import { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import { describeRetry } from '../core/connect/retryWait.js';
import { SparkError } from '../core/connect/sparkError.js';
import { LocalSparkServer, localServerUrl, type LocalServerState } from '../core/localSpark/localSparkServer.js';
import { describeServerExitWithLog } from '../core/localSpark/serverExit.js';
import { SparkUiJobs } from '../core/localSpark/sparkUiJobs.js';
import { DEFAULT_CONNECT_PORT } from '../core/localSpark/pinnedVersions.js';
import { SparkRuntimeInstaller } from '../core/localSpark/sparkRuntime.js';
import { serversDir } from '../core/localSpark/runtimeHome.js';
import { LOCAL_RUNTIME_PLATFORMS } from '../core/localSpark/platformSupport.js';
import { describeError, EXIT } from './errorReport.js';
import { runSqlScript, ScriptStatementError, type SqlScript } from './sqlScript.js';
import { runQualityCheck } from './qualityCommand.js';
import { qualityExitCode, type QualityReportFormat } from '../core/quality/qualityReports.js';
import { MAX_SAMPLE_SIZE } from '../core/quality/qualityFile.js';
import { initPipeline, locateSpec, runPipelineCommand, validateSpec } from './pipelineCommand.js';
import { parseParameterValue, type SqlParameterValue } from '../core/sql/sqlParameters.js';
import type { OutputFormat } from './resultOutput.js';
import { packageVersion, runtimeHome } from './runtimeHome.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function localServer(): LocalSparkServer {
  return new LocalSparkServer(serversDir(runtimeHome()), log);
}

/** The runtime home as help texts say it: the override when set, else the platform's folder. */
function runtimeHomeHint(): string {
  return process.env.SPARK_WORKBENCH_HOME ? '$SPARK_WORKBENCH_HOME' : runtimeHome();
}

/** How `server list` and the port messages name who started a server. */
const CLI_OWNER = 'the spark-workbench CLI';

function portOption(): Option {
  return new Option('--port <port>', 'port of the local server on 127.0.0.1')
    .default(DEFAULT_CONNECT_PORT)
    .argParser(parsePositiveInt);
}

function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

/**
 * --remote, else SPARK_REMOTE, else the running local server (then with its state, to watch its process);
 * the token may come from the environment.
 */
async function resolveConnection(
  remote: string | undefined,
  port: number,
): Promise<{ options: ConnectionOptions; local?: LocalServerState }> {
  const url = remote ?? process.env.SPARK_REMOTE;
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
interface ConnectionFlags {
  readonly remote?: string;
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
async function runQuery(
  options: ConnectionFlags,
  query: string,
  work: (client: SparkConnectClient, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const { options: connection, local } = await resolveConnection(options.remote, options.port);
  const client = new SparkConnectClient(connection, {
    clientVersion: packageVersion(),
    retryTimeoutMs: retryTimeoutMs(options.retryTimeout, Boolean(process.stderr.isTTY)),
    jobControl: local?.uiPort ? new SparkUiJobs(local.uiPort) : undefined,
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
    await work(client, abort.signal);
  } catch (error) {
    throw Object.assign(new Error('query failed'), { sqlError: error, sqlText: query });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    watch?.dispose();
    await client.close();
  }
}

function retryTimeoutOption(): Option {
  return new Option(
    '--retry-timeout <seconds>',
    "give up on a server that does not answer after this long, retries included; 0: no limit of our own (default: 60 in a terminal, PySpark's ten-minute budget otherwise)",
  ).argParser(parseNonNegativeInt);
}

function reportOption(): Option {
  return new Option(
    '--report <format>',
    'also write the data-quality results as SARIF 2.1.0 (code scanning), JUnit XML or JSON (needs --out)',
  ).choices(['sarif', 'junit', 'json']);
}

function collectParam(value: string, previous: Record<string, SqlParameterValue>): Record<string, SqlParameterValue> {
  const match = /^([A-Za-z_]\w*)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError('expected name=value');
  try {
    return { ...previous, [match[1]!]: parseParameterValue(match[2]!) };
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}

export function buildProgram(): Command {
  const program = new Command('spark-workbench')
    .description('Spark Workbench on the command line: the same engine as the VS Code extension.')
    .version(packageVersion())
    .showHelpAfterError();

  const server = program
    .command('server')
    .description(
      `the managed local Spark Connect servers (127.0.0.1; Linux, macOS or WSL), kept in the runtime home the CLI shares with the editor: ${runtimeHomeHint()}`,
    );
  server
    .command('start')
    .description('install the pinned pyspark if needed and start a local Spark Connect server')
    .addOption(portOption())
    .option('--no-token', 'accept clients without a token (by default a random token is required)')
    .option('--driver-memory <size>', 'JVM memory of the server', '2g')
    .action(async (options: { port: number; token: boolean; driverMemory: string }) => {
      const runtime = await new SparkRuntimeInstaller(runtimeHome(), log).ensureInstalled();
      const state = await localServer().start(runtime, {
        port: options.port,
        token: options.token ? undefined : null,
        driverMemory: options.driverMemory,
        owner: CLI_OWNER,
      });
      process.stdout.write(`${redactConnectionString(localServerUrl(state))}\n`);
    });
  server
    .command('stop')
    .description('stop the local server')
    .addOption(portOption())
    .action(async (options: { port: number }) => {
      const stopped = await localServer().stop(options.port);
      if (!stopped) log(`No local Spark server was running on port ${options.port}.`);
    });
  server
    .command('list')
    .description(`list the local servers of the runtime home the CLI shares with the editor (${runtimeHomeHint()})`)
    .option('--json', 'print them as JSON')
    .action(async (options: { json?: boolean }) => {
      const servers = await localServer().list();
      if (options.json) {
        const rows = servers.map((s) => ({
          port: s.server.port,
          state: s.state,
          pid: s.server.pid,
          pysparkVersion: s.server.pysparkVersion,
          startedAt: s.server.startedAt,
          owner: s.server.owner ?? null,
          logFile: s.server.logFile,
        }));
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      if (!servers.length) {
        process.stdout.write(`No local Spark server is running (runtime home: ${runtimeHome()}).\n`);
        return;
      }
      const rows = servers.map((s) => [
        String(s.server.port),
        s.state,
        String(s.server.pid),
        s.server.pysparkVersion,
        s.server.startedAt,
        s.server.owner ?? 'unknown',
      ]);
      const header = ['PORT', 'STATE', 'PID', 'PYSPARK', 'STARTED', 'STARTED BY'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows])
        process.stdout.write(
          `${row
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join('  ')
            .trimEnd()}\n`,
        );
      process.stdout.write(`Stop one with: spark-workbench server stop --port PORT\n`);
    });
  server
    .command('status')
    .description('say whether the local server is running')
    .addOption(portOption())
    .option('--json', 'print the status as JSON')
    .action(async (options: { port: number; json?: boolean }) => {
      const status = await localServer().status(options.port);
      if (options.json) {
        const { state } = status;
        const detail =
          status.state === 'stopped'
            ? {}
            : {
                pid: status.server.pid,
                port: status.server.port,
                startedAt: status.server.startedAt,
                pysparkVersion: status.server.pysparkVersion,
              };
        process.stdout.write(`${JSON.stringify({ state, ...detail })}\n`);
      } else if (status.state === 'running') {
        process.stdout.write(
          `running: Spark ${status.server.pysparkVersion} at sc://127.0.0.1:${status.server.port} (pid ${status.server.pid}, since ${status.server.startedAt})\n`,
        );
      } else {
        process.stdout.write(`${status.state}\n`);
      }
      if (status.state !== 'running') process.exitCode = EXIT.connection;
    });

  program
    .command('sql')
    .description('run SQL statements in order in one Spark session and print their results')
    .argument('[query]', 'the SQL: one statement or several separated by ;')
    .option('--file <file.sql>', 'run the statements of a SQL file instead (errors are reported as FILE:LINE:COL)')
    .option('--remote <url>', 'Spark Connect URL, sc://host:port/;token=… (default: $SPARK_REMOTE, else the local server)')
    .addOption(
      new Option('--format <format>', 'output: a table per statement, JSON Lines (an array per statement), or the last CSV')
        .choices(['table', 'json', 'csv'])
        .default('table'),
    )
    .option('--limit <rows>', "print at most this many rows of the last statement's result", parsePositiveInt)
    .option('--param <name=value>', "bind :name to a typed value (42, 12.50, 2024-01-31, 'text'); repeatable", collectParam, {})
    .addOption(retryTimeoutOption())
    .option('--verbose', "print Spark's own message in full as well as the explanation")
    .addOption(portOption())
    .action(
      async (
        query: string | undefined,
        options: ConnectionFlags & {
          file?: string;
          format: OutputFormat;
          limit?: number;
          param: Record<string, SqlParameterValue>;
          verbose?: boolean;
        },
        command: Command,
      ) => {
        if ((query === undefined) === (options.file === undefined))
          command.error('error: give the SQL as an argument or with --file, one of the two', { exitCode: EXIT.usage });
        const script: SqlScript =
          options.file === undefined ? { text: query! } : { text: readFileSync(options.file, 'utf8'), path: options.file };
        await runQuery(options, script.text, async (client, signal) => {
          await runSqlScript(
            client,
            script,
            { format: options.format, limit: options.limit, params: options.param, signal },
            (chunk) => process.stdout.write(chunk),
          );
        });
      },
    );
  const pipeline = program.command('pipeline').description('Spark Declarative Pipelines projects (spark-pipeline.yml)');
  pipeline
    .command('init')
    .description('create a new pipeline project: a spec, a SQL and a Python definition')
    .argument('<name>', 'the folder to create')
    .action((name: string) => {
      initPipeline(name, log);
    });
  pipeline
    .command('validate')
    .description('check the spec as Spark would, and what Spark finds only at run time (missing files, globs matching nothing)')
    .argument('[spec]', 'the spec file or its folder (default: the nearest spark-pipeline.yml up from here)')
    .action((spec: string | undefined) => {
      const check = validateSpec(locateSpec(spec), log);
      if (!check.spec) process.exitCode = EXIT.sparkError;
      else log(`The spec is valid: ${check.files.length} definition file${check.files.length === 1 ? '' : 's'}.`);
    });
  const pipelineRun =
    (dry: boolean) =>
    async (
      spec: string | undefined,
      options: ConnectionFlags & {
        format: 'text' | 'json';
        fullRefresh?: string[];
        fullRefreshAll?: boolean;
        refresh?: string[];
        report?: QualityReportFormat;
        out?: string;
      },
      command: Command,
    ) => {
      if (Boolean(options.report) !== Boolean(options.out))
        command.error('error: --report and --out go together', { exitCode: EXIT.usage });
      const specPath = locateSpec(spec);
      await runQuery(options, '', async (client, signal) => {
        const summary = await runPipelineCommand(
          client,
          specPath,
          dry,
          { ...options, distDir: __dirname, toolVersion: packageVersion() },
          signal,
          log,
        );
        if (summary.outcome === 'cancelled') process.exitCode = EXIT.cancelled;
        else if (summary.outcome !== 'completed' || qualityExitCode(summary.quality) !== 0) process.exitCode = EXIT.sparkError;
      });
    };
  const listOption = (flag: string, description: string) =>
    new Option(flag, description).argParser((value: string) =>
      value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
  for (const [name, dry, description] of [
    ['dry-run', true, 'check the whole graph on Spark (syntax, analysis, cycles) without reading or writing data'],
    ['run', false, 'run the pipeline on Spark, printing its events as they arrive'],
  ] as const) {
    const command = pipeline
      .command(name)
      .description(description)
      .argument('[spec]', 'the spec file or its folder (default: the nearest spark-pipeline.yml up from here)')
      .option('--remote <url>', 'Spark Connect URL, sc://host:port/;token=… (default: $SPARK_REMOTE, else the local server)')
      .addOption(
        new Option('--format <format>', 'text: events as they come and a summary; json: a summary for machines')
          .choices(['text', 'json'])
          .default('text'),
      )
      .addOption(retryTimeoutOption())
      .addOption(portOption());
    if (!dry)
      command
        .addOption(listOption('--full-refresh <datasets>', 'reset and recompute these datasets (comma-separated)'))
        .addOption(new Option('--full-refresh-all', 'reset and recompute every dataset').conflicts(['fullRefresh', 'refresh']))
        .addOption(listOption('--refresh <datasets>', 'update only these datasets (comma-separated)'))
        .addOption(reportOption())
        .option('--out <file>', 'where to write the data-quality report (written whole, then renamed into place)');
    command.action(pipelineRun(dry));
  }

  const quality = program.command('quality').description('data-quality checks (spark-quality.yml) on tables and queries');
  quality
    .command('check')
    .description('run the checks of a quality file: each dataset as a table of that name, or against --table or --query')
    .argument('<file>', 'the quality file (spark-quality.yml or *.quality.yml)')
    .addOption(new Option('--table <name>', 'check this table').conflicts('query'))
    .option('--query <sql>', 'check the rows of this query')
    .option(
      '--samples <n>',
      "failing values kept per check, 0 for counts only (default: the file's samples:, else 5)",
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > MAX_SAMPLE_SIZE)
          throw new InvalidArgumentError(`a whole number from 0 to ${MAX_SAMPLE_SIZE}`);
        return n;
      },
    )
    .addOption(reportOption())
    .option('--out <file>', 'where to write the report (written whole, then renamed into place)')
    .option('--remote <url>', 'Spark Connect URL, sc://host:port/;token=… (default: $SPARK_REMOTE, else the local server)')
    .addOption(retryTimeoutOption())
    .addOption(portOption())
    .action(
      async (
        file: string,
        options: ConnectionFlags & {
          table?: string;
          query?: string;
          samples?: number;
          report?: QualityReportFormat;
          out?: string;
        },
        command: Command,
      ) => {
        if (Boolean(options.report) !== Boolean(options.out))
          command.error('error: --report and --out go together', { exitCode: EXIT.usage });
        await runQuery(options, options.query ?? '', async (client, signal) => {
          const { exitCode } = await runQualityCheck(client, file, { ...options, toolVersion: packageVersion() }, signal, log);
          process.exitCode = exitCode;
        });
      },
    );

  program
    .command('chart')
    .description('draw a chart of a query as SVG (aggregated in Spark when the result is large)')
    .argument('<query>', 'the SQL query')
    .requiredOption('--out <file.svg>', 'where to write the SVG')
    .option('--spec <auto|file>', "a Vega-Lite spec in JSON, or 'auto' for the chart suggested from the result's columns", 'auto')
    .option('--remote <url>', 'Spark Connect URL, sc://host:port/;token=… (default: $SPARK_REMOTE, else the local server)')
    .addOption(
      new Option(
        '--local-rows <rows>',
        'a result with at most this many rows is drawn row by row; larger ones are aggregated in Spark',
      )
        .default(20_000)
        .argParser(parsePositiveInt),
    )
    .option('--time-zone <zone>', "IANA time zone for local time units (default: this machine's)")
    .addOption(retryTimeoutOption())
    .option('--verbose', "print Spark's own message in full as well as the explanation")
    .addOption(portOption())
    .action(
      async (
        query: string,
        options: ConnectionFlags & { out: string; spec: string; localRows: number; timeZone?: string; verbose?: boolean },
      ) => {
        await runQuery(options, query, async (client, signal) => {
          const { writeQueryChart } = await import('./chartCommand.js');
          const chart = {
            spec: options.spec,
            out: options.out,
            localRowLimit: options.localRows,
            timeZone: options.timeZone,
            signal,
          };
          await writeQueryChart(client, query, chart, log);
        });
      },
    );
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (commanderCode?.startsWith('commander.')) {
      return commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const wrapped = error as { sqlError?: unknown; sqlText?: string };
    const verbose = argv.includes('--verbose');
    const failure = wrapped.sqlError ?? error;
    const { text, exitCode } =
      failure instanceof ScriptStatementError
        ? describeError(failure.cause, failure.source, verbose)
        : describeError(failure, wrapped.sqlText, verbose);
    process.stderr.write(`${text}\n`);
    return exitCode;
  }
}
