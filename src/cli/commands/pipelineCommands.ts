import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { renderSpecForEnvironment } from '../../core/environments/renderedSpec.js';
import { writeReportAtomically } from '../../core/quality/qualityReports.js';
import { Option, type Command } from 'commander';
import { qualityExitCode, type ReportFormat } from '../../core/quality/qualityReports.js';
import { log, runQuery, targetEnvironment, type ConnectionFlags } from '../cliConnection.js';
import { workspaceFile } from '../cliDatabases.js';
import { portOption, remoteOption, targetOption, reportOption, requireReportWithOut, retryTimeoutOption } from '../cliOptions.js';
import { EXIT, UsageError } from '../errorReport.js';
import { initPipeline, locateSpec, runPipelineCommand, validateSpec } from '../pipelineCommand.js';
import { packageVersion } from '../runtimeHome.js';

/** `pipeline init|validate|dry-run|run`: Spark Declarative Pipelines projects. */
export function addPipelineCommands(program: Command): void {
  const pipeline = program.command('pipeline').description('Spark Declarative Pipelines projects (spark-pipeline.yml)');
  pipeline
    .command('init')
    .description(
      'create a new pipeline project: a spec, a SQL and a Python definition; with --ci github, also (or, for an existing project, only) a GitHub Actions workflow',
    )
    .argument('<name>', 'the folder to create (or, with --ci, an existing project folder)')
    .addOption(
      new Option(
        '--ci <provider>',
        'add a CI workflow: validate, dry run, run with the data-quality checks, SARIF to code scanning',
      ).choices(['github']),
    )
    .option(
      '--cli-package <spec>',
      "what the workflow installs with 'npm install --global' to get spark-workbench (a git URL or a tarball URL)",
    )
    .action((name: string, options: { ci?: 'github'; cliPackage?: string }) => {
      initPipeline(name, log, options);
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
  pipeline
    .command('render')
    .description(
      "write the spec as it runs in an environment, for Spark's own spark-pipelines --spec (no field Spark does not know)",
    )
    .argument('[spec]', 'the spec file or its folder (default: the nearest spark-pipeline.yml up from here)')
    .addOption(targetOption().makeOptionMandatory())
    .option('--out <file>', 'where to write it (default: spark-pipeline.<environment>.yml beside the spec)')
    .action((spec: string | undefined, options: { target: string; out?: string }) => {
      const specPath = locateSpec(spec);
      const environment = targetEnvironment(options, workspaceFile(log, dirname(specPath)))!;
      const out = resolve(options.out ?? join(dirname(specPath), `spark-pipeline.${environment.name}.yml`));
      writeReportAtomically(out, renderSpecForEnvironment(readFileSync(specPath, 'utf8'), specPath, environment, out));
      log(`Wrote the spec for '${environment.name}' to ${out}: spark-pipelines run --spec ${out} --remote …`);
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
        yes?: boolean;
        metricsFile?: string;
        metricsPush?: string;
        metricsStep?: string;
      },
      command: Command,
    ) => {
      requireReportWithOut(options, command);
      const specPath = locateSpec(spec);
      const environment = targetEnvironment(
        options,
        workspaceFile(() => undefined, dirname(specPath)),
      );
      if (!dry && environment?.production && !options.yes)
        throw new UsageError(
          `'${environment.name}' is a production environment: pass --yes to run the pipeline there` +
            `${options.fullRefreshAll || options.fullRefresh ? ' (this full refresh resets its tables and recomputes them)' : ''}.`,
        );
      await runQuery(
        options,
        '',
        async (client, signal, workbench, environment) => {
          const summary = await runPipelineCommand(
            client,
            specPath,
            dry,
            { ...options, distDir: __dirname, toolVersion: packageVersion(), publish: workbench.publish, environment },
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
      .addOption(targetOption())
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
        .option('--out <file>', 'where to write the data-quality report (written whole, then renamed into place)')
        .option('--yes', 'run on an environment marked production (without it such a run is refused)')
        .option(
          '--metrics-file <file.prom>',
          "write the run's outcome, times, rows and data-quality failures in Prometheus' text format (for node_exporter's textfile collector; written whole, then renamed)",
        )
        .option(
          '--metrics-push <url>',
          'push the same metrics to a Prometheus Pushgateway (job spark_workbench, grouped by pipeline and target)',
        )
        .option(
          '--metrics-step <name>',
          'label the metrics with this step of a schedule (a pipeline run in parts: each part keeps its own series)',
        );
    command.action(pipelineRun(dry));
  }
}
