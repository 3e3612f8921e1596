import type { Table } from 'apache-arrow';
import { qualifiedName, quoteIdentifier } from '../sql/sqlText.js';
import type { Plan } from '../../generated/spark/connect/base_pb.js';
import type { SparkConnectClient } from './sparkConnectClient.js';
import { SparkError } from './sparkError.js';

export interface CatalogTable {
  readonly name: string;
  readonly catalog: string;
  readonly namespace: readonly string[];
  readonly tableType: string;
  readonly isTemporary: boolean;
  readonly description: string | null;
}

export interface CatalogColumn {
  readonly name: string;
  readonly dataType: string;
  readonly nullable: boolean;
  readonly isPartition: boolean;
  readonly description: string | null;
}

/**
 * Catalogs → namespaces → tables → columns, for the sidebar and the CLI. Uses the Catalog messages of
 * the protocol where they carry what we need (table types, column types), and SQL otherwise: the
 * protocol's ListDatabases cannot name a catalog, and older servers lack some messages.
 */
export class SparkCatalog {
  constructor(private readonly client: SparkConnectClient) {}

  /**
   * The session's catalogs: those Spark lists (SHOW CATALOGS names only the ones loaded so far) and
   * those configured in the session but not used yet (a database's JDBC catalog before its first query).
   */
  async listCatalogs(signal?: AbortSignal): Promise<string[]> {
    const [table, configured] = await Promise.all([
      this.client.sql('SHOW CATALOGS', { signal }).toTable(),
      this.client.getAllConfig('spark.sql.catalog.'),
    ]);
    const names = new Set(column(table, 0).map(String));
    for (const key of configured.keys()) {
      const name = /^spark\.sql\.catalog\.([^.]+)$/.exec(key)?.[1];
      if (name && name !== 'spark_catalog') names.add(name);
    }
    return [...names];
  }

  async listNamespaces(catalog: string, signal?: AbortSignal): Promise<string[]> {
    const table = await this.client.sql(`SHOW NAMESPACES IN ${quoteIdentifier(catalog)}`, { signal }).toTable();
    return column(table, 0).map(String);
  }

  async listTables(catalog: string, namespace: string, signal?: AbortSignal): Promise<CatalogTable[]> {
    try {
      const table = await this.client
        .execute(
          catalogPlan({
            case: 'listTables',
            value: {
              dbName: `${quoteIdentifier(catalog)}.${quoteIdentifier(namespace)}`,
            },
          }),
          { signal },
        )
        .toTable();
      return rows(table).map((r) => ({
        name: String(r.name),
        catalog: r.catalog == null ? catalog : String(r.catalog),
        namespace: Array.isArray(r.namespace) ? r.namespace.map(String) : [namespace],
        tableType: String(r.tableType ?? 'TABLE'),
        isTemporary: Boolean(r.isTemporary),
        description: r.description == null ? null : String(r.description),
      }));
    } catch (error) {
      if (error instanceof SparkError && error.kind === 'cancelled') throw error;
      const table = await this.client.sql(`SHOW TABLES IN ${qualifiedName(catalog, namespace)}`, { signal }).toTable();
      return rows(table).map((r) => ({
        name: String(r.tableName),
        catalog,
        namespace: [namespace],
        tableType: 'TABLE',
        isTemporary: Boolean(r.isTemporary),
        description: null,
      }));
    }
  }

  /** A table's properties (`SHOW TBLPROPERTIES`); none for what has none to show (a view of another kind). */
  async tableProperties(
    catalog: string,
    namespace: string,
    tableName: string,
    signal?: AbortSignal,
  ): Promise<Record<string, string>> {
    try {
      const table = await this.client
        .sql(`SHOW TBLPROPERTIES ${qualifiedName(catalog, namespace, tableName)}`, { signal })
        .toTable();
      return Object.fromEntries(rows(table).map((r) => [String(r.key), String(r.value)]));
    } catch (error) {
      if (error instanceof SparkError && error.kind === 'cancelled') throw error;
      return {};
    }
  }

  async listColumns(catalog: string, namespace: string, tableName: string, signal?: AbortSignal): Promise<CatalogColumn[]> {
    try {
      const table = await this.client
        .execute(
          catalogPlan({
            case: 'listColumns',
            value: { tableName: qualifiedName(catalog, namespace, tableName) },
          }),
          { signal },
        )
        .toTable();
      return rows(table).map((r) => ({
        name: String(r.name),
        dataType: String(r.dataType),
        nullable: Boolean(r.nullable),
        isPartition: Boolean(r.isPartition),
        description: r.description == null ? null : String(r.description),
      }));
    } catch (error) {
      if (error instanceof SparkError && error.kind === 'cancelled') throw error;
      const table = await this.client
        .sql(`DESCRIBE TABLE ${qualifiedName(catalog, namespace, tableName)}`, {
          signal,
        })
        .toTable();
      const result: CatalogColumn[] = [];
      for (const r of rows(table)) {
        const name = String(r.col_name ?? '');
        if (name === '' || name.startsWith('#')) break; // partition/detail sections follow
        result.push({
          name,
          dataType: String(r.data_type),
          nullable: true,
          isPartition: false,
          description: r.comment == null ? null : String(r.comment),
        });
      }
      return result;
    }
  }
}

function catalogPlan(catType: { case: string; value: object }): Plan {
  return {
    opType: {
      case: 'root',
      value: { relType: { case: 'catalog', value: { catType } } },
    },
  } as unknown as Plan;
}

function column(table: Table, index: number): unknown[] {
  const vector = table.getChildAt(index);
  return vector ? [...vector] : [];
}

function rows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => {
    const object = row.toJSON();
    for (const [key, value] of Object.entries(object)) {
      if (value && typeof value === 'object' && 'toArray' in value) object[key] = (value as { toArray(): unknown[] }).toArray();
    }
    return object;
  });
}
