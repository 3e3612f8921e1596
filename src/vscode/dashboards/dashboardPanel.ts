import { basename, dirname, resolve } from 'node:path';
import type { QualityRun } from '../../core/quality/qualityHistory.js';
import type { DashboardDefinition, DashboardProblem } from '../../core/dashboards/dashboardFile.js';
import { dashboardName } from '../../core/dashboards/dashboardFileNames.js';
import type { TileQueries } from '../../core/dashboards/dashboardRun.js';
import type { DashboardView, ParameterValues, TileState } from '../../core/dashboards/tileResults.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import {
  parseDashboardMessage,
  type DashboardHostMessage,
  type DashboardWebviewMessage,
} from '../../webview/dashboard/protocol.js';
import { documentOnDisk } from '../host/documentOnDisk.js';
import type { WebviewPanelHandle, WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { webviewPage } from '../webviews/webviewPage.js';
import type { DashboardDiagnostics } from './dashboardDiagnostics.js';

export interface DashboardPanelServices {
  readonly host: Pick<
    WorkbenchHost,
    'openDocuments' | 'saveWithDialog' | 'setStatusBarMessage' | 'relativePath' | 'showErrorMessage'
  >;
  /** The session's queries, each shown in the Operations view under `title`. */
  readonly queries: (title: string) => Promise<TileQueries>;
  /** The editor's kept data-quality runs of a pipeline spec or quality file (absolute path), oldest first. */
  readonly qualityRuns: (source: string) => readonly QualityRun[];
  readonly diagnostics: Pick<DashboardDiagnostics, 'showRunProblems'>;
  readonly tablesRead: (sql: string) => Promise<string[]>;
  /** The page of an exported dashboard, from the states shown (see dashboardPage). */
  readonly exportPage: (view: DashboardView, tiles: Readonly<Record<string, TileState>>, path: string) => Promise<string>;
  readonly log: OutputLog;
}

/**
 * One dashboard file in a webview: its tiles run in Spark at once, each drawn (or failing) on its own;
 * parameters and Refresh run them again, cancelling what still runs; Export HTML saves the page as shown.
 */
export class DashboardPanel implements Disposable {
  private readonly disposables = new DisposableStore();
  private ready = false;
  private pending: DashboardHostMessage[] = [];
  private picked: ParameterValues = {};
  private definition: DashboardDefinition | undefined;
  private view: DashboardView | undefined;
  private readonly states = new Map<string, TileState>();
  private running: AbortController | undefined;
  private tilesRead = new Map<string, readonly string[]>();
  private readonly disposed = new Emitter<void>();
  readonly onDidPanelDispose = this.disposed.event;
  private isDisposed = false;
  /** Ends when the render in progress has drawn every tile (tests and callers wait on it). */
  private rendering: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly panel: WebviewPanelHandle,
    private readonly services: DashboardPanelServices,
  ) {
    panel.setHtml(webviewPage(panel, 'dashboard', basename(path)));
    this.disposables.add(
      panel.onDidReceiveMessage((posted: unknown) => {
        const message = parseDashboardMessage(posted);
        if (!message) {
          services.log.error('Dashboard panel: ignored a malformed message from the webview');
          return;
        }
        this.handle(message).catch((error: unknown) => services.log.error('Dashboard panel', error));
      }),
    );
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Runs every tile again (the file's current text, the parameters picked). */
  refresh(): Promise<void> {
    this.rendering = this.render();
    return this.rendering;
  }

  /** Whether a tile reads one of `tables` (names as a pipeline run reports them). */
  tilesReading(tables: readonly string[], same: (a: string, b: string) => boolean): Set<string> {
    const ids = new Set<string>();
    for (const [id, read] of this.tilesRead) if (read.some((name) => tables.some((table) => same(name, table)))) ids.add(id);
    return ids;
  }

  /** Runs just these tiles again: a pipeline run updated what they read. */
  refreshTiles(ids: ReadonlySet<string>, why: string): Promise<void> {
    if (!ids.size || !this.definition) return Promise.resolve();
    this.post({
      type: 'notice',
      text: `${why}: refreshing ${ids.size === 1 ? 'the tile that reads it' : `the ${ids.size} tiles that read it`}…`,
    });
    this.rendering = this.runTiles(this.definition, ids).then(() =>
      this.post({
        type: 'notice',
        text: `${why}: ${ids.size === 1 ? 'its tile was' : `its ${ids.size} tiles were`} refreshed at ${new Date().toLocaleTimeString()}.`,
      }),
    );
    return this.rendering;
  }

  private async handle(message: DashboardWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const queued of this.pending.splice(0)) this.send(queued);
        if (!this.view) await this.refresh();
        else {
          this.send({ type: 'view', view: this.view });
          for (const [id, state] of this.states) this.send({ type: 'tile', id, state });
        }
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'setParameters':
        this.picked = message.values;
        await this.refresh();
        return;
      case 'exportHtml':
        await this.exportHtml();
        return;
      case 'savePng': {
        const bytes = Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64');
        const name = `${message.tileTitle.replace(/[^\w.-]+/g, '_') || 'tile'}.png`;
        const saved = await this.services.host.saveWithDialog(name, new Uint8Array(bytes), { 'PNG image': ['png'] }, 'Save');
        if (saved) this.services.host.setStatusBarMessage(`$(check) Saved ${this.services.host.relativePath(saved)}`, 5000);
        return;
      }
    }
  }

  private async render(): Promise<void> {
    const [{ parseDashboard }, { queryChoices, dashboardView }, { parameterControls }] = await Promise.all([
      import('../../core/dashboards/dashboardFile.js'),
      import('../../core/dashboards/dashboardRun.js'),
      import('../../core/dashboards/dashboardParameters.js'),
    ]);
    this.running?.abort();
    const abort = (this.running = new AbortController());
    const { text } = documentOnDisk(this.services.host, this.path);
    const definition = parseDashboard(text);
    this.definition = definition;
    this.problems = { text, fromChoices: [], fromTiles: new Map() };
    if (definition.problems.some((p) => p.severity === 'error'))
      this.post({
        type: 'notice',
        text: `${basename(this.path)} has problems (see the Problems panel); tiles with a problem are left out.`,
        error: true,
      });
    else this.post({ type: 'notice', text: '' });
    let choices = new Map<string, string[]>();
    try {
      const queried = await queryChoices(definition, await this.services.queries('Dashboard: parameter choices'), abort.signal);
      choices = queried.choices;
      this.problems.fromChoices = queried.problems;
    } catch (error) {
      if (abort.signal.aborted) return;
      this.post({ type: 'notice', text: `The parameters' choices could not be read: ${messageOf(error)}`, error: true });
    }
    if (abort.signal.aborted || this.isDisposed) return;
    const controls = parameterControls(definition.parameters, this.picked, choices);
    this.view = dashboardView(definition, controls);
    this.states.clear();
    this.post({ type: 'view', view: this.view });
    await this.runTiles(definition, undefined, abort);
  }

  private problems: {
    text: string;
    fromChoices: readonly DashboardProblem[];
    fromTiles: Map<string, readonly DashboardProblem[]>;
  } = {
    text: '',
    fromChoices: [],
    fromTiles: new Map(),
  };

  private async runTiles(definition: DashboardDefinition, only?: ReadonlySet<string>, abort?: AbortController): Promise<void> {
    const [{ runTile, tileQuery }, { parameterArgs }] = await Promise.all([
      import('../../core/dashboards/dashboardRun.js'),
      import('../../core/dashboards/dashboardParameters.js'),
    ]);
    if (!abort) {
      this.running?.abort();
      abort = this.running = new AbortController();
    }
    const signal = abort.signal;
    const args = parameterArgs(this.view?.parameters ?? []);
    const tiles = definition.tiles.filter((tile) => !only || only.has(tile.id));
    await Promise.all(
      tiles.map(async (tile) => {
        this.setTile(tile.id, { state: 'loading' });
        const source = tile.source;
        this.tilesRead.set(
          tile.id,
          source.kind === 'dataset' ? [source.dataset] : await this.services.tablesRead(tileQuery(tile).sql).catch(() => []),
        );
        try {
          const queries = {
            ...(await this.services.queries(`Dashboard: ${tile.title}`)),
            qualityRuns: (path: string) => this.services.qualityRuns(resolve(dirname(this.path), path)),
          };
          const outcome = await runTile(tile, args, queries, signal);
          if (signal.aborted) return;
          this.setTile(tile.id, outcome.state);
          this.problems.fromTiles.set(tile.id, outcome.problems);
        } catch (error) {
          if (signal.aborted) return;
          this.setTile(tile.id, { state: 'error', message: messageOf(error) });
          this.problems.fromTiles.delete(tile.id);
        }
      }),
    );
    if (signal.aborted || this.isDisposed) return;
    this.services.diagnostics.showRunProblems(this.path, this.problems.text, [
      ...this.problems.fromChoices,
      ...[...this.problems.fromTiles.values()].flat(),
    ]);
  }

  /** Resolves once the tiles of the render in progress are drawn. */
  settled(): Promise<void> {
    return this.rendering;
  }

  private setTile(id: string, state: TileState): void {
    this.states.set(id, state);
    this.post({ type: 'tile', id, state });
  }

  private async exportHtml(): Promise<void> {
    if (!this.view) return;
    const page = await this.services.exportPage(this.view, Object.fromEntries(this.states), this.path);
    const name = `${dashboardName(this.path)}.html`;
    const saved = await this.services.host.saveWithDialog(
      name,
      new TextEncoder().encode(page),
      { 'HTML page': ['html'] },
      'Export',
    );
    if (saved) this.services.host.setStatusBarMessage(`$(check) Exported ${this.services.host.relativePath(saved)}`, 5000);
  }

  private post(message: DashboardHostMessage): void {
    if (this.isDisposed) return;
    if (this.ready) this.send(message);
    else this.pending.push(message);
  }

  private send(message: DashboardHostMessage): void {
    this.panel.postMessage(message).catch(() => undefined);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.running?.abort();
    this.disposed.fire();
    this.disposables.dispose();
    this.panel.dispose();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
