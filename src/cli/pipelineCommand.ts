import { cliPythonHelper } from './cliPythonHelper.js';
import { requireCliPackage, writeGithubWorkflow } from './githubWorkflowFile.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import { describeEvent } from '../core/pipelines/pipelineEvents.js';
import { pipelineEnvironment } from '../core/pipelines/pipelineEnvironment.js';
import { runPipeline, type PipelineRunSummary } from '../core/pipelines/pipelineRun.js';
import { checkPipelineSpec, findPipelineSpec, hasTwinSpec, type SpecCheck } from '../core/pipelines/pipelineSpec.js';
import { SqlContextWorker } from '../core/sql/completion/contextWorkerClient.js';
import { lineColumnOf } from '../core/sql/errorLocation.js';
import type { PublishTarget } from '../core/databases/publishing.js';
import type { CheckResult } from '../core/quality/qualityEvaluation.js';
import { renderQualityReport, writeReportAtomically, type ReportFormat } from '../core/quality/qualityReports.js';
import { endpointLabel } from '../core/connect/connectionString.js';
import type { PipelineRunEvent } from '../core/pipelines/pipelineEvents.js';
import { runReportHtml } from '../core/reports/runReport.js';
import type { Environment } from '../core/environments/environments.js';
import { specForEnvironment } from '../core/environments/environmentSpec.js';
import { QualityHistoryFile, qualityHistoryKey } from './qualityHistoryFile.js';
import { recordRunMetrics } from './runMetricsOutput.js';
import { runtimeHome } from './runtimeHome.js';
import { locateInFile, printQualitySummary } from './qualityCommand.js';

export interface PipelineCliOptions {
  readonly format: 'text' | 'json';
  /** The folder of the bundles: sqlContextWorker.js there, the Python helper in ../python. */
  readonly distDir: string;
  readonly fullRefresh?: readonly string[];
  readonly fullRefreshAll?: boolean;
  readonly refresh?: readonly string[];
  readonly report?: ReportFormat;
  readonly out?: string;
  readonly toolVersion?: string;
  /** Datasets published to database tables after a completed run (spark-workbench.yml's `publish:`). */
  readonly publish?: readonly PublishTarget[];
  /** The environment the run goes to: its catalog, schema, storage and settings over the spec's. */
  readonly environment?: Environment;
  /** Where to write the run's Prometheus metrics, and the Pushgateway to push them to. */
  readonly metricsFile?: string;
  readonly metricsPush?: string;
  /** The schedule's step this run is, a label of its metrics. */
  readonly metricsStep?: string;
}

/** The spec a command means: the given file or folder, else the nearest one up from the working folder. */
export function locateSpec(given: string | undefined): string {
  if (given && existsSync(given) && !/\.ya?ml$/.test(given)) return findPipelineSpec(given);
  return given ? resolve(given) : findPipelineSpec(process.cwd());
}

/** Checks the spec; the problems are printed `FILE:LINE:COL: severity [CODE] message`. */
export function validateSpec(specPath: string, log: (line: string) => void): SpecCheck {
  const text = readFileSync(specPath, 'utf8');
  const check = checkPipelineSpec(text, specPath);
  if (hasTwinSpec(specPath))
    log(`${specPath}:1:1: error Both spark-pipeline.yml and spark-pipeline.yaml are here; Spark refuses to choose.`);
  for (const problem of check.problems) {
    const at = lineColumnOf(text, problem.start);
    log(`${specPath}:${at.line}:${at.column}: ${problem.severity}${problem.code ? ` [${problem.code}]` : ''} ${problem.message}`);
  }
  return check;
}

/**
 * Runs or dry-runs the pipeline of `specPath` on `client`, printing each event as it arrives on stderr
 * (or the summary as JSON on stdout); returns the summary. Python definitions start the Python helper
 * (installing pyspark's Spark Connect packages into the managed runtime on first use).
 */
export async function runPipelineCommand(
  client: SparkConnectClient,
  specPath: string,
  dry: boolean,
  options: PipelineCliOptions,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<PipelineRunSummary> {
  const check = validateSpec(specPath, log);
  if (!check.spec) throw new Error(`${specPath} has errors; the pipeline did not run.`);
  const grammar = new SqlContextWorker(join(options.distDir, 'sqlContextWorker.js'));
  const helper = cliPythonHelper(options.distDir, log);
  const events: PipelineRunEvent[] = [];
  const startedAt = Date.now();
  try {
    const summary = await runPipeline(
      pipelineEnvironment(client, (query) => grammar.tablesRead(query), helper.start),
      {
        specPath,
        spec: specForEnvironment(check.spec, options.environment),
        files: check.files,
        dry,
        fullRefreshAll: options.fullRefreshAll,
        fullRefresh: options.fullRefresh,
        refresh: options.refresh,
        signal,
        onEvent: (event) => {
          events.push(event);
          if (options.format === 'text') log(describeEvent(event));
        },
        publish: dry ? undefined : options.publish,
      },
    );
    const root = dirname(specPath);
    for (const error of summary.errors)
      log(
        `${join(root, error.file)}:${error.line}:${error.column}: error${error.code ? ` [${error.code}]` : ''} ${error.message}`,
      );
    if (options.format === 'json') process.stdout.write(`${JSON.stringify(jsonSummary(summary), null, 2)}\n`);
    else printSummary(summary, log);
    const texts = new Map<string, string>();
    const locate = (result: CheckResult) => {
      const file = result.check.location.file;
      if (!texts.has(file)) texts.set(file, readFileSync(join(root, file), 'utf8'));
      return locateInFile(texts.get(file)!, join(root, file), result.check);
    };
    if (options.format === 'text') printQualitySummary(summary.quality, locate, log);
    const history = new QualityHistoryFile(runtimeHome());
    const historyKey = qualityHistoryKey(specPath, options.environment?.name);
    const earlier = history.runsOf(historyKey);
    if (!summary.dry && summary.quality.length) history.record(historyKey, root, summary.quality);
    if (!summary.dry && (options.metricsFile || options.metricsPush))
      await recordRunMetrics(
        summary,
        { pipeline: check.spec.name, target: options.environment?.name ?? 'default', step: options.metricsStep },
        options,
        log,
      );
    if (options.report && options.out) {
      const toolVersion = options.toolVersion ?? '0';
      const report =
        options.report === 'html'
          ? runReportHtml(
              {
                title: `${check.spec.name}: pipeline ${summary.dry ? 'dry run' : 'run'}`,
                startedAt,
                sparkVersion: (await client.sparkVersion()).toString(),
                connection: endpointLabel(client.connection),
                toolVersion,
              },
              summary,
              events,
              // The page names files as the project does: relative to the spec's folder.
              { datasets: summary.quality, locate: (r) => ({ ...locate(r), uri: r.check.location.file }), history: earlier },
            )
          : renderQualityReport(options.report, { datasets: summary.quality, locate, toolVersion });
      writeReportAtomically(options.out, report);
      log(`Wrote the ${options.report.toUpperCase()} report to ${options.out}`);
    }
    return summary;
  } finally {
    grammar.dispose();
    helper.dispose();
  }
}

function printSummary(summary: PipelineRunSummary, log: (line: string) => void): void {
  const width = Math.max(7, ...summary.datasets.map((d) => d.name.length));
  log('');
  log(`${'dataset'.padEnd(width)}  ${'kind'.padEnd(16)} ${'state'.padEnd(10)} ${'rows'.padStart(10)}  time`);
  for (const dataset of summary.datasets)
    log(
      `${dataset.name.padEnd(width)}  ${dataset.kind.padEnd(16)} ${dataset.state.padEnd(10)} ${(dataset.rows === undefined ? '' : dataset.rows.toLocaleString('en-US')).padStart(10)}  ${dataset.durationMs === undefined ? '' : `${(dataset.durationMs / 1000).toFixed(1)} s`}`,
    );
  const why =
    summary.message && summary.outcome !== 'completed'
      ? `: ${summary.errorClass ? `[${summary.errorClass}] ` : ''}${summary.message.split('\n')[0]}`
      : '';
  for (const skipped of summary.datasets.filter((d) => d.state === 'skipped' && d.reason))
    log(`Skipped ${skipped.name}: ${skipped.reason}`);
  for (const published of summary.published ?? [])
    log(`Published ${published.dataset} to ${published.target}: ${published.rows.toLocaleString('en-US')} rows.`);
  log(`${summary.dry ? 'Dry run' : 'Run'} ${summary.outcome} in ${(summary.durationMs / 1000).toFixed(1)} s${why}`);
  for (const retried of summary.retriedFlows ?? [])
    log(
      `Flow ${retried.flow} failed and was retried within the run; its rows may be missing. First error: ${retried.firstError}`,
    );
}

export function jsonSummary(summary: PipelineRunSummary): object {
  return {
    outcome: summary.outcome,
    dry: summary.dry,
    durationMs: summary.durationMs,
    message: summary.message,
    errorClass: summary.errorClass,
    retriedFlows: summary.retriedFlows,
    datasets: summary.datasets,
    published: summary.published ?? [],
    quality: summary.quality.map((d) => ({
      dataset: d.dataset,
      rows: d.rows,
      checks: d.results.map((r) => ({
        name: r.check.name,
        kind: r.check.kind,
        status: r.status,
        checked: r.checked,
        failing: r.failing,
        dropped: r.dropped,
        samples: r.samples,
        message: r.message,
      })),
    })),
    errors: summary.errors.map(({ file, line, column, message, code }) => ({ file, line, column, message, code })),
  };
}

/** `pipeline init NAME`: a new project with a spec, a SQL and a Python definition, like spark-pipelines init. */
export function initPipeline(
  name: string,
  log: (line: string) => void,
  options: { readonly ci?: 'github'; readonly cliPackage?: string } = {},
): string {
  const folder = resolve(name);
  // What the workflow installs the CLI from, when one is asked for (asked before anything is written).
  const ciPackage = options.ci ? requireCliPackage(options.cliPackage) : undefined;
  const existing = join(folder, 'spark-pipeline.yml');
  if (ciPackage && existsSync(existing)) {
    const check = checkPipelineSpec(readFileSync(existing, 'utf8'), existing);
    if (!check.spec) throw new Error(`${existing} has errors; fix them (spark-workbench pipeline validate) before adding CI.`);
    writeGithubWorkflow(folder, check.spec.name, ciPackage, log);
    return folder;
  }
  if (existsSync(folder)) throw new Error(`${folder} exists already; choose a new name.`);
  mkdirSync(join(folder, 'transformations'), { recursive: true });
  const pipelineName = name
    .split(/[\\/]/)
    .pop()!
    .replace(/[^\w-]/g, '_');
  writeFileSync(
    join(folder, 'spark-pipeline.yml'),
    `name: ${pipelineName}\n# Checkpoints and pipeline metadata: an absolute URI (Spark refuses a relative path).\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
  );
  writeFileSync(
    join(folder, 'transformations', 'example_numbers.sql'),
    '-- A materialized view: recomputed from its query at each run.\nCREATE MATERIALIZED VIEW example_numbers AS\nSELECT id, id * id AS square FROM range(10);\n',
  );
  writeFileSync(
    join(folder, 'transformations', 'example_evens.py'),
    '"""A materialized view defined in Python; `spark` is given to every definition file."""\n\nfrom pyspark import pipelines as dp\n\n\n@dp.materialized_view\ndef example_evens():\n    return spark.read.table("example_numbers").where("id % 2 = 0")  # noqa: F821\n',
  );
  log(`Created the pipeline ${pipelineName} in ${folder}`);
  if (ciPackage) writeGithubWorkflow(folder, pipelineName, ciPackage, log);
  return folder;
}
