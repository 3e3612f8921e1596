import { existsSync, readFileSync } from 'node:fs';
import { lastSuccessIn, pushGatewayUrl, runMetricsText, type RunMetricsLabels } from '../core/metrics/runMetrics.js';
import type { PipelineRunSummary } from '../core/pipelines/pipelineRun.js';
import { writeReportAtomically } from '../core/quality/qualityReports.js';

/** How long a Pushgateway may take to answer before the push is given up (the run's outcome stands). */
const PUSH_TIMEOUT_MS = 10_000;

/**
 * Writes the run's metrics file (whole, then renamed: the textfile collector never reads half a file)
 * and pushes them to a Pushgateway. A failed push is reported and leaves the exit status to the run.
 */
export async function recordRunMetrics(
  summary: PipelineRunSummary,
  labels: RunMetricsLabels,
  options: { readonly metricsFile?: string; readonly metricsPush?: string },
  log: (line: string) => void,
): Promise<void> {
  const earlier = options.metricsFile && existsSync(options.metricsFile) ? readFileSync(options.metricsFile, 'utf8') : '';
  const text = runMetricsText(summary, labels, Date.now(), lastSuccessIn(earlier, labels));
  if (options.metricsFile) {
    writeReportAtomically(options.metricsFile, text);
    log(`Wrote the run's metrics to ${options.metricsFile}`);
  }
  if (options.metricsPush) {
    const url = pushGatewayUrl(options.metricsPush, labels);
    try {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': 'text/plain; version=0.0.4' },
        body: text,
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${(await response.text()).trim().slice(0, 200)}`);
      log(`Pushed the run's metrics to ${url}`);
    } catch (error) {
      log(`warning: the run's metrics were not pushed to ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
