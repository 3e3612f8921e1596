import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { SqlParameterValue } from '../../core/sql/sqlParameters.js';
import { runQuery, type ConnectionFlags } from '../cliConnection.js';
import { collectParam, parsePositiveInt, portOption, remoteOption, targetOption, retryTimeoutOption } from '../cliOptions.js';
import { EXIT } from '../errorReport.js';
import type { OutputFormat } from '../resultOutput.js';
import { runSqlScript, type SqlScript } from '../sqlScript.js';

/** `sql`: statements run in order in one session, their results printed. */
export function addSqlCommand(program: Command): void {
  program
    .command('sql')
    .description('run SQL statements in order in one Spark session and print their results')
    .argument('[query]', 'the SQL: one statement or several separated by ;')
    .option('--file <file.sql>', 'run the statements of a SQL file instead (errors are reported as FILE:LINE:COL)')
    .addOption(remoteOption())
    .addOption(targetOption())
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
}
