import type { Disposable } from '../../core/util/events.js';
import type { PersistedResultsState } from '../../webview/results/protocol.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { RunSummary } from '../runs/queryRunner.js';
import { ResultsPanel, RESULTS_VIEW_TYPE, type PanelQuery, type ResultsPanelServices } from './resultsPanel.js';

/**
 * Opens a results panel per query (running the same query again reuses its panel) and brings panels
 * back after a window reload, showing their query without running it.
 */
export class ResultsPanels implements Disposable {
  private readonly panels = new Set<ResultsPanel>();
  private readonly serializer: Disposable;
  private readonly panelOptions: { viewType: string; assetRoot: string; icon: string; preserveFocus: boolean };

  constructor(
    private readonly host: Pick<WorkbenchHost, 'createWebviewPanel' | 'registerWebviewSerializer'>,
    /** The folder of the results webview's bundle (its scripts and styles, the only files it may load). */
    assetRoot: string,
    private readonly services: ResultsPanelServices,
  ) {
    // The grid holds loaded rows in the webview, kept while hidden; the keyboard stays in the editor.
    this.panelOptions = { viewType: RESULTS_VIEW_TYPE, assetRoot, icon: 'table', preserveFocus: true };
    this.serializer = host.registerWebviewSerializer(this.panelOptions, (panel, state) => {
      const kept = state as Partial<PersistedResultsState> | undefined;
      const restored =
        typeof kept?.sql === 'string' && kept.sql ? { title: String(kept.title ?? 'Spark results'), sql: kept.sql } : undefined;
      this.track(new ResultsPanel(panel, services, restored ?? { title: 'Spark results', sql: '' }));
    });
  }

  /**
   * Runs a query and shows its result as it streams in: in the panel already showing the same SQL, or
   * a new one. Resolves with how the run ended.
   */
  async show(query: PanelQuery): Promise<RunSummary> {
    let panel = [...this.panels].find((candidate) => candidate.sql === query.sql);
    if (panel) panel.reveal();
    else
      panel = this.track(
        new ResultsPanel(
          this.host.createWebviewPanel({ ...this.panelOptions, title: `Results: ${query.title}`, beside: true }),
          this.services,
        ),
      );
    return panel.run(query);
  }

  private track(panel: ResultsPanel): ResultsPanel {
    this.panels.add(panel);
    panel.onDidPanelDispose(() => this.panels.delete(panel));
    return panel;
  }

  dispose(): void {
    this.serializer.dispose();
    for (const panel of this.panels) panel.dispose();
  }
}
