import type { PipelineRunSummary } from '../pipelines/pipelineRun.js';

/**
 * A pipeline run in the Prometheus text format (0.0.4), as node_exporter's textfile collector and a
 * Pushgateway read it: no sample timestamps (the collector skips files that have them), times as
 * gauges of Unix seconds. Every series carries the pipeline and the environment.
 */

export interface RunMetricsLabels {
  readonly pipeline: string;
  /** The environment (--target); "default" when none. */
  readonly target: string;
  /**
   * Which step of a schedule ran (--metrics-step), for pipelines run in parts (an ingestion task, a
   * processing task): each part keeps series of its own, as node_exporter refuses one series in two files.
   */
  readonly step?: string;
}

/** The labels every series of a run carries. */
function baseLabels(labels: RunMetricsLabels): Record<string, string> {
  return { pipeline: labels.pipeline, target: labels.target, ...(labels.step ? { step: labels.step } : {}) };
}

export const METRIC_PREFIX = 'spark_workbench_pipeline';

/** The series the last-success time is kept in, so a failed run does not lose it. */
const LAST_SUCCESS = `${METRIC_PREFIX}_last_success_timestamp_seconds`;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: readonly { readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

/**
 * The run's metrics: its outcome, when it ended and took, the last time a run succeeded (`lastSuccess`:
 * from an earlier file when this run did not), each dataset's rows and time, and the data-quality checks
 * that failed by severity.
 */
export function runMetricsText(
  summary: PipelineRunSummary,
  labels: RunMetricsLabels,
  endedAtMs: number,
  lastSuccessSeconds: number | undefined,
): string {
  const base = baseLabels(labels);
  const succeeded = summary.outcome === 'completed';
  const failedChecks = { error: 0, warn: 0 };
  const errorChecks = { error: 0 };
  let checked = 0;
  for (const dataset of summary.quality)
    for (const result of dataset.results) {
      checked += 1;
      if (result.status === 'failed') failedChecks[result.check.severity] += 1;
      if (result.status === 'error') errorChecks.error += 1;
    }
  const lastSuccess = succeeded ? endedAtMs / 1000 : lastSuccessSeconds;
  const families: Family[] = [
    {
      name: `${METRIC_PREFIX}_run_success`,
      help: 'Whether the last run completed (1) or failed or was cancelled (0).',
      type: 'gauge',
      samples: [{ labels: base, value: succeeded ? 1 : 0 }],
    },
    {
      name: `${METRIC_PREFIX}_run_outcome`,
      help: "The last run's outcome: 1 for the outcome it had, 0 for the others.",
      type: 'gauge',
      samples: (['completed', 'failed', 'cancelled'] as const).map((outcome) => ({
        labels: { ...base, outcome },
        value: summary.outcome === outcome ? 1 : 0,
      })),
    },
    {
      name: `${METRIC_PREFIX}_run_duration_seconds`,
      help: 'How long the last run took.',
      type: 'gauge',
      samples: [{ labels: base, value: summary.durationMs / 1000 }],
    },
    {
      name: `${METRIC_PREFIX}_run_end_timestamp_seconds`,
      help: 'When the last run ended (Unix time).',
      type: 'gauge',
      samples: [{ labels: base, value: endedAtMs / 1000 }],
    },
    ...(lastSuccess === undefined
      ? []
      : [
          {
            name: LAST_SUCCESS,
            help: 'When a run last completed (Unix time), kept across failed runs.',
            type: 'gauge' as const,
            samples: [{ labels: base, value: lastSuccess }],
          },
        ]),
    {
      name: `${METRIC_PREFIX}_dataset_rows`,
      help: 'Rows of each dataset after the last run (materialized views and streaming tables).',
      type: 'gauge',
      samples: summary.datasets
        .filter((d) => d.rows !== undefined)
        .map((d) => ({ labels: { ...base, dataset: d.name }, value: d.rows! })),
    },
    {
      name: `${METRIC_PREFIX}_dataset_duration_seconds`,
      help: "How long each dataset's flow ran in the last run.",
      type: 'gauge',
      samples: summary.datasets
        .filter((d) => d.durationMs !== undefined)
        .map((d) => ({ labels: { ...base, dataset: d.name }, value: d.durationMs! / 1000 })),
    },
    {
      name: `${METRIC_PREFIX}_dataset_state`,
      help: "Each dataset's state at the end of the last run (1 for the state it had).",
      type: 'gauge',
      samples: summary.datasets.map((d) => ({ labels: { ...base, dataset: d.name, state: d.state }, value: 1 })),
    },
    {
      name: `${METRIC_PREFIX}_quality_checks`,
      help: 'Data-quality checks the last run evaluated.',
      type: 'gauge',
      samples: [{ labels: base, value: checked }],
    },
    {
      name: `${METRIC_PREFIX}_quality_failures`,
      help: 'Data-quality checks that failed in the last run, by severity (error, warn).',
      type: 'gauge',
      samples: (['error', 'warn'] as const).map((severity) => ({ labels: { ...base, severity }, value: failedChecks[severity] })),
    },
    {
      name: `${METRIC_PREFIX}_quality_check_errors`,
      help: 'Data-quality checks that could not run in the last run.',
      type: 'gauge',
      samples: [{ labels: base, value: errorChecks.error }],
    },
  ];
  return families
    .filter((family) => family.samples.length)
    .map(
      (family) =>
        `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} ${family.type}\n` +
        family.samples.map((sample) => `${family.name}${labelText(sample.labels)} ${numberText(sample.value)}\n`).join(''),
    )
    .join('');
}

/** The last-success time an earlier file of the same pipeline and environment recorded, if any. */
export function lastSuccessIn(text: string, labels: RunMetricsLabels): number | undefined {
  const wanted = labelText(baseLabels(labels));
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${LAST_SUCCESS}${wanted} `)) continue;
    const value = Number(line.slice(LAST_SUCCESS.length + wanted.length + 1));
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/** Where a Pushgateway keeps this pipeline's group: job spark_workbench, grouped by pipeline, environment (and step). */
export function pushGatewayUrl(base: string, labels: RunMetricsLabels): string {
  const root = base.replace(/\/+$/, '');
  const step = labels.step ? `/step/${encodeURIComponent(labels.step)}` : '';
  return `${root}/metrics/job/spark_workbench/pipeline/${encodeURIComponent(labels.pipeline)}/target/${encodeURIComponent(labels.target)}${step}`;
}
