import { lineColumnOf } from '../sql/errorLocation.js';
import { sqlErrorDiagnostic } from '../sql/sqlErrorDiagnostic.js';
import {
  cellLanguage,
  cellText,
  CellOutputs,
  INJECTED_PARAMETERS_TAG,
  pythonErrorLine,
  type NbOutput,
  type Notebook,
} from './ipynb.js';
import type { CellRunStatus, NotebookKernel } from './notebookKernel.js';

/**
 * Where a headless run stopped: the cell (1-based, counting every cell of the notebook as given, so the
 * injected parameters count as the cell tagged `parameters`) and its line.
 */
export interface NotebookFailure {
  readonly cell: number;
  readonly line: number;
  readonly status: Exclude<CellRunStatus, 'ok'>;
  /** The error's name and message, one line. */
  readonly message: string;
}

export interface HeadlessRunEvents {
  /** A code cell starts: its 1-based place in the file, the code cells' count so far, its first line. */
  cellStarted?(cell: number, executionCount: number, firstLine: string): void;
  cellEnded?(cell: number, status: CellRunStatus, elapsedMs: number): void;
  progress?(cell: number, text: string): void;
}

export interface HeadlessRunResult {
  readonly ran: number;
  readonly failure?: NotebookFailure;
  readonly elapsedMs: number;
}

/**
 * Runs a notebook's code cells in order on a kernel, as Run All does in the editor: each cell's outputs
 * replace its old ones in `notebook`, its execution count is its order number; the first cell that fails
 * (or is interrupted) ends the run, and the cells after it keep no outputs of an earlier run.
 */
export async function runNotebookCells(
  notebook: Notebook,
  kernel: Pick<NotebookKernel, 'run'>,
  events: HeadlessRunEvents = {},
): Promise<HeadlessRunResult> {
  const started = Date.now();
  let executionCount = 0;
  let failure: NotebookFailure | undefined;
  let given = 0;
  for (const cell of notebook.cells) {
    const injected = cell.metadata.tags?.includes(INJECTED_PARAMETERS_TAG) === true;
    if (!injected) given++;
    if (cell.cell_type !== 'code') continue;
    const text = cellText(cell);
    if (failure || text.trim() === '') {
      cell.outputs = [];
      cell.execution_count = null;
      continue;
    }
    const order = ++executionCount;
    const place = Math.max(given, 1);
    events.cellStarted?.(place, order, text.split('\n').find((l) => l.trim()) ?? '');
    const outputs = new CellOutputs();
    const language = cellLanguage(cell, notebook);
    const result = await kernel.run(
      language,
      text,
      { output: (output) => outputs.add(output), progress: (progress) => events.progress?.(place, progress) },
      order,
    );
    cell.outputs = outputs.outputs;
    cell.execution_count = order;
    events.cellEnded?.(place, result.status, result.elapsedMs);
    if (result.status === 'ok') continue;
    const error = [...outputs.outputs]
      .reverse()
      .find((o): o is Extract<NbOutput, { output_type: 'error' }> => o.output_type === 'error');
    let line = 1;
    if (result.sqlFailure) {
      const { script, statement, error: sparkError } = result.sqlFailure;
      line = lineColumnOf(script, sqlErrorDiagnostic(script, statement, sparkError).start).line;
    } else if (error) {
      line = pythonErrorLine(error.traceback, order) ?? 1;
    }
    const message = error ? `${error.ename}: ${error.evalue.split('\n')[0]}` : `The cell ended with status ${result.status}.`;
    failure = { cell: place, line, status: result.status, message };
  }
  return { ran: executionCount, failure, elapsedMs: Date.now() - started };
}
