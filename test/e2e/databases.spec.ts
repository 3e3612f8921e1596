import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { startRatesApi, type RatesApi } from '../../examples/retail/ratesApi.js';
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
 * its pipeline folder and that pipeline's schema when it ends.
 */
describe('a database in a real VS Code workbench', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let pg: PostgresServer;
  let api: RatesApi;
  const workspaceFile = join(process.env.E2E_WORKSPACE!, 'spark-workbench.yml');

  before(async () => {
    pg = await startPostgres();
    api = await startRatesApi();
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
    rmSync(join(process.env.E2E_WORKSPACE!, 'crm-pipeline'), { recursive: true, force: true });
    // The server is shared with the other specs: their Catalog steps find it as it was.
    const cleanup = new SparkConnectClient(testServer().url);
    await cleanup
      .sql('DROP SCHEMA IF EXISTS e2e_crm_sources CASCADE')
      .toTable()
      .finally(() => cleanup.close());
    await pg?.stop();
    await api?.close();
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

  it("a pipeline's graph draws the database's table and the HTTP API as sources", async () => {
    const folder = join(process.env.E2E_WORKSPACE!, 'crm-pipeline');
    mkdirSync(join(folder, 'transformations'), { recursive: true });
    writeFileSync(
      join(folder, 'spark-pipeline.yml'),
      `name: crm_sources\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: e2e_crm_sources\nlibraries:\n  - glob:\n      include: transformations/**\n`,
    );
    writeFileSync(
      join(folder, 'transformations', 'customers.sql'),
      'CREATE MATERIALIZED VIEW crm_customers AS SELECT * FROM crm.public.customers;\n',
    );
    writeFileSync(
      join(folder, 'transformations', 'rates.py'),
      [
        'from pyspark import pipelines as dp',
        '',
        '',
        '@dp.materialized_view',
        'def api_rates():',
        `    return spark.read.format("http").option("url", "${api.url}/rates").option("paging", "page").option("records", "rates").option("schema", "date STRING, currency STRING, rate DOUBLE").load()  # noqa: F821`,
        '',
      ].join('\n'),
    );
    await workbench.runCommand('View: Close All Editors');
    await workbench.page.keyboard.press('Control+P');
    await workbench.page.locator('.quick-input-widget input').fill('crm-pipeline/spark-pipeline.yml');
    await workbench.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'spark-pipeline.yml' }).first().waitFor();
    await workbench.page.keyboard.press('Enter');
    await workbench.page.locator('.tab.active', { hasText: 'spark-pipeline.yml' }).waitFor();
    await workbench.clickCodeLens('Graph');
    const graph = await workbench.webviewWith('svg.graph');
    // Before a run the SQL file's reads are drawn; the Python file's come when Spark registers it.
    await graph.locator('g.node', { hasText: 'crm.public.customers' }).waitFor({ timeout: 30_000 });
    await workbench.clickCodeLens('Run');
    await graph.locator('#app[data-state="idle"] .status', { hasText: /^Run completed/ }).waitFor({ timeout: 240_000 });
    const source = graph.locator('g.node', { hasText: `http.\`${api.url}/rates\`` });
    await source.waitFor({ timeout: 30_000 });
    assert.match((await source.getAttribute('class')) ?? '', /\bkind-source\b/);
    assert.match(
      (await graph.locator('g.node', { hasText: 'crm.public.customers' }).getAttribute('class')) ?? '',
      /\bkind-source\b/,
    );
    for (const name of ['crm_customers', 'api_rates'])
      assert.match(
        (await graph.locator('g.node', { hasText: name }).first().getAttribute('class')) ?? '',
        /\bstate-completed\b/,
        name,
      );
    assert.ok(api.requests() > 0, 'the API was read');
    await workbench.screenshot('22-database-and-api-sources-graph');
  });
});
