import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { CellOutput } from '../../core/notebooks/notebookKernel.js';
import type { CellExecution, NotebookCellInfo, NotebookHost } from './notebookHost.js';
import { saveDialog } from './saveDialog.js';

/** The notebook part of the seam over the real `vscode` module. */
export const vscodeNotebookHost: NotebookHost = {
  activeNotebookUri: () => vscode.window.activeNotebookEditor?.notebook.uri.toString(),

  createNotebookController: (options) => {
    const controller = vscode.notebooks.createNotebookController(options.id, options.notebookType, options.label);
    controller.supportedLanguages = [...options.supportedLanguages];
    controller.supportsExecutionOrder = true;
    controller.description = options.description;
    controller.executeHandler = (cells, notebook) => {
      const byUri = new Map(cells.map((cell) => [cell.document.uri.toString(), cell]));
      return options.execute(cells.map(cellInfo), notebook.uri.toString(), (cell) =>
        cellExecution(controller.createNotebookCellExecution(byUri.get(cell.uri)!)),
      );
    };
    controller.interruptHandler = (notebook) => options.interrupt(notebook.uri.toString());
    return controller;
  },

  registerCellStatusBar: (notebookType, source) => {
    const changed = new vscode.EventEmitter<void>();
    const subscription = source.onDidChange(() => changed.fire());
    const registration = vscode.notebooks.registerNotebookCellStatusBarItemProvider(notebookType, {
      onDidChangeCellStatusBarItems: changed.event,
      provideCellStatusBarItems: (cell) =>
        source.items(cell.document.uri.toString()).map((item) => {
          const shown = new vscode.NotebookCellStatusBarItem(item.text, vscode.NotebookCellStatusBarAlignment.Left);
          shown.tooltip = item.tooltip;
          return shown;
        }),
    });
    return { dispose: () => [registration, subscription, changed].forEach((d) => d.dispose()) };
  },

  onDidReceiveRendererMessage: (rendererId, listener) =>
    vscode.notebooks.createRendererMessaging(rendererId).onDidReceiveMessage((event) => listener(event.message)),

  onDidCloseNotebook: (listener) => vscode.workspace.onDidCloseNotebookDocument((notebook) => listener(notebook.uri.toString())),

  openNewNotebook: async (notebookType, cells) => {
    const data = new vscode.NotebookData(
      cells.map(
        (cell) =>
          new vscode.NotebookCellData(
            cell.kind === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code,
            cell.text,
            cell.languageId,
          ),
      ),
    );
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(notebookType, data));
  },

  cellOfOutput: (outputId) => {
    const cell = cellHolding(outputId);
    return cell ? cellInfo(cell) : undefined;
  },

  addOutputToCellOf: async (outputId, output) => {
    const cell = cellHolding(outputId);
    if (!cell || output.kind === 'clear') return false;
    // The cell again with one more output, as an edit of the notebook: saved, and undone with Undo.
    const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
    // Each kept output as a new one: the replaced cell's outputs are cleared in the notebook's webview by
    // id, and outputs passed on with the same ids were cleared after their new rendering (height 0).
    data.outputs = [...cell.outputs.map((o) => new vscode.NotebookCellOutput(o.items, o.metadata)), toVscodeOutput(output)];
    data.metadata = cell.metadata;
    data.executionSummary = cell.executionSummary;
    const edit = new vscode.WorkspaceEdit();
    edit.set(cell.notebook.uri, [vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(cell.index, cell.index + 1), [data])]);
    return vscode.workspace.applyEdit(edit);
  },

  saveWithDialog: async (suggestedName, content, filters, saveLabel = 'Save') => {
    const target = await saveDialog(suggestedName, filters, saveLabel);
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, content);
    return target.fsPath;
  },
};

function cellHolding(outputId: string): vscode.NotebookCell | undefined {
  return vscode.workspace.notebookDocuments
    .flatMap((notebook) => notebook.getCells())
    .find((candidate) => candidate.outputs.some((o) => o.metadata?.outputId === outputId));
}

function cellInfo(cell: vscode.NotebookCell): NotebookCellInfo {
  return {
    uri: cell.document.uri.toString(),
    notebookUri: cell.notebook.uri.toString(),
    index: cell.index,
    languageId: cell.document.languageId,
    text: cell.document.getText(),
    version: cell.document.version,
  };
}

function cellExecution(execution: vscode.NotebookCellExecution): CellExecution {
  let stream: { name: 'stdout' | 'stderr'; output: vscode.NotebookCellOutput } | undefined;
  let clearBeforeNext = false;
  return {
    start: (startTime) => execution.start(startTime),
    setExecutionOrder: (order) => (execution.executionOrder = order),
    clearOutput: async () => {
      stream = undefined;
      await execution.clearOutput();
    },
    appendOutput: async (output) => {
      if (output.kind === 'clear') {
        stream = undefined;
        if (output.wait) clearBeforeNext = true;
        else await execution.clearOutput();
        return;
      }
      if (clearBeforeNext) {
        clearBeforeNext = false;
        await execution.clearOutput();
      }
      if (output.kind === 'stream') {
        const item = streamItem(output);
        if (stream?.name === output.name) {
          await execution.appendOutputItems(item, stream.output);
          return;
        }
        stream = { name: output.name, output: new vscode.NotebookCellOutput([item]) };
        await execution.appendOutput(stream.output);
        return;
      }
      stream = undefined;
      await execution.appendOutput(toVscodeOutput(output));
    },
    end: (success, endTime) => execution.end(success, endTime),
  };
}

function toVscodeOutput(output: Exclude<CellOutput, { kind: 'clear' }>): vscode.NotebookCellOutput {
  if (output.kind === 'stream') return new vscode.NotebookCellOutput([streamItem(output)]);
  if (output.kind === 'error') {
    const error = new Error(output.evalue);
    error.name = output.ename;
    error.stack = output.traceback.length > 0 ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
    return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)]);
  }
  const items = Object.entries(output.items).map(([mime, value]) => {
    if (typeof value === 'string' && mime.startsWith('image/') && mime !== 'image/svg+xml')
      return new vscode.NotebookCellOutputItem(Buffer.from(value, 'base64'), mime);
    if (typeof value === 'string') return vscode.NotebookCellOutputItem.text(value, mime);
    // Jupyter gives some text types as lists of lines.
    if (Array.isArray(value) && value.every((line) => typeof line === 'string') && !mime.includes('json'))
      return vscode.NotebookCellOutputItem.text(value.join(''), mime);
    return vscode.NotebookCellOutputItem.json(value, mime);
  });
  // An id of our own in the output's metadata: the renderer names the output by it (saving a chart).
  return new vscode.NotebookCellOutput(items, { outputId: randomUUID() });
}

function streamItem(output: Extract<CellOutput, { kind: 'stream' }>): vscode.NotebookCellOutputItem {
  return output.name === 'stderr'
    ? vscode.NotebookCellOutputItem.stderr(output.text)
    : vscode.NotebookCellOutputItem.stdout(output.text);
}
