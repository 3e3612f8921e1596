import assert from 'node:assert/strict';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { testServer, waitForSparkIdle } from '../support/sparkTestServer.js';
import { Workbench } from './support/workbench.js';

/**
 * The packaged extension in a real VS Code workbench against the run's real Spark server: set the
 * token, connect, browse the catalog down to columns, preview a table, cancel a long query.
 */
describe('Spark Workbench in a real VS Code workbench', function () {
  this.timeout(180_000);
  let workbench: Workbench;

  before(async () => {
    const setup = new SparkConnectClient(testServer().url);
    await setup.sql('CREATE NAMESPACE IF NOT EXISTS e2e_shop').toTable();
    await setup.sql('DROP TABLE IF EXISTS e2e_shop.orders').toTable();
    await setup
      .sql('CREATE TABLE e2e_shop.orders (order_id BIGINT, region STRING, amount DECIMAL(10,2)) USING parquet')
      .toTable();
    await setup.sql("INSERT INTO e2e_shop.orders VALUES (1, 'EMEA', 10.50), (2, 'AMER', 99.99), (3, 'APAC', 0.01)").toTable();
    await setup.close();
    workbench = await Workbench.open(process.env.CS_PORT!, process.env.E2E_WORKSPACE!, process.env.E2E_SCREENSHOTS!);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await workbench?.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await workbench?.screenshot('zz-last');
    await workbench?.close();
  });

  it('shows the Spark sidebar with a welcome view before connecting', async () => {
    await workbench.openSparkSidebar();
    const connection = await workbench.expandView('Connection');
    await workbench.screenshot('01-welcome');
    await connection.locator('.welcome-view-content').getByText('Start Local Spark').waitFor();
    await connection.locator('.welcome-view-content').getByText('Connect…').waitFor();
    await workbench.statusBar(/Spark/).first().waitFor();
  });

  it('reports a rejected token with a Set Token action that fixes the connection', async () => {
    await workbench.runCommand('Spark: Set Token…');
    await workbench.typeIntoInputBox('not-the-token');
    await workbench.runCommand('Spark: Connect…');
    await workbench.pick('Test Spark');
    await workbench.statusBar(/Spark: Test Spark/).waitFor({ timeout: 60_000 });
    // The error notification may be a toast or already in the notification center: open the center.
    await workbench.runCommand('Notifications: Show Notifications');
    const notification = workbench.page.locator('.notifications-center .notification-list-item', {
      hasText: 'rejected the token',
    });
    await notification.waitFor({ timeout: 30_000 });
    await workbench.screenshot('02a-token-rejected');
    assert.ok(!(await notification.innerText()).includes('not-the-token'), 'the token is not shown');
    // The failed attempt's progress notification closes: nothing is left spinning.
    await workbench.page
      .locator('.notifications-center .notification-list-item', { hasText: 'Connecting to Test Spark' })
      .waitFor({ state: 'detached', timeout: 10_000 });
    await notification.locator('.monaco-button', { hasText: 'Set Token' }).click();
    await workbench.typeIntoInputBox(testServer().token);
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Test Spark/).waitFor({ timeout: 60_000 });
    await workbench.runCommand('Spark: Disconnect');
    await workbench.statusBar(/^\s*Spark\s*$/).waitFor();
  });

  it('keeps the token in SecretStorage and connects: the status bar shows the server version', async () => {
    await workbench.runCommand('Spark: Set Token…');
    await workbench.typeIntoInputBox(testServer().token);
    await workbench.runCommand('Spark: Connect…');
    await workbench.pick('Test Spark');
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Test Spark/).waitFor({ timeout: 60_000 });
    const connection = await workbench.expandView('Connection');
    await connection.locator('.monaco-list-row', { hasText: 'connected' }).waitFor();
    const text = await connection.innerText();
    assert.match(text, /Spark 4\.\d+\.\d+ at 127\.0\.0\.1:\d+/);
    assert.ok(!text.includes(testServer().token), 'the token is never shown');
    await workbench.screenshot('02-connected');
  });

  it('expands the catalog down to the columns of a table, with their types', async () => {
    const catalog = await workbench.expandView('Catalog');
    await workbench.treeRow(catalog, 'spark_catalog').click();
    await workbench.treeRow(catalog, 'e2e_shop').click();
    await workbench.treeRow(catalog, 'orders').click();
    for (const [column, type] of [
      ['order_id', 'bigint'],
      ['region', 'string'],
      ['amount', 'decimal(10,2)'],
    ]) {
      const row = workbench.treeRow(catalog, column!);
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(type!.replace(/[()]/g, '\\$&')));
    }
    await workbench.screenshot('03-catalog-columns');
  });

  it('previews the first rows of a table', async () => {
    const catalog = workbench.view('Catalog');
    const orders = workbench.treeRow(catalog, 'orders');
    await orders.hover();
    await orders.locator('.action-label[aria-label="Preview Rows"]').click();
    const editor = workbench.page.locator('.editor-instance .view-lines');
    await editor.filter({ hasText: 'APAC' }).waitFor({ timeout: 60_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /order_id\s+\|\s+region\s+\|\s+amount/);
    assert.match(text, /2\s+\|\s+AMER\s+\|\s+99\.99/);
    assert.match(text, /\(3 rows\)/);
    await workbench.screenshot('04-preview');
  });

  it('cancels a long query from the Operations view, and the Spark job stops within 2 s', async () => {
    await workbench.openFile('long_query.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run SQL (Selection or File)');
    const operations = await workbench.expandView('Operations');
    const running = operations.locator('.monaco-list-row', { hasText: /tasks/ }).first();
    await running.waitFor({ timeout: 60_000 });
    await workbench.screenshot('05-running');
    await running.hover();
    const cancelledAt = Date.now();
    await running.locator('.action-label[aria-label="Cancel Operation"]').click();
    await operations.locator('.monaco-list-row', { hasText: 'cancelled' }).first().waitFor({ timeout: 10_000 });
    const { busyTicks, idleAfterMs } = await waitForSparkIdle(testServer().pid, cancelledAt, 2_000);
    assert.ok(busyTicks <= 2, `Spark still busy (${busyTicks} CPU ticks in 250 ms) ${idleAfterMs} ms after cancel`);
    console.log(`      Spark idle ${idleAfterMs} ms after the click on Cancel`);
    await workbench.screenshot('06-cancelled');
  });
});
