import { InvalidArgumentError, Option, type Command } from 'commander';
import { MAX_SAMPLE_SIZE } from '../../core/quality/qualityFile.js';
import type { ReportFormat } from '../../core/quality/qualityReports.js';
import { log, runQuery, type ConnectionFlags } from '../cliConnection.js';
import { portOption, remoteOption, targetOption, reportOption, requireReportWithOut, retryTimeoutOption } from '../cliOptions.js';
import { runQualityCheck } from '../qualityCommand.js';
import { packageVersion } from '../runtimeHome.js';

/** `quality check`: a quality file's checks on tables or a query. */
export function addQualityCommands(program: Command): void {
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
    .addOption(remoteOption())
    .addOption(targetOption())
    .addOption(retryTimeoutOption())
    .addOption(portOption())
    .action(
      async (
        file: string,
        options: ConnectionFlags & {
          table?: string;
          query?: string;
          samples?: number;
          report?: ReportFormat;
          out?: string;
        },
        command: Command,
      ) => {
        requireReportWithOut(options, command);
        await runQuery(options, options.query ?? '', async (client, signal, _workbench, environment) => {
          const { exitCode } = await runQualityCheck(
            client,
            file,
            { ...options, toolVersion: packageVersion(), environment: environment?.name },
            signal,
            log,
          );
          process.exitCode = exitCode;
        });
      },
    );
}
