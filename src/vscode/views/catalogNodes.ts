import type { SparkCatalog } from '../../core/connect/sparkCatalog.js';
import { featureTableOf } from '../../core/features/featureTables.js';
import { qualifiedName } from '../../core/sql/sqlText.js';

export type CatalogNode =
  | { kind: 'catalog'; catalog: string }
  | { kind: 'namespace'; catalog: string; namespace: string }
  | { kind: 'table'; catalog: string; namespace: string; table: string; tableType: string; temporary: boolean }
  | {
      kind: 'column';
      catalog: string;
      namespace: string;
      table: string;
      column: string;
      dataType: string;
      nullable: boolean;
      /** Its part in a feature table's keys. */
      featureRole?: 'entity key' | 'timestamp key';
    }
  | { kind: 'message'; text: string; error: boolean; icon?: string };

/** The catalog queries the tree needs (SparkCatalog in the extension, a fake in tests). */
export type CatalogSource = Pick<
  SparkCatalog,
  'listCatalogs' | 'listNamespaces' | 'listTables' | 'listColumns' | 'tableProperties'
>;

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
 * The children of a node (the catalogs at the root): catalogs → schemas → tables and views → columns.
 * An empty level says so, and a level that fails to load says why, in place of its children.
 */
export async function catalogChildren(openCatalog: () => Promise<CatalogSource>, node?: CatalogNode): Promise<CatalogNode[]> {
  try {
    const catalog = await openCatalog();
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
        // A temporary view belongs to no catalog or schema: Spark finds it by its bare name.
        const [columns, properties] = node.temporary
          ? [await catalog.listColumns('', '', node.table), {}]
          : await Promise.all([
              catalog.listColumns(node.catalog, node.namespace, node.table),
              catalog.tableProperties(node.catalog, node.namespace, node.table),
            ]);
        const feature = featureTableOf(properties);
        const keys = feature && !('problem' in feature) ? feature : undefined;
        const role = (name: string) =>
          keys?.keys.includes(name) ? 'entity key' : keys?.timestamp === name ? 'timestamp key' : undefined;
        const nodes = orEmpty(
          columns.map((c) => {
            const featureRole = role(c.name);
            return {
              ...node,
              kind: 'column',
              column: c.name,
              dataType: c.dataType,
              nullable: c.nullable,
              ...(featureRole ? { featureRole } : {}),
            };
          }),
          'No columns',
        );
        return keys
          ? [
              { kind: 'message', text: `Feature table: ${keys.keys.join(', ')} @ ${keys.timestamp}`, error: false, icon: 'key' },
              ...nodes,
            ]
          : nodes;
      }
      default:
        return [];
    }
  } catch (error) {
    return [{ kind: 'message', text: `Could not load: ${(error as Error).message}`, error: true }];
  }
}

function orEmpty(nodes: CatalogNode[], text: string): CatalogNode[] {
  return nodes.length ? nodes : [{ kind: 'message', text, error: false }];
}
