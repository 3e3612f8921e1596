import { basename, dirname, join } from 'node:path';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import type { PipelineRunRecord } from '../../core/pipelines/pipelineRunRecord.js';
import type { QualityRun } from '../../core/quality/qualityHistory.js';
import type { CheckResult } from '../../core/quality/qualityEvaluation.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

export const RUN_REPORT_VIEW_TYPE = 'sparkWorkbench.runReport';

export interface RunReportServices {
  readonly host: Pick<WorkbenchHost, 'createWebviewPanel' | 'showInformationMessage'>;
  readonly connections: Pick<ConnectionManager, 'client' | 'profile'>;
  /** The kept data-quality runs of a pipeline, oldest first (its latest run last). */
  readonly qualityRuns: (specPath: string) => readonly QualityRun[];
  readonly assetRoot: string;
  readonly toolVersion: string;
}

/**
 * Open Run Report: the last run's page, as `pipeline run --report html` writes it (the graph with
 * states and times, datasets, errors, data quality with samples and the trend, events), in a panel.
 */
export async function openRunReport(record: PipelineRunRecord | undefined, services: RunReportServices): Promise<void> {
  const summary = record?.summary;
  if (!record || !summary) {
    await services.host.showInformationMessage(
      record
        ? 'That run ended before Spark ran it: there is no report to show.'
        : 'Run a pipeline first: the report is of its last run.',
    );
    return;
  }
  const [{ runReportHtml }, { endpointLabel }, { locateCheck }, { readFileSync }] = await Promise.all([
    import('../../core/reports/runReport.js'),
    import('../../core/connect/connectionString.js'),
    import('../../core/quality/qualityReports.js'),
    import('node:fs'),
  ]);
  const client = await services.connections.client(services.connections.profile ?? undefined);
  const root = dirname(record.specPath);
  const texts = new Map<string, string>();
  const locate = (result: CheckResult) => {
    const file = result.check.location.file;
    if (!texts.has(file))
      texts.set(
        file,
        safeRead(() => readFileSync(join(root, file), 'utf8')),
      );
    return locateCheck(texts.get(file)!, file, result.check);
  };
  // The kept runs end with this one (the run recorded its checks as it finished).
  const runs = services.qualityRuns(record.specPath);
  const earlier = summary.quality.length && runs.length ? runs.slice(0, -1) : runs;
  const page = runReportHtml(
    {
      title: `${record.pipelineName}: pipeline ${record.dry ? 'dry run' : 'run'}`,
      startedAt: record.startedAt,
      sparkVersion: (await client.sparkVersion()).toString(),
      connection: endpointLabel(client.connection),
      toolVersion: services.toolVersion,
    },
    summary,
    record.events,
    { datasets: summary.quality, locate, history: earlier },
  );
  const panel = services.host.createWebviewPanel({
    viewType: RUN_REPORT_VIEW_TYPE,
    title: `Run report: ${record.pipelineName || basename(root)}`,
    icon: 'report',
    assetRoot: services.assetRoot,
    beside: false,
  });
  panel.setHtml(page);
}

function safeRead(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}
