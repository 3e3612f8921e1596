import { dirname } from 'node:path';
import { Option, type Command } from 'commander';
import { qualityExitCode, type ReportFormat } from '../../core/quality/qualityReports.js';
import { log, runQuery, type ConnectionFlags } from '../cliConnection.js';
import { portOption, remoteOption, reportOption, requireReportWithOut, retryTimeoutOption } from '../cliOptions.js';
import { EXIT } from '../errorReport.js';
import { initPipeline, locateSpec, runPipelineCommand, validateSpec } from '../pipelineCommand.js';
import { packageVersion } from '../runtimeHome.js';

/** `pipeline init|validate|dry-run|run`: Spark Declarative Pipelines projects. */
export function addPipelineCommands(program: Command): void {
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
        report?: ReportFormat;
        out?: string;
      },
      command: Command,
    ) => {
      requireReportWithOut(options, command);
      const specPath = locateSpec(spec);
      await runQuery(
        options,
        '',
        async (client, signal, workbench) => {
          const summary = await runPipelineCommand(
            client,
            specPath,
            dry,
            { ...options, distDir: __dirname, toolVersion: packageVersion(), publish: workbench.publish },
            signal,
            log,
          );
          if (summary.outcome === 'cancelled') process.exitCode = EXIT.cancelled;
          else if (summary.outcome !== 'completed' || qualityExitCode(summary.quality) !== 0) process.exitCode = EXIT.sparkError;
        },
        // The spec's spark-workbench.yml: its databases and what the run publishes.
        dirname(specPath),
      );
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
      .addOption(remoteOption())
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
}
