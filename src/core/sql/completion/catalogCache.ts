/** Names as the live catalog lists them, for completion and hover. */
export interface CatalogNames {
  /** The current catalog and schema (what unqualified names mean). */
  currentNamespace(): Promise<{ readonly catalog: string; readonly schema: string }>;
  catalogs(): Promise<string[]>;
  schemas(catalog: string): Promise<string[]>;
  /** Tables and views of a schema; temporary views come with `temporary` (they have no schema). */
  tables(catalog: string, schema: string): Promise<TableName[]>;
  /** Columns of a table; for a temporary view, catalog and schema are empty. */
  columns(catalog: string, schema: string, table: string): Promise<ColumnName[]>;
  functions(): Promise<string[]>;
  /** DESCRIBE FUNCTION's usage text. */
  describeFunction(name: string): Promise<string>;
}

export interface TableName {
  readonly name: string;
  readonly type: string;
  readonly temporary: boolean;
  /** Its COMMENT, when it has one. */
  readonly comment?: string;
}

export interface ColumnName {
  readonly name: string;
  readonly dataType: string;
}

/** A table found for a name in a statement: where it lives, and what it is. */
export interface ResolvedTable {
  readonly catalog: string;
  readonly schema: string;
  readonly table: TableName;
}

/**
 * The catalog names of one connection's session, each list fetched once and kept (completion asks
 * on every keystroke); forgotten all at once when DDL from the editor may have changed them.
 */
export class CatalogCache {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly source: CatalogNames) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let found = this.memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = load();
      this.memo.set(key, found);
      // A failed lookup (the server was busy, a table vanished) is tried again next time.
      found.catch(() => this.memo.delete(key));
    }
    return found;
  }

  currentNamespace() {
    return this.cached('current', () => this.source.currentNamespace());
  }
  catalogs() {
    return this.cached('catalogs', () => this.source.catalogs());
  }
  schemas(catalog: string) {
    return this.cached(`schemas\0${catalog}`, () => this.source.schemas(catalog));
  }
  tables(catalog: string, schema: string) {
    return this.cached(`tables\0${catalog}\0${schema}`, () => this.source.tables(catalog, schema));
  }
  columns(catalog: string, schema: string, table: string) {
    return this.cached(`columns\0${catalog}\0${schema}\0${table}`, () => this.source.columns(catalog, schema, table));
  }
  functions() {
    return this.cached('functions', () => this.source.functions());
  }
  describeFunction(name: string) {
    return this.cached(`function\0${name.toLowerCase()}`, () => this.source.describeFunction(name));
  }

  /** Forgets everything but the functions (DDL changes tables, schemas and the current namespace). */
  invalidate(): void {
    const functions = this.memo.get('functions');
    this.memo.clear();
    if (functions) this.memo.set('functions', functions);
  }

  /**
   * The table a statement's name means: `t` (a temporary view, else one of the current schema),
   * `schema.t` (in the current catalog) or `catalog.schema.t`. Undefined when the catalog has none.
   */
  async resolve(parts: readonly string[]): Promise<ResolvedTable | undefined> {
    const current = await this.currentNamespace();
    const [catalog, schema, name] =
      parts.length >= 3
        ? [parts[0]!, parts[1]!, parts[2]!]
        : parts.length === 2
          ? [current.catalog, parts[0]!, parts[1]!]
          : [current.catalog, current.schema, parts[0]!];
    const sameName = (t: TableName) => t.name.toLowerCase() === name.toLowerCase();
    const tables = await this.tables(catalog, schema).catch(() => [] as TableName[]);
    const table =
      parts.length === 1 ? (tables.find((t) => t.temporary && sameName(t)) ?? tables.find(sameName)) : tables.find(sameName);
    if (!table) return undefined;
    return table.temporary ? { catalog: '', schema: '', table } : { catalog, schema, table };
  }
}
