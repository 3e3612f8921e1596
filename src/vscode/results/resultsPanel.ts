import type { RecordBatch, Schema } from 'apache-arrow';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { WebviewPanelHandle, WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { describeProgress, type TrackedOperation } from '../../core/operations/operationTracker.js';
import type { SqlParameterValue } from '../../core/sql/sqlParameters.js';
import type { EventVerdict, HeldResult, QueryRunner, RunSummary, StreamOptions } from '../runs/queryRunner.js';
import { parseWebviewMessage } from '../../webview/results/protocol.js';
import type {
  ChartDataResult,
  ExportFormat,
  HostMessage,
  PersistedResultsState,
  RunStats,
  WebviewMessage,
} from '../../webview/results/protocol.js';
import type { ChartDataRequest } from './chartDataService.js';
import { webviewPage } from '../webviews/webviewPage.js';

export const RESULTS_VIEW_TYPE = 'sparkWorkbench.results';

function describeMessage(value: unknown): string {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? `type ${type.slice(0, 40)}` : typeof value;
}

/** What a results panel needs from the rest of the extension. */
export interface ResultsPanelServices {
  readonly host: Pick<
    WorkbenchHost,
    'showInformationMessage' | 'showErrorMessage' | 'writeClipboard' | 'setStatusBarMessage' | 'saveWithDialog' | 'relativePath'
  >;
  readonly runner: QueryRunner;
  readonly log: OutputLog;
  readonly rowLimit: () => number;
  readonly chartPushdownThreshold: () => number;
  readonly exportResult: (
    sql: string,
    title: string,
    format: ExportFormat,
    args: Readonly<Record<string, SqlParameterValue>> | undefined,
  ) => Promise<void>;
  readonly chartData: (request: ChartDataRequest) => Promise<ChartDataResult>;
}

/**
 * Load more reads on in the run's own execution, held open in Spark, up to this many times the row
 * limit (Spark computes at most that many rows of a query); past it, Load more asks to run again.
 */
const HELD_PAGES = 10;

/** How often a running query's progress (stages, tasks, rows, bytes, elapsed) is sent to the panel. */
const PROGRESS_INTERVAL_MS = 250;

/** What to run in a panel: SQL and the values of its `:name` parameters. */
export interface PanelQuery {
  readonly sql: string;
  readonly title: string;
  readonly args?: Readonly<Record<string, SqlParameterValue>>;
  /** A Spark error of the statement is shown by the caller (a diagnostic), not as a notification too. */
  readonly sparkErrorsShownByCaller?: boolean;
}

interface CurrentRun {
  readonly runId: number;
  readonly sql: string;
  readonly title: string;
  readonly args: Readonly<Record<string, SqlParameterValue>> | undefined;
  rowLimit: number;
  /** The most rows the execution gives (the Limit on the query). */
  readonly fetchLimit: number;
  abort: AbortController;
  schema: Schema | undefined;
  loadedRows: number;
  truncated: boolean;
  finished: boolean;
  /** The execution kept open in Spark while the grid shows `rowLimit` rows, and the rows read past them. */
  held: HeldResult | undefined;
  pending: RecordBatch | undefined;
}

/**
 * One results panel: streams a run's Arrow batches to its webview as they arrive (the grid shows the
 * first batch while Spark still works), and answers the webview's requests: load more, cancel, re-run
 * with a sort or filter in Spark, export, copy, chart data.
 */
export class ResultsPanel implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly pending: HostMessage[] = [];
  private ready = false;
  private nextRunId = 1;
  private current: CurrentRun | undefined;
  private chartAbort: AbortController | undefined;
  private disposed = false;
  private readonly onDidDisposeEmitter = new Emitter<void>();
  readonly onDidPanelDispose = this.onDidDisposeEmitter.event;

  constructor(
    private readonly panel: WebviewPanelHandle,
    private readonly services: ResultsPanelServices,
    restored?: PersistedResultsState,
  ) {
    panel.setHtml(webviewPage(panel, 'results', restored?.title ?? 'Spark results'));
    this.disposables.add(
      panel.onDidReceiveMessage((posted: unknown) => {
        const message = parseWebviewMessage(posted);
        if (!message) {
          services.log.error(`Results panel: ignored a malformed message from the webview (${describeMessage(posted)})`);
          return;
        }
        this.receive(message).catch(() => undefined);
      }),
    );
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    if (restored) {
      this.restoredQuery = { sql: restored.sql, title: restored.title };
      this.post({ type: 'restored', title: restored.title, sql: restored.sql });
    }
  }

  private restoredQuery: { sql: string; title: string } | undefined;

  get sql(): string | undefined {
    return this.current?.sql ?? this.restoredQuery?.sql;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Runs a query in this panel, replacing what it showed; a run still going here is cancelled first. */
  async run(query: PanelQuery, rowLimit = this.services.rowLimit()): Promise<RunSummary> {
    const { sql, title, args } = query;
    this.endCurrent();
    const run: CurrentRun = {
      runId: this.nextRunId++,
      sql,
      title,
      args,
      rowLimit,
      fetchLimit: rowLimit * HELD_PAGES,
      abort: new AbortController(),
      schema: undefined,
      loadedRows: 0,
      truncated: false,
      finished: false,
      held: undefined,
      pending: undefined,
    };
    this.current = run;
    this.restoredQuery = undefined;
    this.panel.setTitle(`Results: ${title}`);
    this.post({
      type: 'runStarted',
      run: {
        runId: run.runId,
        title,
        sql,
        rowLimit,
        startedAt: Date.now(),
        chartPushdownThreshold: this.services.chartPushdownThreshold(),
      },
    });
    const arrow = await import('../../core/arrow/arrowIpc.js');
    return this.read(run, arrow, (options) =>
      this.services.runner.stream(sql, title, {
        // One row past what the execution may give tells whether more exist, without computing them.
        maxRows: run.fetchLimit + 1,
        args,
        sparkErrorsShownByCaller: query.sparkErrorsShownByCaller,
        ...options,
      }),
    );
  }

  /**
   * Reads a run (its start, or its continuation after Load more) into the grid: batches up to the row
   * limit are forwarded; one past it holds the execution in Spark, keeping the rows read past the limit.
   */
  private async read(
    run: CurrentRun,
    arrow: Pick<typeof import('../../core/arrow/arrowIpc.js'), 'schemaToIpc' | 'batchToIpc' | 'headOfBatch' | 'tailOfBatch'>,
    start: (options: Pick<StreamOptions, 'onEvent' | 'signal' | 'onOperation'>) => Promise<RunSummary>,
  ): Promise<RunSummary> {
    let operation: TrackedOperation | undefined;
    let bytes = 0;
    const startedAt = Date.now();
    const statsOf = (rows: number, arrowBytes: number, elapsedMs: number): RunStats => ({
      rows,
      bytes: arrowBytes,
      elapsedMs,
      progress: operation ? describeProgress({ ...operation, rows: 0 }) : '',
      stages: operation?.stages,
      tasks: operation?.tasks,
    });
    // Spark can compute for minutes before the first row: the elapsed time and its stage and task
    // counts tick on a timer, not only when rows arrive.
    const ticker = setInterval(() => {
      if (run === this.current && !this.disposed)
        this.post({ type: 'stats', runId: run.runId, stats: statsOf(run.loadedRows, bytes, Date.now() - startedAt) });
    }, PROGRESS_INTERVAL_MS);
    run.finished = false;
    const summary = await start({
      signal: run.abort.signal,
      onOperation: (tracked) => (operation = tracked),
      onEvent: (event, stats) => {
        if (run !== this.current || this.disposed) return;
        bytes = stats.arrowBytes;
        if (event.type === 'schema') {
          run.schema = event.schema;
          this.post({ type: 'schema', runId: run.runId, ipc: arrow.schemaToIpc(event.schema) });
        }
        if (event.type === 'batch') return this.forwardBatch(run, event.batch, arrow);
        return undefined;
      },
    }).finally(() => clearInterval(ticker));
    run.finished = true;
    run.held = summary.held;
    // The Limit's extra row came: the query has more rows than this execution gives.
    if (!run.held && run.loadedRows + (run.pending?.numRows ?? 0) > run.fetchLimit) run.truncated = true;
    if (run === this.current && !this.disposed) {
      this.post({
        type: 'runFinished',
        runId: run.runId,
        status: summary.status === 'refused' ? 'failed' : summary.status,
        stats: statsOf(run.loadedRows, summary.bytes, summary.elapsedMs),
        truncated: run.truncated,
        message: summary.status === 'refused' ? 'Spark Workbench runs nothing in Restricted Mode.' : summary.error?.message,
      });
    } else summary.held?.release();
    return summary;
  }

  /** Load more: the held execution reads on; one Spark can no longer give is run again if the person agrees. */
  private async loadMore(run: CurrentRun): Promise<void> {
    run.rowLimit += this.services.rowLimit();
    const held = run.held;
    if (!held) {
      const again = await this.askToRunAgain(
        run,
        `This run read the ${run.fetchLimit.toLocaleString('en-US')} rows Spark was asked for; more need the query to run again.`,
      );
      if (again) await this.run(run, run.rowLimit);
      return;
    }
    run.held = undefined;
    run.truncated = false;
    run.abort = new AbortController();
    this.post({ type: 'runResumed', runId: run.runId, rowLimit: run.rowLimit });
    const arrow = await import('../../core/arrow/arrowIpc.js');
    const pending = run.pending;
    run.pending = undefined;
    if (pending && this.forwardBatch(run, pending, arrow) === 'hold') {
      run.held = held;
      this.post({
        type: 'runFinished',
        runId: run.runId,
        status: 'succeeded',
        stats: { rows: run.loadedRows, bytes: 0, elapsedMs: 0, progress: '' },
        truncated: true,
      });
      return;
    }
    const summary = await this.read(run, arrow, (options) => held.resume({ ...options, sparkErrorsShownByCaller: true }));
    if (
      summary.status === 'failed' &&
      summary.error &&
      /INVALID_HANDLE|OPERATION_(NOT_FOUND|ABANDONED)/.test(`${summary.error.errorClass ?? ''} ${summary.error.message}`)
    ) {
      const again = await this.askToRunAgain(
        run,
        'Spark no longer holds the rest of this result (it released the run after it waited too long).',
      );
      if (again) await this.run(run, run.rowLimit);
    }
  }

  private async askToRunAgain(run: CurrentRun, why: string): Promise<boolean> {
    const choice = await this.services.host.showInformationMessage(
      `${why} Run the query again? A query that is not deterministic (rand(), a changing table) may then show other rows.`,
      'Run Again',
    );
    return choice === 'Run Again' && run === this.current && !this.disposed;
  }

  /** Stops the current run: cancels it while it reads, releases what Spark holds of it. */
  private endCurrent(): void {
    const run = this.current;
    if (!run) return;
    run.abort.abort();
    run.held?.release();
    run.held = undefined;
    run.pending = undefined;
  }

  /** Forwards what fits below the row limit; rows past it are kept and the run held ('hold'). */
  private forwardBatch(
    run: CurrentRun,
    batch: RecordBatch,
    arrow: Pick<typeof import('../../core/arrow/arrowIpc.js'), 'batchToIpc' | 'headOfBatch' | 'tailOfBatch'>,
  ): EventVerdict {
    const room = run.rowLimit - run.loadedRows;
    const kept = arrow.headOfBatch(batch, Math.max(0, room));
    if (kept.numRows > 0) {
      run.loadedRows += kept.numRows;
      this.post({ type: 'batch', runId: run.runId, ipc: arrow.batchToIpc(kept) });
    }
    if (batch.numRows <= room) return undefined;
    run.truncated = true;
    run.pending = arrow.tailOfBatch(batch, batch.numRows - kept.numRows);
    return 'hold';
  }

  private async receive(message: WebviewMessage): Promise<void> {
    try {
      await this.handle(message);
    } catch (error) {
      this.services.log.error(`Results panel: ${message.type}`, error);
      this.services.host.showErrorMessage(error instanceof Error ? error.message : String(error)).catch(() => undefined);
    }
  }

  private async handle(message: WebviewMessage): Promise<void> {
    const run = this.current;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const queued of this.pending.splice(0)) this.panel.postMessage(queued).catch(() => undefined);
        return;
      case 'cancel':
        run?.abort.abort();
        return;
      case 'loadMore':
        if (run) await this.loadMore(run);
        return;
      case 'runAgain': {
        const query = run ?? this.restoredQuery;
        if (query) await this.run(query);
        return;
      }
      case 'rerunInSpark': {
        if (!run) return;
        const { sortedAndFilteredQuery } = await import('../../core/results/resultRequery.js');
        const columns = message.columns;
        const sql = sortedAndFilteredQuery(run.sql, columns, message.sort, message.filter);
        const what = [
          message.filter.trim() ? `filtered by “${message.filter.trim()}”` : '',
          message.sort ? `sorted by ${message.sort.column}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        await this.run({ sql, title: `${run.title} (${what} in Spark)`, args: run.args });
        return;
      }
      case 'export': {
        const query = run ?? this.restoredQuery;
        if (query) await this.services.exportResult(query.sql, query.title, message.format, run?.args);
        return;
      }
      case 'copy':
        await this.services.host.writeClipboard(message.text);
        this.services.host.setStatusBarMessage(`$(copy) Copied ${message.what}`, 3000);
        return;
      case 'chartRequest': {
        if (!run) return;
        // Only the newest chart matters: a changed spec stops the aggregation still running for the old one.
        this.chartAbort?.abort();
        const chartAbort = (this.chartAbort = new AbortController());
        run.abort.signal.addEventListener('abort', () => chartAbort.abort(), { once: true });
        const { chartFieldsOf } = await import('../../core/charts/chartFields.js');
        const result = await this.services
          .chartData({
            sql: run.sql,
            args: run.args,
            spec: message.spec,
            fields: run.schema ? chartFieldsOf(run.schema) : [],
            timeZone: message.timeZone,
            loadedRows: message.loadedRows,
            complete: run.finished && !run.truncated,
            signal: chartAbort.signal,
          })
          .catch((error: unknown): ChartDataResult => ({
            kind: 'error',
            message: error instanceof Error ? error.message : String(error),
          }));
        this.post({ type: 'chartData', requestId: message.requestId, result });
        return;
      }
      case 'saveFile':
        await this.saveFile(message.suggestedName, message.content, message.filters);
        return;
    }
  }

  private async saveFile(suggestedName: string, content: string | Uint8Array, filters: Record<string, string[]>): Promise<void> {
    const { host } = this.services;
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const saved = await host.saveWithDialog(suggestedName, bytes, filters, 'Export');
    if (saved) host.setStatusBarMessage(`$(check) Saved ${host.relativePath(saved)}`, 5000);
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    if (this.ready) this.panel.postMessage(message).catch(() => undefined);
    else this.pending.push(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A panel closed mid-run stops its run, and one holding rows in Spark releases them.
    this.endCurrent();
    this.chartAbort?.abort();
    this.disposables.dispose();
    this.panel.dispose();
    this.onDidDisposeEmitter.fire();
    this.onDidDisposeEmitter.dispose();
  }
}
