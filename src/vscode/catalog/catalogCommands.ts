import { DisposableStore, type Disposable } from '../../core/util/events.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import { nodeName, type CatalogNode } from '../views/catalogNodes.js';
import { COMMANDS } from '../commandIds.js';
import { SETTING_DEFAULTS } from '../settings/workbenchSettings.js';

/** Opens a run of `sql` in a results panel titled `title`. */
export interface ResultsOpener {
  show(query: { readonly sql: string; readonly title: string }): Promise<unknown>;
}

/** Preview, Describe, Copy Name and Refresh on catalog nodes; Cancel operations. */
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
  }

  private async preview(node: CatalogNode): Promise<void> {
    const rows = this.host.settings('sparkWorkbench').get<number>('results.previewRows', SETTING_DEFAULTS['results.previewRows']);
    const name = nodeName(node);
    await this.results.show({ sql: `SELECT * FROM ${name} LIMIT ${rows}`, title: `Preview ${name}` });
  }

  private async describe(node: CatalogNode): Promise<void> {
    const name = nodeName(node);
    await this.results.show({ sql: `DESCRIBE TABLE EXTENDED ${name}`, title: `Describe ${name}` });
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
