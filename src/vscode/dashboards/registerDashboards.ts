import { basename, join } from 'node:path';
import { DASHBOARD_FILE, dashboardName } from '../../core/dashboards/dashboardFileNames.js';
import type { TileQueries } from '../../core/dashboards/dashboardRun.js';
import { sameName } from '../../core/pipelines/pipelineGraph.js';
import type { QualityRun } from '../../core/quality/qualityHistory.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import { trackedTable } from '../runs/trackedTable.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { DashboardDiagnostics } from './dashboardDiagnostics.js';
import { DashboardPanel, type DashboardPanelServices } from './dashboardPanel.js';

export const DASHBOARD_VIEW_TYPE = 'sparkWorkbench.dashboard';
const DASHBOARD_GLOB = '**/{dashboard,*.dashboard}.{yml,yaml}';

/** What the rest of the extension tells dashboards. */
export interface Dashboards {
  /** A pipeline run updated these datasets: tiles that read them run again. */
  datasetsUpdated(datasets: readonly string[]): void;
}

/**
 * Dashboards as code: `*.dashboard.yml` checked as you type, opened in a webview (Open Dashboard), its
 * tiles run in Spark at once and refreshed when a pipeline run updates what they read; Export HTML.
 */
export function registerDashboards(
  ctx: WorkbenchContext,
  deps: {
    readonly tablesRead: (sql: string) => Promise<string[]>;
    readonly qualityRuns: (source: string) => readonly QualityRun[];
  },
): Dashboards {
  const { host, log, connections, operations, own } = ctx;
  const diagnostics = own(new DashboardDiagnostics(host));
  const assetRoot = join(ctx.extensionPath, 'dist', 'webview');
  const queries = async (title: string): Promise<TileQueries> => {
    const client = await connections.client(connections.profile ?? undefined);
    return {
      run: (sql, { args, maxRows, signal }) =>
        trackedTable(client.query(sql, { args, maxRows, signal }), title, { connections, operations }, signal),
      analyze: async (sql, args) => void (await client.schemaOf(sql, args)),
    };
  };
  const services: DashboardPanelServices = {
    host,
    queries,
    diagnostics,
    tablesRead: deps.tablesRead,
    qualityRuns: deps.qualityRuns,
    log,
    exportPage: async (view, tiles, path) => {
      const [{ readPageAssets, selfContainedPage }, client] = await Promise.all([
        import('../../core/pages/selfContainedPage.js'),
        connections.client(connections.profile ?? undefined),
      ]);
      const [{ endpointLabel }, version] = await Promise.all([
        import('../../core/connect/connectionString.js'),
        client.sparkVersion(),
      ]);
      const footer =
        `Exported ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC by Spark Workbench from ${basename(path)}, ` +
        `on Spark ${version.toString()} at ${endpointLabel(client.connection)}.`;
      return selfContainedPage(view.title, { view, tiles, footer }, await readPageAssets(assetRoot, 'dashboard'));
    },
  };
  const panels = own(
    new DashboardPanelSet(services, (title) =>
      host.createWebviewPanel({ viewType: DASHBOARD_VIEW_TYPE, title, icon: 'dashboard', assetRoot, beside: true }),
    ),
  );
  const pathOf = (argument: unknown): string | undefined => {
    if (typeof argument === 'string' && DASHBOARD_FILE.test(argument)) return argument;
    const active = host.activeEditor()?.document.fileName;
    return active && DASHBOARD_FILE.test(active) ? active : undefined;
  };
  own(
    host.registerCommand(COMMANDS.dashboards.open, async (argument: unknown) => {
      const path = pathOf(argument);
      if (!path) {
        await host.showInformationMessage('Open a *.dashboard.yml file first: Open Dashboard shows the dashboard it describes.');
        return;
      }
      if (!host.isTrusted()) {
        await host.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.');
        return;
      }
      await panels.show(path);
    }),
  );
  // A saved dashboard file shows what it now says.
  own(
    host.watchFiles(DASHBOARD_GLOB, (path) => {
      panels
        .get(path)
        ?.refresh()
        .catch((error: unknown) => log.error('Refreshing a dashboard after its file changed', error));
    }),
  );
  // A lens above the file: how a new user finds out the file is a dashboard that opens.
  own(
    host.registerCodeLenses(
      { pattern: DASHBOARD_GLOB },
      {
        lenses: (document) => [
          {
            range: { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 },
            title: '$(dashboard) Open Dashboard',
            tooltip: 'Run its tiles in Spark and show the dashboard beside this file',
            command: COMMANDS.dashboards.open,
            args: [document.fileName],
          },
        ],
      },
    ),
  );
  own(
    host.registerCommand(COMMANDS.dashboards.refresh, async (argument: unknown) => {
      const path = pathOf(argument);
      const panel = path ? panels.get(path) : panels.lastShown();
      await panel?.refresh();
    }),
  );
  return { datasetsUpdated: (datasets) => panels.datasetsUpdated(datasets) };
}

/** The open dashboard panels, one per file. */
export class DashboardPanelSet implements Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly disposables = new DisposableStore();
  private last: DashboardPanel | undefined;

  constructor(
    private readonly services: DashboardPanelServices,
    private readonly createPanel: (title: string) => ReturnType<WorkbenchContext['host']['createWebviewPanel']>,
  ) {}

  async show(path: string): Promise<DashboardPanel> {
    let panel = this.panels.get(path);
    if (panel) {
      panel.reveal();
      await panel.refresh();
    } else {
      panel = new DashboardPanel(path, this.createPanel(`Dashboard: ${dashboardName(path)}`), this.services);
      const opened = panel;
      this.panels.set(path, opened);
      opened.onDidPanelDispose(() => {
        this.panels.delete(path);
        if (this.last === opened) this.last = undefined;
      });
    }
    this.last = panel;
    return panel;
  }

  get(path: string): DashboardPanel | undefined {
    return this.panels.get(path);
  }

  lastShown(): DashboardPanel | undefined {
    return this.last;
  }

  datasetsUpdated(datasets: readonly string[]): void {
    for (const panel of this.panels.values()) {
      const tiles = panel.tilesReading(datasets, sameTable);
      if (tiles.size)
        panel
          .refreshTiles(tiles, 'A pipeline run updated what this dashboard reads')
          .catch((error: unknown) => this.services.log.error('Refreshing dashboard tiles', error));
    }
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.disposables.dispose();
  }
}

/** `retail.trend_analysis` in a tile is the `spark_catalog.retail.trend_analysis` a run reports. */
function sameTable(read: string, updated: string): boolean {
  if (sameName(read, updated)) return true;
  const parts = (name: string) => name.toLowerCase().replace(/`/g, '').split('.');
  const [a, b] = [parts(read), parts(updated)];
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.every((part, i) => part === long[long.length - short.length + i]);
}
