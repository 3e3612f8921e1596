import { join } from 'node:path';
import type { CheckResult, DatasetQuality } from '../../core/quality/qualityEvaluation.js';
import { isErrorSeverity } from '../../core/quality/qualityReports.js';
import { samplesMarkdown } from '../../core/quality/qualitySamples.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { CodeActionItem, DiagnosticItem, DiagnosticSink, DocumentSnapshot, HoverInfo } from '../host/editorHost.js';
import { documentOnDisk } from '../host/documentOnDisk.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/** A failed check shown in Problems, with what Show Failing Rows needs to query its rows again. */
export interface ShownFailure {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly result: CheckResult;
  /** Where the checks came from (a pipeline's spec, a quality file) and the dataset checked. */
  readonly key: string;
  readonly dataset: string;
  readonly source: string;
  /** How the query names another dataset (a pipeline's schema). */
  readonly tableNames: Readonly<Record<string, string>>;
}

/** One failed check as Problems shows it. */
interface ShownProblem {
  readonly uri: string;
  readonly item: DiagnosticItem;
  readonly failure?: ShownFailure;
}

/**
 * Data-quality results in the Problems panel, on the range that declared each failed check (the
 * `CONSTRAINT` clause, the quality file's item): warn as a Warning, error and `FAIL UPDATE` as an
 * Error, a check that could not run as an Error of its own; the hover there shows its sample rows.
 * Problems change only when checks run: the
 * results of a dataset replace what its last checks showed (so checks that pass again clear), and a
 * run that checked nothing (a dry run, a failed or stopped run) leaves them. A failed row check offers
 * Show Failing Rows.
 */
export class QualityDiagnostics implements Disposable {
  private readonly sink: DiagnosticSink;
  /** By source of checks (a pipeline's spec, a quality file), by dataset: its failed checks. */
  private readonly shown = new Map<string, Map<string, ShownProblem[]>>();
  private published = new Set<string>();
  private failures: ShownFailure[] = [];
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: Pick<WorkbenchHost, 'createDiagnostics' | 'openDocuments' | 'registerCodeActions' | 'registerHovers'>,
  ) {
    this.sink = this.disposables.add(host.createDiagnostics('Spark Data Quality'));
    for (const language of ['sql', 'yaml', 'python']) {
      this.disposables.add(
        host.registerCodeActions(language, { actions: (document, start, end) => this.actions(document, start, end) }),
      );
      this.disposables.add(host.registerHovers(language, { hover: async (document, offset) => this.hover(document, offset) }));
    }
  }

  /**
   * The results of one source of checks (`key`: a pipeline's spec, a quality file), files named
   * relative to `folder`; `tableName` gives the query name of a dataset for references.
   */
  show(key: string, folder: string, quality: readonly DatasetQuality[], tableName: (dataset: string) => string): void {
    if (!quality.length) return;
    const datasets = this.shown.get(key) ?? new Map<string, ShownProblem[]>();
    for (const dataset of quality) datasets.set(dataset.dataset, this.problemsOf(key, dataset, folder, tableName));
    this.shown.set(key, datasets);
    this.publish();
  }

  private problemsOf(
    key: string,
    dataset: DatasetQuality,
    folder: string,
    tableName: (dataset: string) => string,
  ): ShownProblem[] {
    return dataset.results
      .filter((result) => result.status !== 'passed')
      .map((result) => {
        const path = join(folder, ...result.check.location.file.split('/'));
        const { uri, text } = documentOnDisk(this.host, path);
        const { start, end } = result.check.location;
        const item: DiagnosticItem = {
          range: rangeOf(text, Math.min(start, text.length), Math.min(end, text.length)),
          message: `${dataset.dataset}: ${result.message}`,
          severity: isErrorSeverity(result) ? 'error' : 'warning',
          code: { value: result.check.kind === 'expect' ? `expect (${result.check.action})` : result.check.kind },
          source: 'Spark data quality',
        };
        const failure =
          result.status === 'failed' && result.failing !== undefined
            ? {
                uri,
                start,
                end,
                result,
                key,
                dataset: dataset.dataset,
                source: dataset.source,
                tableNames: tableNamesOf(result, tableName),
              }
            : undefined;
        return { uri, item, failure };
      });
  }

  private publish(): void {
    const byUri = new Map<string, DiagnosticItem[]>();
    const failures: ShownFailure[] = [];
    for (const datasets of this.shown.values())
      for (const problems of datasets.values())
        for (const problem of problems) {
          byUri.set(problem.uri, [...(byUri.get(problem.uri) ?? []), problem.item]);
          if (problem.failure) failures.push(problem.failure);
        }
    for (const uri of this.published) if (!byUri.has(uri)) this.sink.set(uri, []);
    for (const [uri, items] of byUri) this.sink.set(uri, items);
    this.published = new Set(byUri.keys());
    this.failures = failures;
  }

  /** The failure shown at an index (the code action's argument). */
  failure(index: number): ShownFailure | undefined {
    return this.failures[index];
  }

  /** The failure of a check as its last checks left it, if its rows can be shown. */
  failureOf(key: string, dataset: string, check: string): ShownFailure | undefined {
    return this.failures.find((f) => f.key === key && f.dataset === dataset && f.result.check.name === check);
  }

  /** The sample rows of the failed checks declared where the pointer rests. */
  private hover(document: DocumentSnapshot, offset: number): HoverInfo | undefined {
    const here = this.failures.filter((f) => f.uri === document.uri && f.start <= offset && offset <= f.end);
    if (!here.length) return undefined;
    return {
      markdown: here.map((f) => samplesMarkdown(f.result)).join('\n\n---\n\n'),
      start: Math.min(...here.map((f) => f.start)),
      end: Math.max(...here.map((f) => f.end)),
    };
  }

  private actions(document: DocumentSnapshot, start: number, end: number): CodeActionItem[] {
    return this.failures.flatMap((failure, index) =>
      failure.uri === document.uri && failure.start <= end && start <= failure.end
        ? [
            {
              title: `Show Failing Rows of ${failure.result.check.name}`,
              edits: [],
              command: { id: COMMANDS.quality.showFailingRows, args: [index] },
            },
          ]
        : [],
    );
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function tableNamesOf(result: CheckResult, tableName: (dataset: string) => string): Record<string, string> {
  return result.check.kind === 'references' ? { [result.check.target]: tableName(result.check.target) } : {};
}
