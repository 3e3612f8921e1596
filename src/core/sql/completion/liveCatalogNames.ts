import { SparkCatalog } from '../../connect/sparkCatalog.js';
import { qualifiedName } from '../sqlText.js';
import type { SparkConnectClient } from '../../connect/sparkConnectClient.js';
import type { CatalogNames, ColumnName, TableName } from './catalogCache.js';

/** Catalog names from a connected Spark, asked in the background (not shown in the Operations view). */
export class LiveCatalogNames implements CatalogNames {
  private readonly catalog: SparkCatalog;

  constructor(private readonly client: SparkConnectClient) {
    this.catalog = new SparkCatalog(client);
  }

  private async rows(sql: string): Promise<unknown[][]> {
    const table = await this.client.sql(sql).toTable();
    const columns = table.schema.fields.map((_, i) => [...(table.getChildAt(i) ?? [])]);
    return Array.from({ length: table.numRows }, (_, row) => columns.map((column) => column[row]));
  }

  async currentNamespace(): Promise<{ catalog: string; schema: string }> {
    const [row] = await this.rows('SELECT current_catalog(), current_database()');
    return { catalog: String(row?.[0] ?? 'spark_catalog'), schema: String(row?.[1] ?? 'default') };
  }

  catalogs(): Promise<string[]> {
    return this.catalog.listCatalogs();
  }

  schemas(catalog: string): Promise<string[]> {
    return this.catalog.listNamespaces(catalog);
  }

  async tables(catalog: string, schema: string): Promise<TableName[]> {
    return (await this.catalog.listTables(catalog, schema)).map((t) => ({
      name: t.name,
      type: t.tableType,
      temporary: t.isTemporary,
      ...(t.description ? { comment: t.description } : {}),
    }));
  }

  async columns(catalog: string, schema: string, table: string): Promise<ColumnName[]> {
    return (await this.catalog.listColumns(catalog, schema, table)).map((c) => ({ name: c.name, dataType: c.dataType }));
  }

  async functions(): Promise<string[]> {
    // SHOW FUNCTIONS lists operators too (+, <=>, …): only names one can type as a function call.
    return (await this.rows('SHOW FUNCTIONS')).map((row) => String(row[0])).filter((name) => /^[A-Za-z_][\w.]*$/.test(name));
  }

  async describeFunction(name: string): Promise<string> {
    return (await this.rows(`DESCRIBE FUNCTION EXTENDED ${qualifiedName(...name.split('.'))}`))
      .map((row) => String(row[0]))
      .join('\n');
  }
}
