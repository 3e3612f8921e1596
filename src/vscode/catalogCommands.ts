import * as vscode from 'vscode';
import { DisposableStore } from '../core/util/events.js';
import type { QueryRunner } from './runs/queryRunner.js';
import { nodeName, type CatalogNode, type CatalogView } from './views/catalogView.js';

/** Preview, Describe, Copy Name and Refresh on catalog nodes; Run SQL from an editor; Cancel operations. */
export class WorkbenchCommands implements vscode.Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    catalogView: CatalogView,
    private readonly runner: QueryRunner,
    cancelOperation: (id: number) => void,
    clearOperations: () => void,
  ) {
    const register = (id: string, run: (...args: never[]) => unknown) =>
      this.disposables.add(vscode.commands.registerCommand(id, run));
    register('sparkWorkbench.catalog.refresh', () => catalogView.refresh());
    register('sparkWorkbench.catalog.preview', (node: CatalogNode) => this.preview(node));
    register('sparkWorkbench.catalog.describe', (node: CatalogNode) => this.describe(node));
    register('sparkWorkbench.catalog.copyName', (node: CatalogNode) => vscode.env.clipboard.writeText(nodeName(node)));
    register('sparkWorkbench.operations.cancel', (operation: { id: number }) => cancelOperation(operation.id));
    register('sparkWorkbench.operations.clear', () => clearOperations());
    register('sparkWorkbench.sql.runSelection', () => this.runEditorSql());
  }

  private async preview(node: CatalogNode): Promise<void> {
    const rows = vscode.workspace.getConfiguration('sparkWorkbench').get<number>('results.previewRows', 100);
    const name = nodeName(node);
    const outcome = await this.runner.run(`SELECT * FROM ${name} LIMIT ${rows}`, `Preview ${name}`, rows);
    if (outcome) await this.runner.show(outcome, `first ${rows} rows of ${name}`);
  }

  private async describe(node: CatalogNode): Promise<void> {
    const name = nodeName(node);
    const outcome = await this.runner.run(`DESCRIBE TABLE EXTENDED ${name}`, `Describe ${name}`);
    if (outcome) await this.runner.show(outcome, `DESCRIBE TABLE EXTENDED ${name}`);
  }

  private async runEditorSql(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const sql = (editor.selection.isEmpty ? editor.document.getText() : editor.document.getText(editor.selection)).trim();
    if (!sql) return;
    // Name the run after its first line of code, not a leading comment.
    const firstCode = sql.split('\n').find((line) => line.trim() && !line.trim().startsWith('--')) ?? sql;
    const title = firstCode.trim().slice(0, 60);
    const outcome = await this.runner.run(sql, title);
    if (outcome) await this.runner.show(outcome, title);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
