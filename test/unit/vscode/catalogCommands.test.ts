import assert from 'node:assert/strict';
import { WorkbenchCommands } from '../../../src/vscode/catalog/catalogCommands.js';
import type { CatalogNode } from '../../../src/vscode/views/catalogNodes.js';
import { FakeHost } from './fakeHost.js';

const ORDERS: CatalogNode = {
  kind: 'table',
  catalog: 'spark_catalog',
  namespace: 'default',
  table: 'orders',
  tableType: 'MANAGED',
  temporary: false,
};

function setup() {
  const host = new FakeHost();
  const shown: { sql: string; title: string }[] = [];
  const calls = { refreshes: 0, cancelled: [] as number[], clears: 0 };
  const commands = new WorkbenchCommands(
    host,
    { refresh: () => calls.refreshes++ },
    { show: async ({ sql, title }) => void shown.push({ sql, title }) },
    (id) => calls.cancelled.push(id),
    () => calls.clears++,
  );
  return { host, shown, calls, commands };
}

describe('catalog and operations commands', () => {
  it('Preview Rows opens the first rows of the table, as many as the previewRows setting says', async () => {
    const { host, shown } = setup();
    await host.run('sparkWorkbench.catalog.preview', ORDERS);
    host.set('sparkWorkbench.results.previewRows', 5);
    await host.run('sparkWorkbench.catalog.preview', { ...ORDERS, table: 'scratch', temporary: true });
    assert.deepEqual(shown, [
      { sql: 'SELECT * FROM `spark_catalog`.`default`.`orders` LIMIT 100', title: 'Preview `spark_catalog`.`default`.`orders`' },
      { sql: 'SELECT * FROM `scratch` LIMIT 5', title: 'Preview `scratch`' },
    ]);
  });

  it('Describe opens DESCRIBE TABLE EXTENDED of the table', async () => {
    const { host, shown } = setup();
    await host.run('sparkWorkbench.catalog.describe', ORDERS);
    assert.deepEqual(shown, [
      { sql: 'DESCRIBE TABLE EXTENDED `spark_catalog`.`default`.`orders`', title: 'Describe `spark_catalog`.`default`.`orders`' },
    ]);
  });

  it('Copy Name copies the quoted name of any node', async () => {
    const { host } = setup();
    await host.run('sparkWorkbench.catalog.copyName', { kind: 'namespace', catalog: 'spark_catalog', namespace: 'sales data' });
    assert.equal(host.clipboard, '`spark_catalog`.`sales data`');
    await host.run('sparkWorkbench.catalog.copyName', {
      ...ORDERS,
      kind: 'column',
      column: 'amount',
      dataType: 'int',
      nullable: true,
    });
    assert.equal(host.clipboard, '`amount`');
  });

  it('Refresh reloads the catalog; Cancel and Clear go to the operations', async () => {
    const { host, calls } = setup();
    await host.run('sparkWorkbench.catalog.refresh');
    await host.run('sparkWorkbench.operations.cancel', { id: 42, title: 'SELECT 1' });
    await host.run('sparkWorkbench.operations.clear');
    assert.deepEqual(calls, { refreshes: 1, cancelled: [42], clears: 1 });
  });
});
