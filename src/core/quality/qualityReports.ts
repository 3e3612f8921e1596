import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { describeCheck, type QualityCheck } from './qualityChecks.js';
import { lineColumnOf } from '../sql/errorLocation.js';
import type { CheckResult, DatasetQuality } from './qualityEvaluation.js';

export type QualityReportFormat = 'sarif' | 'junit' | 'json';
/** What `--report` writes: an HTML page of the run (or of the checks), or the quality results in a machine format. */
export type ReportFormat = QualityReportFormat | 'html';

/** Where a check is declared, as line and column (1-based) in a file named relative to the report's base. */
export interface ReportLocation {
  readonly uri: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface QualityReportInput {
  readonly datasets: readonly DatasetQuality[];
  /** The declaring place of a result's check. */
  readonly locate: (result: CheckResult) => ReportLocation;
  readonly toolVersion: string;
}

/** Exit status for CI: 1 when a check of error severity failed or could not run, else 0. */
export function qualityExitCode(datasets: readonly DatasetQuality[]): 0 | 1 {
  return datasets.some((d) => d.results.some((r) => r.status === 'error' || (r.status === 'failed' && isErrorSeverity(r))))
    ? 1
    : 0;
}

/** `FAIL UPDATE` expectations and checks of severity error fail the build; warnings do not. */
export function isErrorSeverity(result: CheckResult): boolean {
  return (
    result.status === 'error' ||
    result.check.severity === 'error' ||
    (result.check.kind === 'expect' && result.check.action === 'fail')
  );
}

export function renderQualityReport(format: QualityReportFormat, input: QualityReportInput): string {
  switch (format) {
    case 'sarif':
      return `${JSON.stringify(sarif(input), null, 2)}\n`;
    case 'junit':
      return junit(input);
    case 'json':
      return `${JSON.stringify(jsonReport(input), null, 2)}\n`;
  }
}

/** Writes beside the target and renames when complete: a reader never sees half a report. */
export function writeReportAtomically(path: string, content: string): void {
  const partial = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(partial, content);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

function ruleId(result: CheckResult): string {
  return result.check.kind === 'expect' ? 'expectation' : result.check.kind;
}

function sarif({ datasets, locate, toolVersion }: QualityReportInput): object {
  const results = datasets.flatMap((d) => d.results);
  const rules = [...new Set(results.map(ruleId))].map((id) => ({
    id,
    name: id,
    shortDescription: {
      text:
        id === 'expectation'
          ? 'A row expectation (CONSTRAINT … EXPECT, @dp.expect)'
          : `Data-quality check: ${id.replace(/_/g, ' ')}`,
    },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'Spark Workbench', informationUri: 'https://github.com/spark-workbench', version: toolVersion, rules },
        },
        results: results.map((result) => {
          const where = locate(result);
          return {
            ruleId: ruleId(result),
            level: result.status === 'passed' ? 'none' : isErrorSeverity(result) ? 'error' : 'warning',
            kind: result.status === 'passed' ? 'pass' : 'fail',
            message: { text: `${result.check.dataset}: ${result.message}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: where.uri },
                  region: {
                    startLine: where.line,
                    startColumn: where.column,
                    endLine: where.endLine,
                    endColumn: where.endColumn,
                  },
                },
              },
            ],
            properties: {
              dataset: result.check.dataset,
              check: result.check.name,
              status: result.status,
              checked: result.checked,
              failing: result.failing,
              dropped: result.dropped,
              samples: result.samples,
            },
          };
        }),
      },
    ],
  };
}

const xml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function junit({ datasets, locate }: QualityReportInput): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = datasets.flatMap((d) => d.results);
  const count = (status: string) => all.filter((r) => r.status === status).length;
  lines.push(`<testsuites name="data quality" tests="${all.length}" failures="${count('failed')}" errors="${count('error')}">`);
  for (const dataset of datasets) {
    const seconds = (dataset.durationMs / 1000).toFixed(3);
    const failures = dataset.results.filter((r) => r.status === 'failed').length;
    const errors = dataset.results.filter((r) => r.status === 'error').length;
    lines.push(
      `  <testsuite name="${xml(dataset.dataset)}" tests="${dataset.results.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    );
    for (const result of dataset.results) {
      const where = locate(result);
      const open = `    <testcase classname="${xml(dataset.dataset)}" name="${xml(result.check.name)}" file="${xml(where.uri)}" line="${where.line}"`;
      if (result.status === 'passed') lines.push(`${open}/>`);
      else {
        const tag = result.status === 'error' ? 'error' : 'failure';
        lines.push(`${open}>`);
        lines.push(
          `      <${tag} message="${xml(result.message)}" type="${result.check.severity}">${xml(`${describeCheck(result.check)}\n${where.uri}:${where.line}:${where.column}`)}</${tag}>`,
        );
        lines.push('    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function jsonReport({ datasets, locate }: QualityReportInput): object {
  return {
    datasets: datasets.map((d) => ({
      dataset: d.dataset,
      rows: d.rows,
      durationMs: d.durationMs,
      checks: d.results.map((result) => {
        const where = locate(result);
        return {
          name: result.check.name,
          kind: result.check.kind,
          severity: result.check.kind === 'expect' && result.check.action === 'fail' ? 'error' : result.check.severity,
          ...(result.check.kind === 'expect' ? { onViolation: result.check.action } : {}),
          expects: describeCheck(result.check),
          status: result.status,
          checked: result.checked,
          failing: result.failing,
          dropped: result.dropped,
          mostly: result.check.mostly,
          observed: result.observed,
          samples: result.samples,
          message: result.message,
          location: where,
        };
      }),
    })),
    exitCode: qualityExitCode(datasets),
  };
}

/** Where a check is declared in its file's text, the file named as `uri` (forward slashes). */
export function locateCheck(text: string, uri: string, check: QualityCheck): ReportLocation {
  const start = lineColumnOf(text, check.location.start);
  const end = lineColumnOf(text, check.location.end);
  return { uri: uri.split('\\').join('/'), line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
