// The notebook part of the host seam: controllers, cell executions, the cell status bar and the
// renderer's messages, in plain types (cell outputs are the core's CellOutput).
import type { CellOutput } from '../../core/notebooks/notebookKernel.js';
import type { Disposable, Event } from '../../core/util/events.js';

export interface NotebookCellInfo {
  /** The cell's document URI (diagnostics and the status bar are keyed by it). */
  readonly uri: string;
  readonly notebookUri: string;
  readonly index: number;
  readonly languageId: string;
  readonly text: string;
  readonly version: number;
}

/** One cell's run as VS Code shows it (the spinner, the order number, the timing, the outputs). */
export interface CellExecution {
  start(startTime: number): void;
  setExecutionOrder(order: number): void;
  clearOutput(): Promise<void>;
  /** Appends an output; consecutive stream text of one stream joins one output, as in Jupyter. */
  appendOutput(output: CellOutput): Promise<void>;
  /** `success` undefined: the run did not happen (a queued cell after a failure or an interrupt). */
  end(success: boolean | undefined, endTime?: number): void;
}

export interface NotebookControllerOptions {
  readonly id: string;
  readonly notebookType: string;
  readonly label: string;
  readonly description?: string;
  readonly supportedLanguages: readonly string[];
  /** Runs `cells` in order; `begin` makes each one's execution (call it for every cell, up front). */
  execute(
    cells: readonly NotebookCellInfo[],
    notebookUri: string,
    begin: (cell: NotebookCellInfo) => CellExecution,
  ): Promise<void>;
  interrupt(notebookUri: string): void;
}

export interface CellStatusItem {
  readonly text: string;
  readonly tooltip?: string;
}

export interface CellStatusSource {
  readonly onDidChange: Event<void>;
  items(cellUri: string): readonly CellStatusItem[];
}

export interface NewNotebookCell {
  readonly kind: 'markdown' | 'code';
  readonly languageId: string;
  readonly text: string;
}

export interface NotebookHost {
  /** The notebook of the active notebook editor, if any. */
  activeNotebookUri(): string | undefined;
  createNotebookController(options: NotebookControllerOptions): Disposable;
  registerCellStatusBar(notebookType: string, source: CellStatusSource): Disposable;
  /** Messages a notebook renderer posts (unvalidated). */
  onDidReceiveRendererMessage(rendererId: string, listener: (message: unknown) => void): Disposable;
  onDidCloseNotebook(listener: (notebookUri: string) => void): Disposable;
  /** Opens a new untitled notebook of `notebookType` with these cells. */
  openNewNotebook(notebookType: string, cells: readonly NewNotebookCell[]): Promise<void>;
  /** The open cell that holds output `outputId` (the id the extension put in its metadata), as it reads now. */
  cellOfOutput(outputId: string): NotebookCellInfo | undefined;
  /** Adds an output to the cell that holds output `outputId` (an edit of its notebook); false when no open cell holds it. */
  addOutputToCellOf(outputId: string, output: CellOutput): Promise<boolean>;
  /**
   * Saves content where the person picks in a save dialog (its button says `saveLabel`, "Save" when
   * omitted); the path, or undefined when cancelled.
   */
  saveWithDialog(
    suggestedName: string,
    content: Uint8Array,
    filters: Record<string, string[]>,
    saveLabel?: string,
  ): Promise<string | undefined>;
}
