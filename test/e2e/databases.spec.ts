import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { startPostgres, type PostgresServer } from '../support/postgresServer.js';
import { testServer } from '../support/sparkTestServer.js';
import { stepsInOrder } from './support/steps.js';
import { Workbench } from './support/workbench.js';

/**
 * A database as a person adds one: declared in the workspace's spark-workbench.yml, its password set
 * with Set Database Password…, its schemas, tables and columns in the Catalog view, and a SQL file
 * joining one of its tables with a table of the lake. A real PostgreSQL, started here.
 *
 * Depends on: no other spec. Its steps run in order (stepsInOrder). It removes its spark-workbench.yml
 * when it ends.
 */
describe('a database in a real VS Code workbench', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let pg: PostgresServer;
  const workspaceFile = join(process.env.E2E_WORKSPACE!, 'spark-workbench.yml');

  before(async () => {
    pg = await startPostgres();
    pg.psql('postgres', 'CREATE DATABASE crm');
    pg.psql(
      'crm',
      `CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, segment text, signup date);
       INSERT INTO customers VALUES (1, 'Ada', 'retail', '2024-01-02'), (2, 'Grace', 'business', '2024-02-03'),
         (3, 'Linus', 'retail', NULL);`,
    );
    const setup = new SparkConnectClient(testServer().url);
    await setup.sql('CREATE NAMESPACE IF NOT EXISTS e2e_lake').toTable();
    await setup.sql('DROP TABLE IF EXISTS e2e_lake.orders').toTable();
    await setup
      .sql('CREATE TABLE e2e_lake.orders (order_id BIGINT, customer_id INT, amount DECIMAL(10,2)) USING parquet')
      .toTable();
    await setup.sql('INSERT INTO e2e_lake.orders VALUES (1, 1, 10.50), (2, 2, 99.99), (3, 3, 0.01), (4, 1, 4.50)').toTable();
    await setup.close();
    writeFileSync(workspaceFile, `databases:\n  crm:\n    url: ${pg.jdbcUrl('crm')}\n    user: ${pg.user}\n`);
    writeFileSync(
      join(process.env.E2E_WORKSPACE!, 'crm-join.sql'),
      'SELECT c.segment, sum(o.amount) AS revenue\nFROM crm.public.customers c JOIN e2e_lake.orders o ON o.customer_id = c.id\nGROUP BY c.segment ORDER BY c.segment\n',
    );
    workbench = await Workbench.open(process.env.CS_PORT!, process.env.E2E_WORKSPACE!, process.env.E2E_SCREENSHOTS!);
    await workbench.setToken('Test Spark', testServer().token);
  });

  stepsInOrder((name) => workbench?.screenshot(name), 'databases-');

  after(async () => {
    await workbench?.close();
    rmSync(workspaceFile, { force: true });
    await pg?.stop();
  });

  it('keeps the database password in SecretStorage and connects: the database is a catalog of the session', async () => {
    await workbench.runCommand('Spark: Set Database Password…');
    await workbench.typeIntoInputBox(pg.password);
    await workbench.runCommand('Spark: Connect…');
    await workbench.pick('Test Spark');
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Test Spark/).waitFor({ timeout: 60_000 });
    const catalog = await workbench.expandView('Catalog');
    await workbench.treeRow(catalog, 'crm').waitFor({ timeout: 30_000 });
  });

  it("shows the database's schema, tables and column types in the Catalog view", async () => {
    const catalog = workbench.view('Catalog');
    await workbench.treeRow(catalog, 'crm').click();
    await workbench.treeRow(catalog, 'public').click({ timeout: 60_000 });
    await workbench.treeRow(catalog, 'customers').click({ timeout: 30_000 });
    // Into the table's columns with the keyboard, as a person would: the pane is short (five views share
    // the sidebar), and the list scrolls to keep the focused row in sight. Right moves to the first child
    // once the columns have come.
    const focused = catalog.locator('.monaco-list-row.focused .label-name');
    for (const until = Date.now() + 30_000; (await focused.innerText()) !== 'id' && Date.now() < until;) {
      await workbench.page.keyboard.press('ArrowRight');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    for (const [index, [column, type]] of [
      ['id', 'int'],
      ['name', 'string'],
      ['segment', 'string'],
      ['signup', 'date'],
    ].entries()) {
      if (index > 0) await workbench.page.keyboard.press('ArrowDown');
      const row = workbench.treeRow(catalog, column!);
      await row.waitFor({ timeout: 10_000 });
      assert.match(await row.innerText(), new RegExp(type!));
    }
    assert.ok(!(await workbench.page.locator('body').innerText()).includes(pg.password), 'the password is never shown');
    await workbench.screenshot('20-database-catalog');
  });

  it('a SQL file joins a table of the database with a table of the lake', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('crm-join.sql');
    await workbench.goToLine(1, 1);
    await workbench.page.keyboard.press('Control+Enter');
    const results = await workbench.resultsFinished('succeeded');
    assert.match(await results.locator('#status').innerText(), /^2 rows · /);
    for (const value of ['business', '99.99', 'retail', '15.01'])
      await results.locator('.cell', { hasText: new RegExp(`^${value.replace('.', '\\.')}$`) }).waitFor();
    await workbench.screenshot('21-database-join');
  });
});
