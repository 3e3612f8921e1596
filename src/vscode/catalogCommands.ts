import { DisposableStore, type Disposable } from '../core/util/events.js';
import type { WorkbenchHost } from './host/workbenchHost.js';
import { nodeName, type CatalogNode } from './views/catalogNodes.js';
import { COMMANDS } from './commandIds.js';

/** Opens a run of `sql` in a results panel titled `title`. */
export interface ResultsOpener {
  show(sql: string, title: string): Promise<unknown>;
}

/** Preview, Describe, Copy Name and Refresh on catalog nodes; Run SQL from an editor; Cancel operations. */
export class WorkbenchCommands implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    catalogView: { refresh(): void },
    private readonly results: ResultsOpener,
    cancelOperation: (id: number) => void,
    clearOperations: () => void,
  ) {
    const register = (id: string, run: (...args: never[]) => unknown) => this.disposables.add(host.registerCommand(id, run));
    register(COMMANDS.catalog.refresh, () => catalogView.refresh());
    register(COMMANDS.catalog.preview, (node: CatalogNode) => this.preview(node));
    register(COMMANDS.catalog.describe, (node: CatalogNode) => this.describe(node));
    register(COMMANDS.catalog.copyName, (node: CatalogNode) => host.writeClipboard(nodeName(node)));
    register(COMMANDS.operations.cancel, (operation: { id: number }) => cancelOperation(operation.id));
    register(COMMANDS.operations.clear, () => clearOperations());
    register(COMMANDS.sql.runSelection, () => this.runEditorSql());
  }

  private async preview(node: CatalogNode): Promise<void> {
    const rows = this.host.settings('sparkWorkbench').get<number>('results.previewRows', 100);
    const name = nodeName(node);
    await this.results.show(`SELECT * FROM ${name} LIMIT ${rows}`, `Preview ${name}`);
  }

  private async describe(node: CatalogNode): Promise<void> {
    const name = nodeName(node);
    await this.results.show(`DESCRIBE TABLE EXTENDED ${name}`, `Describe ${name}`);
  }

  /** Runs the selection, or the whole file when nothing is selected. */
  private async runEditorSql(): Promise<void> {
    const editor = this.host.activeEditorText();
    if (!editor) return;
    const sql = (editor.selection ?? editor.document).trim();
    if (!sql) return;
    await this.results.show(sql, runTitle(sql));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** A run is named after its first line of code, not a leading comment, cut to 60 characters. */
function runTitle(sql: string): string {
  const firstCode = sql.split('\n').find((line) => line.trim() && !line.trim().startsWith('--')) ?? sql;
  return firstCode.trim().slice(0, 60);
}
