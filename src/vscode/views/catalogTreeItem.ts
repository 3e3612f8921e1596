import type { TreeItemDescription } from '../host/workbenchHost.js';
import { nodeName, type CatalogNode } from './catalogNodes.js';

/**
 * How a catalog node looks: catalogs, schemas and tables expand; a table shows its type (views with an
 * eye), a column its data type. The context values drive the Preview, Describe and Copy Name menus.
 */
export function catalogTreeItem(node: CatalogNode): TreeItemDescription {
  switch (node.kind) {
    case 'catalog':
      return { label: node.catalog, expandable: true, contextValue: 'catalog', icon: 'database' };
    case 'namespace':
      return { label: node.namespace, expandable: true, contextValue: 'namespace', icon: 'folder' };
    case 'table': {
      const type = node.tableType.toLowerCase();
      return {
        label: node.table,
        expandable: true,
        contextValue: 'table',
        icon: /VIEW|TEMPORARY/.test(node.tableType) ? 'eye' : 'table',
        description: type,
        tooltip: `${nodeName(node)} (${type})`,
      };
    }
    case 'column':
      return {
        label: node.column,
        contextValue: 'column',
        icon: node.featureRole ? 'key' : 'symbol-field',
        description: `${node.dataType}${node.nullable ? '' : ' not null'}${node.featureRole ? ` · ${node.featureRole}` : ''}`,
      };
    case 'message':
      return {
        label: node.text,
        contextValue: 'message',
        icon: node.icon ?? (node.error ? 'error' : 'info'),
        tooltip: node.text,
      };
  }
}
