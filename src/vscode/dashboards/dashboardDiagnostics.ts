import { pathToFileURL } from 'node:url';
import type { DashboardProblem } from '../../core/dashboards/dashboardFile.js';
import { DASHBOARD_FILE } from '../../core/dashboards/dashboardFileNames.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { DocumentSnapshot } from '../host/editorHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

const DEBOUNCE_MS = 250;

/**
 * Dashboard files' problems in the Problems panel: what the file itself gets wrong, as you type; and what
 * Spark said when its tiles last ran (an unknown column, an error in a tile's SQL), at the text they are
 * about. Those last stay until the file changes or the tiles run again.
 */
export class DashboardDiagnostics implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly sink;
  private readonly fromRun = new Map<string, { readonly text: string; readonly problems: readonly DashboardProblem[] }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly host: Pick<
      WorkbenchHost,
      'createDiagnostics' | 'onDidChangeDocument' | 'onDidOpenDocument' | 'onDidCloseDocument' | 'openDocuments'
    >,
  ) {
    this.sink = this.disposables.add(host.createDiagnostics('Spark Dashboards'));
    this.disposables.add(host.onDidOpenDocument((document) => this.schedule(document, 0)));
    this.disposables.add(host.onDidChangeDocument(({ document }) => this.schedule(document, DEBOUNCE_MS)));
    this.disposables.add(
      host.onDidCloseDocument((uri) => {
        if (!this.fromRun.has(uri)) this.sink.set(uri, []);
      }),
    );
    for (const document of host.openDocuments()) this.schedule(document, 0);
  }

  /** What the tiles' last run found in the file whose text was `text`. */
  showRunProblems(path: string, text: string, problems: readonly DashboardProblem[]): void {
    const uri = this.uriOf(path);
    this.fromRun.set(uri, { text, problems });
    this.publish(uri, text).catch(() => undefined);
  }

  private uriOf(path: string): string {
    return this.host.openDocuments().find((d) => d.fileName === path)?.uri ?? pathToFileURL(path).href;
  }

  private schedule(document: DocumentSnapshot, delay: number): void {
    if (!DASHBOARD_FILE.test(document.fileName)) return;
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        this.publish(document.uri, document.text).catch(() => undefined);
      }, delay),
    );
  }

  private async publish(uri: string, text: string): Promise<void> {
    const { parseDashboard } = await import('../../core/dashboards/dashboardFile.js');
    const run = this.fromRun.get(uri);
    // Offsets of a run's problems hold only for the text the run read.
    if (run && run.text !== text) this.fromRun.delete(uri);
    const problems = [...parseDashboard(text).problems, ...(run && run.text === text ? run.problems : [])];
    this.sink.set(
      uri,
      problems.map((problem) => ({
        range: rangeOf(text, problem.start, problem.end),
        message: problem.message,
        severity: problem.severity,
        source: 'Spark dashboard',
      })),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.disposables.dispose();
  }
}
