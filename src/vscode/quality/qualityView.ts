import { basename, join } from 'node:path';
import {
  QualityHistory,
  trendMarks,
  type CheckOutcome,
  type QualityHistoryState,
  type QualityRun,
} from '../../core/quality/qualityHistory.js';
import type { DatasetQuality } from '../../core/quality/qualityEvaluation.js';
import { percent } from '../../core/quality/qualityFormat.js';
import { Emitter, type Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { TreeItemDescription, TreeSource } from '../host/workbenchHost.js';
import type { QualityDiagnostics } from './qualityDiagnostics.js';

export type QualityNode =
  | { readonly kind: 'source'; readonly run: QualityRun }
  | { readonly kind: 'dataset'; readonly run: QualityRun; readonly dataset: QualityRun['datasets'][number] }
  | { readonly kind: 'check'; readonly run: QualityRun; readonly dataset: string; readonly check: CheckOutcome };

/** Where results are kept between sessions (the workspace's storage). */
export interface QualityStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Promise<void>;
}

const STORE_KEY = 'sparkWorkbench.quality.history';

/**
 * Results of data-quality checks, wherever they ran (a pipeline run, Check Data Quality): into the
 * Problems panel, into the kept history, and into the Quality view, which lists each source's datasets
 * and checks with pass/fail and the trend over the last runs.
 */
export class QualityResults implements TreeSource<QualityNode>, Disposable {
  private readonly history: QualityHistory;
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly resultsChanged = new Emitter<{ source: string; quality: readonly DatasetQuality[] }>();
  /** New results of a source arrived (the graph marks its datasets). */
  readonly onDidQualityChange = this.resultsChanged.event;

  constructor(
    private readonly diagnostics: Pick<QualityDiagnostics, 'show' | 'failureOf'>,
    private readonly store: QualityStore,
  ) {
    this.history = new QualityHistory(store.get(STORE_KEY) as QualityHistoryState | undefined);
  }

  /** The pipelines and quality files with kept results. */
  sources(): string[] {
    return this.history.sources();
  }

  /** The kept data-quality runs of a pipeline or quality file, oldest first (the latest last). */
  runsOf(source: string): QualityRun[] {
    return this.history.runsOf(source);
  }

  show(source: string, folder: string, quality: readonly DatasetQuality[], tableName: (dataset: string) => string): void {
    this.diagnostics.show(source, folder, quality, tableName);
    if (!quality.length) return;
    this.history.record(source, folder, quality);
    this.store.update(STORE_KEY, this.history.state()).catch(() => undefined);
    this.changed.fire();
    this.resultsChanged.fire({ source, quality });
  }

  /** The last results of a source, by dataset: how many checks failed and whether one was an error. */
  failedChecks(source: string): Map<string, { failed: number; error: boolean }> {
    const marks = new Map<string, { failed: number; error: boolean }>();
    for (const dataset of this.history.latest(source)?.datasets ?? []) {
      const failed = dataset.checks.filter((c) => c.status !== 'passed');
      if (failed.length)
        marks.set(dataset.dataset, {
          failed: failed.length,
          error: failed.some((c) => c.status === 'error' || c.severity === 'error'),
        });
    }
    return marks;
  }

  getChildren(node?: QualityNode): QualityNode[] {
    if (!node) return this.history.sources().map((source) => ({ kind: 'source', run: this.history.latest(source)! }));
    if (node.kind === 'source') return node.run.datasets.map((dataset) => ({ kind: 'dataset', run: node.run, dataset }));
    if (node.kind === 'dataset')
      return node.dataset.checks.map((check) => ({ kind: 'check', run: node.run, dataset: node.dataset.dataset, check }));
    return [];
  }

  treeItem(node: QualityNode): TreeItemDescription {
    const when = new Date(node.run.at).toLocaleString('en-GB', { hour12: false, dateStyle: 'short', timeStyle: 'short' });
    if (node.kind === 'source') {
      const checks = node.run.datasets.flatMap((d) => d.checks);
      const failed = checks.filter((c) => c.status !== 'passed').length;
      return {
        id: `quality:${node.run.source}`,
        label:
          basename(node.run.source) === 'spark-pipeline.yml' || basename(node.run.source) === 'spark-pipeline.yaml'
            ? basename(node.run.folder)
            : basename(node.run.source),
        description: `${failed ? `${failed} of ${checks.length} failed` : `${checks.length} passed`} · ${when}`,
        tooltip: node.run.source,
        icon: icon(checks),
        expandable: true,
        expanded: true,
      };
    }
    if (node.kind === 'dataset') {
      const failed = node.dataset.checks.filter((c) => c.status !== 'passed').length;
      return {
        id: `quality:${node.run.source}:${node.dataset.dataset}`,
        label: node.dataset.dataset,
        description: `${node.dataset.rows === undefined ? '' : `${node.dataset.rows.toLocaleString('en-US')} rows · `}${failed ? `${failed} failed` : 'all passed'}`,
        icon: icon(node.dataset.checks),
        expandable: true,
        expanded: failed > 0,
      };
    }
    const { check } = node;
    const figures =
      check.failing !== undefined && check.checked !== undefined
        ? `${check.failing.toLocaleString('en-US')}/${check.checked.toLocaleString('en-US')} failing (${percent(check.failing, check.checked)})`
        : '';
    const trend = trendMarks(this.history.trend(node.run.source, node.dataset, check.name));
    return {
      id: `quality:${node.run.source}:${node.dataset}:${check.name}`,
      label: check.name,
      description: [figures, trend].filter(Boolean).join(' · '),
      tooltip: `${check.kind}: ${check.message}\nLast runs, oldest first: ${trend}`,
      // A check whose failing rows can be queried again offers Show Failing Rows.
      contextValue: this.diagnostics.failureOf(node.run.source, node.dataset, check.name) ? 'failedRowCheck' : 'check',
      icon: icon([check]),
      command: {
        id: COMMANDS.quality.openCheck,
        args: [join(node.run.folder, ...check.file.split('/')), check.start],
        title: 'Open Declaration',
      },
    };
  }

  dispose(): void {
    this.changed.dispose();
    this.resultsChanged.dispose();
  }
}

function icon(checks: readonly CheckOutcome[]): string {
  if (checks.some((c) => c.status === 'error' || (c.status === 'failed' && c.severity === 'error'))) return 'error';
  if (checks.some((c) => c.status === 'failed')) return 'warning';
  return 'pass';
}
