import type { CellRunResult, NotebookKernel, NotebookKernelDependencies } from '../../core/notebooks/notebookKernel.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { CellExecution, CellStatusItem, CellStatusSource, NotebookCellInfo } from '../host/notebookHost.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import type { SqlDiagnostics } from '../sql/sqlDiagnostics.js';

export const JUPYTER_NOTEBOOK_TYPE = 'jupyter-notebook';
export const SPARK_CONTROLLER_ID = 'sparkWorkbench.sparkConnect';

export interface NotebookControllerDependencies {
  /** What a notebook's kernel runs on (the window's session, or the notebook's own connection). */
  kernelDependencies(notebookUri: string): NotebookKernelDependencies;
  /** The name of a notebook's own connection, shown on its cells; undefined for the window's. */
  ownConnection(notebookUri: string): string | undefined;
  /** Loads the kernel class with the engine (the client and Arrow load on first use). */
  loadKernel(): Promise<typeof NotebookKernel>;
  readonly sqlDiagnostics: Pick<SqlDiagnostics, 'failed' | 'succeeded' | 'clear'>;
  readonly log: OutputLog;
}

/**
 * The "Spark Connect" kernel for Jupyter notebooks: each notebook gets a NotebookKernel on the editor's
 * Spark session; cells run in order with their order number, timing and live progress in the cell's
 * status bar; a failed SQL statement is a diagnostic at its place in the cell; a failure stops the
 * cells queued after it, as in Jupyter.
 */
export class SparkNotebookController implements Disposable, CellStatusSource {
  private readonly kernels = new Map<string, Promise<NotebookKernel>>();
  private readonly executionOrders = new Map<string, number>();
  private readonly interrupted = new Set<string>();
  private readonly progress = new Map<string, string>();
  /** The notebook of each cell run so far. */
  private readonly notebookOfCell = new Map<string, string>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cellsRan = new Emitter<void>();
  /** Cells ran (they may have changed tables or the session's current schema). */
  readonly onDidCellsRun = this.cellsRan.event;
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    private readonly deps: NotebookControllerDependencies,
  ) {
    this.disposables.add(
      host.createNotebookController({
        id: SPARK_CONTROLLER_ID,
        notebookType: JUPYTER_NOTEBOOK_TYPE,
        label: 'Spark Connect',
        description: 'SQL and Python cells in the editor’s Spark session',
        supportedLanguages: ['sql', 'python'],
        execute: (cells, notebookUri, begin) => this.execute(cells, notebookUri, begin),
        interrupt: (notebookUri) => this.interrupt(notebookUri),
      }),
    );
    this.disposables.add(host.registerCellStatusBar(JUPYTER_NOTEBOOK_TYPE, this));
    this.disposables.add(
      host.onDidCloseNotebook((uri) => {
        const kernel = this.kernels.get(uri);
        this.kernels.delete(uri);
        this.executionOrders.delete(uri);
        for (const [cellUri, notebookUri] of this.notebookOfCell) if (notebookUri === uri) this.notebookOfCell.delete(cellUri);
        kernel?.then((k) => k.forget()).catch(() => undefined);
      }),
    );
    this.disposables.add(this.changed);
    this.disposables.add(this.cellsRan);
  }

  items(cellUri: string): readonly CellStatusItem[] {
    const items: CellStatusItem[] = [];
    const notebook = this.notebookOfCell.get(cellUri);
    const own = notebook === undefined ? undefined : this.deps.ownConnection(notebook);
    if (own)
      items.push({
        text: `$(plug) ${own}`,
        tooltip: 'This notebook runs on a connection of its own (Spark: Notebook Connection…)',
      });
    const text = this.progress.get(cellUri);
    if (text) items.push({ text: `$(sync~spin) Spark: ${text}`, tooltip: 'Spark’s progress on this cell' });
    return items;
  }

  /** Stops the cell that runs in this notebook and the cells queued after it. */
  interrupt(notebookUri: string): void {
    this.interrupted.add(notebookUri);
    this.kernels
      .get(notebookUri)
      ?.then((kernel) => kernel.interrupt())
      .catch(() => undefined);
  }

  /** Forgets the kernels of these notebooks, or of all (their Python variables went with their session). */
  resetKernels(notebookUris?: readonly string[]): void {
    for (const uri of notebookUris ?? [...this.kernels.keys()]) {
      this.kernels.delete(uri);
      this.executionOrders.delete(uri);
    }
    this.changed.fire();
  }

  private kernel(notebookUri: string): Promise<NotebookKernel> {
    let kernel = this.kernels.get(notebookUri);
    if (!kernel) {
      kernel = this.deps.loadKernel().then((Kernel) => new Kernel(notebookUri, this.deps.kernelDependencies(notebookUri)));
      this.kernels.set(notebookUri, kernel);
    }
    return kernel;
  }

  private async execute(
    cells: readonly NotebookCellInfo[],
    notebookUri: string,
    begin: (cell: NotebookCellInfo) => CellExecution,
  ): Promise<void> {
    const executions = cells.map((cell) => ({ cell, execution: begin(cell) }));
    if (!this.host.isTrusted()) {
      for (const { execution } of executions) execution.end(undefined);
      await this.host.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.');
      return;
    }
    this.interrupted.delete(notebookUri);
    let stopped = false;
    for (const { cell, execution } of executions) {
      if (stopped || this.interrupted.has(notebookUri)) {
        execution.end(undefined);
        continue;
      }
      const result = await this.runCell(cell, notebookUri, execution);
      stopped = result.status !== 'ok';
    }
    this.cellsRan.fire();
  }

  private async runCell(cell: NotebookCellInfo, notebookUri: string, execution: CellExecution): Promise<CellRunResult> {
    this.notebookOfCell.set(cell.uri, notebookUri);
    const order = (this.executionOrders.get(notebookUri) ?? 0) + 1;
    this.executionOrders.set(notebookUri, order);
    execution.setExecutionOrder(order);
    execution.start(Date.now());
    await execution.clearOutput();
    this.deps.sqlDiagnostics.clear(cell.uri);
    // Outputs go to VS Code in order, each after the one before has been taken.
    let outputs: Promise<void> = Promise.resolve();
    let result: CellRunResult;
    try {
      const kernel = await this.kernel(notebookUri);
      result = await kernel.run(
        cell.languageId,
        cell.text,
        {
          output: (output) => {
            outputs = outputs
              .then(() => execution.appendOutput(output))
              .catch((error: unknown) => this.deps.log.error(`A cell output was not shown: ${String(error)}`));
          },
          progress: (text) => this.setProgress(cell.uri, text),
        },
        order,
      );
    } catch (error) {
      result = { status: 'error', elapsedMs: 0 };
      outputs = outputs.then(() =>
        execution.appendOutput({
          kind: 'error',
          ename: 'Error',
          evalue: error instanceof Error ? error.message : String(error),
          traceback: [],
        }),
      );
    }
    await outputs;
    this.setProgress(cell.uri, undefined);
    const document = {
      uri: cell.uri,
      fileName: cell.uri,
      languageId: cell.languageId,
      version: cell.version,
      text: result.sqlFailure?.script ?? cell.text,
    };
    for (const statement of result.sqlSucceeded ?? []) this.deps.sqlDiagnostics.succeeded(document, statement);
    if (result.sqlFailure) this.deps.sqlDiagnostics.failed(document, result.sqlFailure.statement, result.sqlFailure.error);
    execution.end(result.status === 'ok', Date.now());
    return result;
  }

  private setProgress(cellUri: string, text: string | undefined): void {
    if ((this.progress.get(cellUri) ?? '') === (text ?? '')) return;
    if (text) this.progress.set(cellUri, text);
    else this.progress.delete(cellUri);
    this.changed.fire();
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
