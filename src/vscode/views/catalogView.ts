import * as vscode from 'vscode';
import { qualifiedName, SparkCatalog } from '../../core/connect/sparkCatalog.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { DisposableStore } from '../../core/util/events.js';

export type CatalogNode =
  | { kind: 'catalog'; catalog: string }
  | { kind: 'namespace'; catalog: string; namespace: string }
  | { kind: 'table'; catalog: string; namespace: string; table: string; tableType: string; temporary: boolean }
  | { kind: 'column'; catalog: string; namespace: string; table: string; column: string; dataType: string; nullable: boolean }
  | { kind: 'message'; text: string; error: boolean };

/** The qualified SQL name of a node (`catalog`.`schema`.`table`), for Copy Name and generated queries. */
export function nodeName(node: CatalogNode): string {
  switch (node.kind) {
    case 'catalog':
      return qualifiedName(node.catalog);
    case 'namespace':
      return qualifiedName(node.catalog, node.namespace);
    case 'table':
      return node.temporary ? qualifiedName(node.table) : qualifiedName(node.catalog, node.namespace, node.table);
    case 'column':
      return qualifiedName(node.column);
    default:
      return '';
  }
}

/**
 * Catalogs → schemas → tables and views → columns with types. Every level loads when it is expanded,
 * asynchronously, so a large catalog never freezes the tree; a level that fails shows why, in place.
 */
export class CatalogView implements vscode.TreeDataProvider<CatalogNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CatalogNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(private readonly connections: ConnectionManager) {
    this.disposables.add(this.changed);
    this.disposables.add(connections.onDidConnectionStateChange((state) => state.kind !== 'starting' && this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: CatalogNode): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'catalog':
        return item(node.catalog, collapsed, 'catalog', 'database');
      case 'namespace':
        return item(node.namespace, collapsed, 'namespace', 'folder');
      case 'table': {
        const tree = item(node.table, collapsed, 'table', /VIEW|TEMPORARY/.test(node.tableType) ? 'eye' : 'table');
        tree.description = node.tableType.toLowerCase();
        tree.tooltip = `${nodeName(node)} (${node.tableType.toLowerCase()})`;
        return tree;
      }
      case 'column': {
        const tree = item(node.column, vscode.TreeItemCollapsibleState.None, 'column', 'symbol-field');
        tree.description = `${node.dataType}${node.nullable ? '' : ' not null'}`;
        return tree;
      }
      case 'message': {
        const tree = item(node.text, vscode.TreeItemCollapsibleState.None, 'message', node.error ? 'error' : 'info');
        tree.tooltip = node.text;
        return tree;
      }
    }
  }

  async getChildren(node?: CatalogNode): Promise<CatalogNode[]> {
    if (this.connections.state.kind !== 'connected') return [];
    try {
      const catalog = new SparkCatalog(await this.connections.client());
      if (!node) return (await catalog.listCatalogs()).map((c) => ({ kind: 'catalog', catalog: c }));
      switch (node.kind) {
        case 'catalog':
          return orEmpty(
            (await catalog.listNamespaces(node.catalog)).map((n) => ({ kind: 'namespace', catalog: node.catalog, namespace: n })),
            'No schemas',
          );
        case 'namespace':
          return orEmpty(
            (await catalog.listTables(node.catalog, node.namespace)).map((t) => ({
              kind: 'table',
              catalog: node.catalog,
              namespace: node.namespace,
              table: t.name,
              tableType: t.tableType,
              temporary: t.isTemporary,
            })),
            'No tables',
          );
        case 'table': {
          const columns = node.temporary
            ? await catalog.listColumns('', '', node.table)
            : await catalog.listColumns(node.catalog, node.namespace, node.table);
          return orEmpty(
            columns.map((c) => ({ ...node, kind: 'column', column: c.name, dataType: c.dataType, nullable: c.nullable })),
            'No columns',
          );
        }
        default:
          return [];
      }
    } catch (error) {
      return [{ kind: 'message', text: `Could not load: ${(error as Error).message}`, error: true }];
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function item(label: string, state: vscode.TreeItemCollapsibleState, contextValue: string, icon: string): vscode.TreeItem {
  const tree = new vscode.TreeItem(label, state);
  tree.contextValue = contextValue;
  tree.iconPath = new vscode.ThemeIcon(icon);
  return tree;
}

function orEmpty(nodes: CatalogNode[], text: string): CatalogNode[] {
  return nodes.length ? nodes : [{ kind: 'message', text, error: false }];
}
