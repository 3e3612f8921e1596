import { Option, type Command } from 'commander';
import { log, runQuery, type ConnectionFlags } from '../cliConnection.js';
import { parsePositiveInt, portOption, remoteOption, targetOption, retryTimeoutOption } from '../cliOptions.js';

/** `chart`: a query's chart as SVG, aggregated in Spark when the result is large. */
export function addChartCommand(program: Command): void {
  program
    .command('chart')
    .description('draw a chart of a query as SVG (aggregated in Spark when the result is large)')
    .argument('<query>', 'the SQL query')
    .requiredOption('--out <file.svg>', 'where to write the SVG')
    .option('--spec <auto|file>', "a Vega-Lite spec in JSON, or 'auto' for the chart suggested from the result's columns", 'auto')
    .addOption(remoteOption())
    .addOption(targetOption())
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
          const { writeQueryChart } = await import('../chartCommand.js');
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
}
