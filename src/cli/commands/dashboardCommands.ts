import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import { log, runQuery, type ConnectionFlags } from '../cliConnection.js';
import { portOption, remoteOption, targetOption, retryTimeoutOption } from '../cliOptions.js';
import { EXIT } from '../errorReport.js';

/** `dashboard render`: a dashboard file's tiles run in Spark, written as one offline HTML page. */
export function addDashboardCommands(program: Command): void {
  const dashboard = program.command('dashboard').description('dashboards as code (*.dashboard.yml)');
  dashboard
    .command('render')
    .description('run every tile of a dashboard in Spark (at once) and write one HTML file that opens offline')
    .argument('<dashboard>', 'the .dashboard.yml file')
    .requiredOption('--out <file.html>', 'where to write the page')
    .option(
      '--param <name=value>',
      'a parameter value: a date range as FROM..TO (2024-01-01..2024-01-31), a choice or text as is, All for all; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .addOption(remoteOption())
    .addOption(targetOption())
    .addOption(retryTimeoutOption())
    .addOption(portOption())
    .addOption(new Option('--verbose', "print Spark's own message in full"))
    .action(async (path: string, options: ConnectionFlags & { out: string; param: string[] }) => {
      const file = resolve(path);
      await runQuery(
        options,
        '',
        async (client, signal, _workbench, environment) => {
          const { renderDashboardCommand } = await import('../dashboardCommand.js');
          const result = await renderDashboardCommand(
            client,
            file,
            {
              params: options.param,
              out: resolve(options.out),
              webviewDir: join(__dirname, 'webview'),
              environment: environment?.name,
            },
            signal,
            log,
          );
          if (result.invalid || result.failedTiles) process.exitCode = EXIT.sparkError;
        },
        resolve(file, '..'),
      );
    });
}
