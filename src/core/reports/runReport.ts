import { KIND_LABELS } from '../pipelines/datasetKinds.js';
import { layoutPipeline } from '../pipelines/pipelineLayout.js';
import { describeEvent, type PipelineRunEvent } from '../pipelines/pipelineEvents.js';
import type { PipelineRunSummary } from '../pipelines/pipelineRun.js';
import { escapeHtml, staticPage } from '../pages/selfContainedPage.js';
import type { QualityRun } from '../quality/qualityHistory.js';
import type { CheckResult, DatasetQuality } from '../quality/qualityEvaluation.js';
import { isErrorSeverity, type ReportLocation } from '../quality/qualityReports.js';
import { describeCheck } from '../quality/qualityChecks.js';
import { REPORT_CSS } from './reportStyle.js';

/** Where and on what the run happened: never a token (the connection is host:port). */
export interface RunContext {
  readonly title: string;
  readonly startedAt: number;
  readonly sparkVersion: string;
  readonly connection: string;
  readonly toolVersion: string;
}

export interface QualitySection {
  readonly datasets: readonly DatasetQuality[];
  readonly locate: (result: CheckResult) => ReportLocation;
  /** Earlier runs of the same checks, oldest first (this run not among them). */
  readonly history: readonly QualityRun[];
}

const e = (value: unknown) => escapeHtml(String(value));
const seconds = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);
const count = (n: number | undefined) => (n === undefined ? '' : n.toLocaleString('en-US'));
const at = (time: number) => new Date(time).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';

/**
 * A pipeline run as one HTML page with no script: the graph with each dataset's state and time, the
 * datasets (kind, rows, time), errors at their file and line, the data-quality results with failing
 * samples and the trend over the last runs, the events, and where it ran. Every value is escaped.
 */
export function runReportHtml(
  run: RunContext,
  summary: PipelineRunSummary,
  events: readonly PipelineRunEvent[],
  quality: QualitySection,
): string {
  const failed = summary.datasets.filter((d) => d.state === 'failed').length;
  const body = [
    header(run, `${summary.dry ? 'Dry run' : 'Run'} ${summary.outcome} in ${seconds(summary.durationMs)}`, summary.outcome, [
      `${summary.datasets.length} datasets${failed ? `, ${failed} failed` : ''}`,
      summary.message ? `${summary.errorClass ? `[${summary.errorClass}] ` : ''}${summary.message.split('\n')[0]}` : '',
    ]),
    section('graph', 'Graph', graphSvg(summary)),
    section(
      'datasets',
      'Datasets',
      table(
        ['dataset', 'kind', 'state', 'rows', 'time'],
        summary.datasets.map((d) => [
          e(d.name),
          e(KIND_LABELS[d.kind] ?? d.kind),
          `<span class="state ${e(d.state)}">${e(d.state)}</span>${d.reason ? ` <span class="muted">${e(d.reason)}</span>` : ''}`,
          count(d.rows),
          seconds(d.durationMs),
        ]),
        [3, 4],
      ),
    ),
    summary.errors.length
      ? section(
          'errors',
          'Errors',
          `<ul class="errors">${summary.errors
            .map(
              (error) =>
                `<li><code>${e(error.file)}:${error.line}:${error.column}</code> ${error.code ? `<span class="muted">[${e(error.code)}]</span> ` : ''}<pre>${e(error.message)}</pre></li>`,
            )
            .join('')}</ul>`,
        )
      : '',
    qualitySections(quality),
    section('events', 'Events', `<pre class="events">${events.map((event) => e(describeEvent(event))).join('\n')}</pre>`),
    footer(run),
  ].join('\n');
  return staticPage(run.title, body, REPORT_CSS);
}

/** `quality check --report html`: the data-quality part alone. */
export function qualityReportHtml(run: RunContext, quality: QualitySection): string {
  const results = quality.datasets.flatMap((d) => d.results);
  const failing = results.filter((r) => r.status !== 'passed').length;
  const outcome = results.some((r) => r.status === 'error' || (r.status === 'failed' && isErrorSeverity(r)))
    ? 'failed'
    : 'completed';
  const body = [
    header(run, `${results.length} checks, ${failing} not passed`, outcome, []),
    qualitySections(quality),
    footer(run),
  ].join('\n');
  return staticPage(run.title, body, REPORT_CSS);
}

function header(run: RunContext, headline: string, outcome: string, lines: readonly string[]): string {
  return `<header><h1>${e(run.title)}</h1><p class="headline outcome-${e(outcome)}">${e(headline)}</p>${lines
    .filter(Boolean)
    .map((line) => `<p>${e(line)}</p>`)
    .join('')}</header>`;
}

function footer(run: RunContext): string {
  return `<footer>Started ${e(at(run.startedAt))} on Spark ${e(run.sparkVersion)} at ${e(run.connection)}; written by spark-workbench ${e(run.toolVersion)}.</footer>`;
}

function section(id: string, title: string, content: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>${content}</section>`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const cell = (tag: string, i: number, text: string) => `<${tag}${numeric.includes(i) ? ' class="num"' : ''}>${text}</${tag}>`;
  return `<table><thead><tr>${headers.map((h, i) => cell('th', i, e(h))).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((text, i) => cell('td', i, text)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function qualitySections(quality: QualitySection): string {
  const results = quality.datasets.flatMap((d) => d.results.map((r) => ({ dataset: d.dataset, result: r })));
  if (!results.length) return section('quality', 'Data quality', '<p class="muted">No checks ran.</p>');
  const rows = results.map(({ dataset, result }) => {
    const place = quality.locate(result);
    const samples = result.samples.length
      ? `<details><summary>${result.samples.length} failing value${result.samples.length === 1 ? '' : 's'}</summary><ul class="samples">${result.samples
          .map((s) => `<li><code>${e(s)}</code></li>`)
          .join('')}</ul></details>`
      : '';
    return [
      e(dataset),
      `${e(result.check.name)}<div class="muted">${e(describeCheck(result.check))}</div>`,
      e(isErrorSeverity(result) ? 'error' : 'warn'),
      `<span class="state ${e(result.status)}">${e(result.status)}</span>`,
      result.failing === undefined ? e(result.observed ?? '') : `${count(result.failing)} of ${count(result.checked)}`,
      `<code>${e(place.uri)}:${place.line}:${place.column}</code>`,
      `${e(result.message)}${samples}`,
    ];
  });
  return [
    section(
      'quality',
      'Data quality',
      table(['dataset', 'check', 'severity', 'status', 'failing', 'declared at', 'result'], rows, [4]),
    ),
    section('trend', 'Data quality over the last runs', trend(quality)),
  ].join('\n');
}

/** One bar per run (earlier ones, then this one): checks passed, warned and failed. */
function trend(quality: QualitySection): string {
  const now = {
    at: Date.now(),
    outcomes: quality.datasets.flatMap((d) => d.results.map((r) => ({ status: r.status, error: isErrorSeverity(r) }))),
  };
  const runs = [
    ...quality.history.map((run) => ({
      at: run.at,
      outcomes: run.datasets.flatMap((d) => d.checks.map((c) => ({ status: c.status, error: c.severity === 'error' }))),
    })),
    now,
  ];
  const tally = runs.map((run) => ({
    at: run.at,
    passed: run.outcomes.filter((o) => o.status === 'passed').length,
    warned: run.outcomes.filter((o) => o.status === 'failed' && !o.error).length,
    failed: run.outcomes.filter((o) => o.status === 'error' || (o.status === 'failed' && o.error)).length,
  }));
  const most = Math.max(1, ...tally.map((t) => t.passed + t.warned + t.failed));
  const barWidth = 28;
  const height = 120;
  const bars = tally
    .map((t, i) => {
      const x = 40 + i * (barWidth + 12);
      let y = height;
      return (['passed', 'warned', 'failed'] as const)
        .map((kind) => {
          const h = (t[kind] / most) * (height - 10);
          y -= h;
          return h > 0
            ? `<rect class="bar ${kind}" x="${x}" y="${y.toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}"><title>${e(`${at(t.at)}: ${t[kind]} ${kind}`)}</title></rect>`
            : '';
        })
        .join('');
    })
    .join('');
  const width = 40 + tally.length * (barWidth + 12);
  const svg = `<svg class="trend" role="img" aria-label="Checks passed, warned and failed per run" width="${width}" height="${height + 4}" viewBox="0 0 ${width} ${height + 4}">${bars}<line x1="36" y1="${height}" x2="${width}" y2="${height}" class="axis"/></svg>`;
  const rows = tally.map((t, i) => [
    e(at(t.at)) + (i === tally.length - 1 ? ' <span class="muted">(this run)</span>' : ''),
    count(t.passed),
    count(t.warned),
    count(t.failed),
  ]);
  return `${svg}${table(['run', 'passed', 'warned', 'failed'], rows, [1, 2, 3])}`;
}

/** The run's graph laid out left to right, each dataset coloured by its state, with rows and time. */
function graphSvg(summary: PipelineRunSummary): string {
  const layout = layoutPipeline(summary.graph, 'wide');
  const state = new Map(summary.datasets.map((d) => [d.name, d]));
  const pad = 10;
  const edges = layout.edges
    .map(
      (edge) =>
        `<polyline class="edge" points="${edge.points.map((p) => `${(p.x + pad).toFixed(1)},${(p.y + pad).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  const nodes = layout.nodes
    .map((node) => {
      const dataset =
        state.get(node.label) ??
        [...state.values()].find((d) => d.name.endsWith(`.${node.label}`) || node.label.endsWith(`.${d.name}`));
      const x = node.x - node.width / 2 + pad;
      const y = node.y - node.height / 2 + pad;
      const detail = dataset
        ? [dataset.state, count(dataset.rows) && `${count(dataset.rows)} rows`, seconds(dataset.durationMs)]
            .filter(Boolean)
            .join(' · ')
        : (KIND_LABELS[node.kind] ?? node.kind);
      return (
        `<g class="node ${e(dataset?.state ?? 'source')}"><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${node.width.toFixed(1)}" height="${node.height.toFixed(1)}" rx="6"/>` +
        `<text x="${(x + 10).toFixed(1)}" y="${(y + 22).toFixed(1)}" class="label">${e(node.label)}</text>` +
        `<text x="${(x + 10).toFixed(1)}" y="${(y + 42).toFixed(1)}" class="detail">${e(detail)}</text></g>`
      );
    })
    .join('');
  const width = layout.width + 2 * pad;
  const height = layout.height + 2 * pad;
  return `<div class="graph-frame"><svg class="graph" role="img" aria-label="The pipeline's datasets and what each reads" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}">${edges}${nodes}</svg></div>`;
}
