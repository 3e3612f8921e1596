import assert from 'node:assert/strict';
import type { CatalogColumn, CatalogTable } from '../../../src/core/connect/sparkCatalog.js';
import { catalogChildren, nodeName, type CatalogNode, type CatalogSource } from '../../../src/vscode/views/catalogNodes.js';
import { catalogTreeItem } from '../../../src/vscode/views/catalogTreeItem.js';
import { CatalogView } from '../../../src/vscode/views/catalogView.js';
import { connectedState, FakeConnections, TEST_SPARK } from './fakeConnections.js';

function table(name: string, tableType: string, isTemporary = false): CatalogTable {
  return { name, catalog: 'spark_catalog', namespace: ['default'], tableType, isTemporary, description: null };
}

function column(name: string, dataType: string, nullable = true): CatalogColumn {
  return { name, dataType, nullable, isPartition: false, description: null };
}

/** A catalog with one schema holding a table, a view and a temporary view; records every listColumns call. */
class FakeCatalog implements CatalogSource {
  readonly columnCalls: string[][] = [];
  failWith: Error | undefined;

  async listCatalogs(): Promise<string[]> {
    if (this.failWith) throw this.failWith;
    return ['spark_catalog'];
  }

  async listNamespaces(catalog: string): Promise<string[]> {
    return catalog === 'spark_catalog' ? ['default', 'empty'] : [];
  }

  async listTables(_catalog: string, namespace: string): Promise<CatalogTable[]> {
    if (namespace === 'empty') return [];
    return [table('orders', 'MANAGED'), table('recent_orders', 'VIEW'), table('scratch', 'TEMPORARY', true)];
  }

  async listColumns(catalog: string, namespace: string, tableName: string): Promise<CatalogColumn[]> {
    this.columnCalls.push([catalog, namespace, tableName]);
    if (tableName === 'features') return [column('id', 'bigint', false), column('day', 'date'), column('visits', 'int')];
    return tableName === 'scratch' ? [] : [column('id', 'bigint', false), column('amount', 'decimal(10,2)')];
  }

  async tableProperties(_catalog: string, _namespace: string, tableName: string): Promise<Record<string, string>> {
    return tableName === 'features'
      ? { 'feature_table.keys': 'id', 'feature_table.timestamp': 'day', owner: 'me' }
      : { owner: 'me' };
  }
}

const ORDERS: CatalogNode = {
  kind: 'table',
  catalog: 'spark_catalog',
  namespace: 'default',
  table: 'orders',
  tableType: 'MANAGED',
  temporary: false,
};
const SCRATCH: CatalogNode = { ...ORDERS, table: 'scratch', tableType: 'TEMPORARY', temporary: true };

describe('catalog tree nodes', () => {
  it('loads catalogs, then schemas, then tables and views with their types', async () => {
    const catalog = new FakeCatalog();
    const open = async () => catalog;
    assert.deepEqual(await catalogChildren(open), [{ kind: 'catalog', catalog: 'spark_catalog' }]);
    assert.deepEqual(await catalogChildren(open, { kind: 'catalog', catalog: 'spark_catalog' }), [
      { kind: 'namespace', catalog: 'spark_catalog', namespace: 'default' },
      { kind: 'namespace', catalog: 'spark_catalog', namespace: 'empty' },
    ]);
    const tables = await catalogChildren(open, { kind: 'namespace', catalog: 'spark_catalog', namespace: 'default' });
    assert.deepEqual(tables, [
      ORDERS,
      { ...ORDERS, table: 'recent_orders', tableType: 'VIEW' },
      { ...ORDERS, table: 'scratch', tableType: 'TEMPORARY', temporary: true },
    ]);
  });

  it('loads the columns of a table with their types, by its catalog and schema', async () => {
    const catalog = new FakeCatalog();
    const columns = await catalogChildren(async () => catalog, ORDERS);
    assert.deepEqual(catalog.columnCalls, [['spark_catalog', 'default', 'orders']]);
    assert.deepEqual(columns, [
      { ...ORDERS, kind: 'column', column: 'id', dataType: 'bigint', nullable: false },
      { ...ORDERS, kind: 'column', column: 'amount', dataType: 'decimal(10,2)', nullable: true },
    ]);
  });

  it("marks a feature table's keys: a row saying so first, then its key columns", async () => {
    const catalog = new FakeCatalog();
    const nodes = await catalogChildren(async () => catalog, { ...ORDERS, table: 'features' });
    assert.deepEqual(
      nodes.map((n) => catalogTreeItem(n)).map((item) => [item.label, item.description ?? '', item.icon]),
      [
        ['Feature table: id @ day', '', 'key'],
        ['id', 'bigint not null · entity key', 'key'],
        ['day', 'date · timestamp key', 'key'],
        ['visits', 'int', 'symbol-field'],
      ],
    );
  });

  it('asks for the columns of a temporary view by its bare name', async () => {
    const catalog = new FakeCatalog();
    await catalogChildren(async () => catalog, SCRATCH);
    assert.deepEqual(catalog.columnCalls, [['', '', 'scratch']]);
  });

  it('says when a level is empty', async () => {
    const open = async () => new FakeCatalog();
    assert.deepEqual(await catalogChildren(open, { kind: 'namespace', catalog: 'spark_catalog', namespace: 'empty' }), [
      { kind: 'message', text: 'No tables', error: false },
    ]);
    assert.deepEqual(await catalogChildren(open, { kind: 'catalog', catalog: 'other' }), [
      { kind: 'message', text: 'No schemas', error: false },
    ]);
    assert.deepEqual(await catalogChildren(open, SCRATCH), [{ kind: 'message', text: 'No columns', error: false }]);
  });

  it('shows why a level failed to load, in its place', async () => {
    const catalog = new FakeCatalog();
    catalog.failWith = new Error(
      'Cannot reach the Spark server at 127.0.0.1:15003: connection refused (is the server running?).',
    );
    assert.deepEqual(await catalogChildren(async () => catalog), [
      {
        kind: 'message',
        text: 'Could not load: Cannot reach the Spark server at 127.0.0.1:15003: connection refused (is the server running?).',
        error: true,
      },
    ]);
    const noClient = async (): Promise<CatalogSource> => {
      throw new Error('No Spark connection is selected.');
    };
    assert.deepEqual(await catalogChildren(noClient, ORDERS), [
      { kind: 'message', text: 'Could not load: No Spark connection is selected.', error: true },
    ]);
  });

  it('names nodes as quoted SQL identifiers; a temporary view by its bare name', () => {
    assert.equal(nodeName({ kind: 'catalog', catalog: 'spark_catalog' }), '`spark_catalog`');
    assert.equal(
      nodeName({ kind: 'namespace', catalog: 'spark_catalog', namespace: 'sales data' }),
      '`spark_catalog`.`sales data`',
    );
    assert.equal(nodeName(ORDERS), '`spark_catalog`.`default`.`orders`');
    assert.equal(nodeName({ ...ORDERS, table: 'odd`name' }), '`spark_catalog`.`default`.`odd``name`');
    assert.equal(nodeName(SCRATCH), '`scratch`');
    assert.equal(nodeName({ ...ORDERS, kind: 'column', column: 'amount', dataType: 'int', nullable: true }), '`amount`');
    assert.equal(nodeName({ kind: 'message', text: 'No tables', error: false }), '');
  });
});

describe('catalog tree items', () => {
  it('catalogs and schemas expand, with database and folder icons', () => {
    assert.deepEqual(catalogTreeItem({ kind: 'catalog', catalog: 'spark_catalog' }), {
      label: 'spark_catalog',
      expandable: true,
      contextValue: 'catalog',
      icon: 'database',
    });
    assert.deepEqual(catalogTreeItem({ kind: 'namespace', catalog: 'spark_catalog', namespace: 'default' }), {
      label: 'default',
      expandable: true,
      contextValue: 'namespace',
      icon: 'folder',
    });
  });

  it('a table expands to its columns and shows its type; the "table" context value offers Preview and Describe', () => {
    assert.deepEqual(catalogTreeItem(ORDERS), {
      label: 'orders',
      expandable: true,
      contextValue: 'table',
      icon: 'table',
      description: 'managed',
      tooltip: '`spark_catalog`.`default`.`orders` (managed)',
    });
  });

  it('views and temporary views have the eye icon', () => {
    assert.equal(catalogTreeItem({ ...ORDERS, tableType: 'VIEW' }).icon, 'eye');
    assert.equal(catalogTreeItem(SCRATCH).icon, 'eye');
    assert.equal(catalogTreeItem(SCRATCH).tooltip, '`scratch` (temporary)');
  });

  it('a column is a leaf with its data type, and says when it is not null', () => {
    const amount: CatalogNode = { ...ORDERS, kind: 'column', column: 'amount', dataType: 'decimal(10,2)', nullable: true };
    assert.deepEqual(catalogTreeItem(amount), {
      label: 'amount',
      contextValue: 'column',
      icon: 'symbol-field',
      description: 'decimal(10,2)',
    });
    assert.equal(
      catalogTreeItem({ ...amount, column: 'id', dataType: 'bigint', nullable: false }).description,
      'bigint not null',
    );
  });

  it('messages are leaves, with an error or info icon', () => {
    assert.deepEqual(catalogTreeItem({ kind: 'message', text: 'Could not load: boom', error: true }), {
      label: 'Could not load: boom',
      contextValue: 'message',
      icon: 'error',
      tooltip: 'Could not load: boom',
    });
    assert.equal(catalogTreeItem({ kind: 'message', text: 'No tables', error: false }).icon, 'info');
  });
});

describe('catalog view', () => {
  it('is empty while not connected, and opens no catalog', async () => {
    const connections = new FakeConnections();
    let opened = 0;
    const view = new CatalogView(connections, async () => (opened++, new FakeCatalog()));
    assert.deepEqual(await view.getChildren(), []);
    connections.setState({ kind: 'error', profile: TEST_SPARK, error: new Error('gone') });
    assert.deepEqual(await view.getChildren(), []);
    assert.equal(opened, 0);
    view.dispose();
  });

  it('lists the catalogs once connected', async () => {
    const connections = new FakeConnections();
    connections.setState(connectedState(TEST_SPARK));
    const view = new CatalogView(connections, async () => new FakeCatalog());
    assert.deepEqual(await view.getChildren(), [{ kind: 'catalog', catalog: 'spark_catalog' }]);
    assert.equal(view.treeItem(ORDERS).label, 'orders');
    view.dispose();
  });

  it('reloads on every connection change except the steps of starting a local server, and on refresh', () => {
    const connections = new FakeConnections();
    const view = new CatalogView(connections, async () => new FakeCatalog());
    let reloads = 0;
    view.onDidChangeTreeData(() => reloads++);
    connections.setState({ kind: 'starting', profile: TEST_SPARK, detail: 'Preparing the local Spark runtime…' });
    assert.equal(reloads, 0);
    connections.setState(connectedState(TEST_SPARK));
    assert.equal(reloads, 1);
    view.refresh();
    assert.equal(reloads, 2);
    view.dispose();
    connections.disconnect();
    assert.equal(reloads, 2, 'nothing after dispose');
  });
});
