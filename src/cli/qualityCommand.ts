import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { endpointLabel } from '../core/connect/connectionString.js';
import { qualityReportHtml } from '../core/reports/runReport.js';
import { QualityHistoryFile, qualityHistoryKey } from './qualityHistoryFile.js';
import { runtimeHome } from './runtimeHome.js';
import type { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import type { QualityCheck } from '../core/quality/qualityChecks.js';
import type { CheckResult, DatasetQuality } from '../core/quality/qualityEvaluation.js';
import { runQualityChecks } from '../core/quality/qualityFileRun.js';
import { percent } from '../core/quality/qualityFormat.js';
import { parseQualityFile } from '../core/quality/qualityFile.js';
import {
  qualityExitCode,
  renderQualityReport,
  writeReportAtomically,
  type ReportFormat,
  type ReportLocation,
} from '../core/quality/qualityReports.js';
import { lineColumnOf } from '../core/sql/errorLocation.js';
import { locateCheck } from '../core/quality/qualityReports.js';

export interface QualityCheckOptions {
  readonly table?: string;
  readonly query?: string;
  /** Overrides the file's `samples:`. */
  readonly samples?: number;
  readonly report?: ReportFormat;
  readonly out?: string;
  readonly toolVersion: string; /** The environment (--target) whose kept quality runs are read and added to. */
  readonly environment?: string;
}

/**
 * `quality check FILE`: each dataset of the file checked as a table of that name, or the file's
 * checks run against `--table` or `--query` (a file with several datasets then needs the table's
 * name among them). Problems in the file are reported first and those checks are errors.
 */
export async function runQualityCheck(
  client: SparkConnectClient,
  file: string,
  options: QualityCheckOptions,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<{ datasets: DatasetQuality[]; exitCode: 0 | 1 }> {
  const text = readFileSync(file, 'utf8');
  const parsed = parseQualityFile(text, file);
  for (const problem of parsed.problems) {
    const at = lineColumnOf(text, problem.start);
    log(`${file}:${at.line}:${at.column}: ${problem.severity} ${problem.message}`);
  }
  if (parsed.problems.some((p) => p.severity === 'error')) throw new Error(`${file} has errors; no check ran.`);
  const startedAt = Date.now();
  const datasets = await runQualityChecks(client, parsed.checks, {
    table: options.table,
    query: options.query,
    sampleSize: options.samples ?? parsed.sampleSize,
    signal,
  });
  printQualitySummary(datasets, (result) => locateInFile(text, file, result.check), log);
  const history = new QualityHistoryFile(runtimeHome());
  const historyKey = qualityHistoryKey(resolve(file), options.environment);
  const earlier = history.runsOf(historyKey);
  history.record(historyKey, dirname(resolve(file)), datasets);
  if (options.report && options.out) {
    const locate = (r: CheckResult) => locateInFile(text, file, r.check);
    writeReportAtomically(
      options.out,
      options.report === 'html'
        ? qualityReportHtml(
            {
              title: `Data quality: ${basename(file)}`,
              startedAt,
              sparkVersion: (await client.sparkVersion()).toString(),
              connection: endpointLabel(client.connection),
              toolVersion: options.toolVersion,
            },
            { datasets, locate: (r) => ({ ...locate(r), uri: basename(file) }), history: earlier },
          )
        : renderQualityReport(options.report, { datasets, locate, toolVersion: options.toolVersion }),
    );
    log(`Wrote the ${options.report.toUpperCase()} report to ${options.out}`);
  }
  return { datasets, exitCode: qualityExitCode(datasets) };
}

/** A check's place in its file's text, as a report names it: relative to the working folder. */
export function locateInFile(text: string, file: string, check: QualityCheck): ReportLocation {
  return locateCheck(text, relative(process.cwd(), file), check);
}

const MARK: Record<CheckResult['status'], string> = { passed: 'ok  ', failed: 'FAIL', error: 'ERR ' };

/** The quality summary: one line per check, failing ones with their figures and where they are declared. */
export function printQualitySummary(
  datasets: readonly DatasetQuality[],
  locate: (result: CheckResult) => ReportLocation,
  log: (line: string) => void,
): void {
  if (!datasets.length) return;
  log('');
  log('Data quality');
  for (const dataset of datasets) {
    log(`  ${dataset.dataset}${dataset.rows === undefined ? '' : ` (${dataset.rows.toLocaleString('en-US')} rows)`}`);
    for (const result of dataset.results) {
      const severity =
        result.status === 'passed'
          ? ''
          : result.check.kind === 'expect'
            ? ` [${result.check.action === 'keep' ? 'warn' : result.check.action === 'drop' ? 'drop' : 'fail'}]`
            : ` [${result.check.severity}]`;
      const figures =
        result.failing !== undefined && result.checked !== undefined
          ? `${result.failing.toLocaleString('en-US')}/${result.checked.toLocaleString('en-US')} failing (${percent(result.failing, result.checked)})`
          : result.status === 'failed'
            ? result.message
            : (result.observed ?? '');
      const at = result.status === 'passed' ? undefined : locate(result);
      const where = at ? `  ${at.uri}:${at.line}` : '';
      log(
        `    ${MARK[result.status]} ${result.check.name.padEnd(28)} ${result.status === 'error' ? result.message : figures}${severity}${where}`,
      );
    }
  }
  const all = datasets.flatMap((d) => d.results);
  const count = (status: string) => all.filter((r) => r.status === status).length;
  log(`  ${count('passed')} passed, ${count('failed')} failed, ${count('error')} could not run`);
}
