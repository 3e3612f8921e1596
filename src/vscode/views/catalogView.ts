import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { TreeItemDescription, TreeSource } from '../host/workbenchHost.js';
import { catalogChildren, type CatalogNode, type CatalogSource } from './catalogNodes.js';
import { catalogTreeItem } from './catalogTreeItem.js';

/**
 * The Catalog view. Every level loads when it is expanded, asynchronously, so a large catalog never
 * freezes the tree; it is empty while disconnected (the welcome view takes over) and reloads whenever
 * the connection changes.
 */
export class CatalogView implements TreeSource<CatalogNode>, Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly connections: Pick<ConnectionManager, 'state' | 'onDidConnectionStateChange'>,
    private readonly openCatalog: () => Promise<CatalogSource>,
  ) {
    this.disposables.add(this.changed);
    // Starting a local server reports many steps; the tree only needs to reload once it is up.
    this.disposables.add(connections.onDidConnectionStateChange((state) => state.kind !== 'starting' && this.refresh()));
  }

  refresh(): void {
    this.changed.fire();
  }

  treeItem(node: CatalogNode): TreeItemDescription {
    return catalogTreeItem(node);
  }

  async getChildren(node?: CatalogNode): Promise<CatalogNode[]> {
    if (this.connections.state.kind !== 'connected') return [];
    return catalogChildren(this.openCatalog, node);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
