import * as vscode from 'vscode';
import type { PersistedResultsState } from '../../webview/results/protocol.js';
import { besideColumn } from '../host/besideColumn.js';
import type { RunSummary } from '../runs/queryRunner.js';
import { ResultsPanel, RESULTS_VIEW_TYPE, type PanelQuery, type ResultsPanelServices } from './resultsPanel.js';

/**
 * Opens a results panel per query (running the same query again reuses its panel) and brings panels
 * back after a window reload, showing their query without running it.
 */
export class ResultsPanels implements vscode.Disposable {
  private readonly panels = new Set<ResultsPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(private readonly services: ResultsPanelServices) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: PersistedResultsState | undefined) => {
        this.track(new ResultsPanel(panel, services, state?.sql ? state : { title: 'Spark results', sql: '' }));
      },
    });
  }

  /**
   * Runs a query and shows its result as it streams in: in the panel already showing the same SQL, or
   * a new one. Resolves with how the run ended.
   */
  async show(query: PanelQuery): Promise<RunSummary> {
    let panel = [...this.panels].find((candidate) => candidate.sql === query.sql);
    if (panel) panel.reveal();
    else {
      const webviewPanel = vscode.window.createWebviewPanel(
        RESULTS_VIEW_TYPE,
        `Results: ${query.title}`,
        { viewColumn: besideColumn(), preserveFocus: true },
        // The grid holds loaded rows in the webview; keeping it alive while hidden avoids refetching them.
        { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [this.services.bundleRoot] },
      );
      panel = this.track(new ResultsPanel(webviewPanel, this.services));
    }
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
