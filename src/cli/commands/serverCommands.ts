import type { Command } from 'commander';
import { redactConnectionString } from '../../core/connect/connectionString.js';
import { localServerUrl } from '../../core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../../core/localSpark/sparkRuntime.js';
import { CLI_OWNER, localServer, log, runtimeHomeHint } from '../cliConnection.js';
import { portOption } from '../cliOptions.js';
import { workspaceDatabases } from '../cliDatabases.js';
import { serverDrivers } from '../../core/databases/databaseSources.js';
import { EXIT } from '../errorReport.js';
import { runtimeHome } from '../runtimeHome.js';

/** `server start|stop|list|status`: the managed local servers of the runtime home. */
export function addServerCommands(program: Command): void {
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
        // The JDBC drivers of the databases spark-workbench.yml declares, fetched once into the runtime home.
        ...serverDrivers(workspaceDatabases(log)),
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
}
