import { isQualityFile } from '../../core/quality/qualityFileNames.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { DiagnosticSink, DocumentSnapshot } from '../host/editorHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { PipelineEngine } from '../pipelines/pipelineEngine.js';

const DEBOUNCE_MS = 250;

/**
 * Data-quality declarations as you type, before anything runs: every open quality file
 * (`spark-quality.yml`, `*.quality.yml`) with its unknown types, bad patterns, missing settings, and
 * every open SQL file's `CONSTRAINT … EXPECT` clauses that cannot work, each at its range.
 */
export class DeclarationDiagnostics implements Disposable {
  private readonly sink: DiagnosticSink;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: Pick<
      WorkbenchHost,
      'createDiagnostics' | 'onDidChangeDocument' | 'onDidOpenDocument' | 'onDidCloseDocument' | 'openDocuments'
    >,
    private readonly engine: () => Promise<Pick<PipelineEngine, 'qualityFileProblems' | 'expectationProblems'>>,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.sink = this.disposables.add(host.createDiagnostics('Spark Data Quality declarations'));
    this.disposables.add(host.onDidOpenDocument((document) => this.schedule(document, 0)));
    this.disposables.add(host.onDidChangeDocument(({ document }) => this.schedule(document, DEBOUNCE_MS)));
    this.disposables.add(host.onDidCloseDocument((uri) => this.sink.set(uri, [])));
    for (const document of host.openDocuments()) this.schedule(document, 0);
  }

  private schedule(document: DocumentSnapshot, delay: number): void {
    const quality = isQualityFile(document.fileName);
    // Only SQL that declares expectations is read (the engine loads on first need).
    if (!quality && !(document.languageId === 'sql' && /\bEXPECT\s*\(/i.test(document.text))) {
      if (document.languageId === 'sql') this.sink.set(document.uri, []);
      return;
    }
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        this.check(document.uri, quality).catch(this.onFailure);
      }, delay),
    );
  }

  private async check(uri: string, quality: boolean): Promise<void> {
    const engine = await this.engine();
    const document = this.host.openDocuments().find((d) => d.uri === uri);
    if (!document) return;
    const problems = quality
      ? engine.qualityFileProblems(document.text, document.fileName)
      : engine.expectationProblems(document.text).map((p) => ({ ...p, severity: 'error' as const }));
    this.sink.set(
      uri,
      problems.map((p) => ({
        range: rangeOf(document.text, p.start, p.end),
        message: p.message,
        severity: p.severity,
        source: 'Spark data quality',
      })),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.disposables.dispose();
  }
}
