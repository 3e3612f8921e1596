import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FrameLocator } from 'playwright-core';
import { runPipelineCommand } from '../../src/cli/pipelineCommand.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { projectRoot, testServer } from '../support/sparkTestServer.js';
import { ensureRetailTables } from './support/retailTables.js';
import { stepsInOrder } from './support/steps.js';
import { Workbench } from './support/workbench.js';

const ORDERS_SCHEMA = 'e2e_dashboard';

/**
 * Dashboards as a person uses them: the example's dashboard opened from the lens above its file, every
 * tile drawn with Spark's figures, a parameter changed and the tiles drawn again; a tile reading a
 * misspelt table showing its error in place and in Problems; a pipeline run from the editor refreshing
 * the tile that reads what it updated, and that run's report opened in a tab.
 *
 * Depends on: the retail tables of the pipelines spec (run before it in a full run); run alone, it makes
 * them itself (ensureRetailTables). The example's three churn tiles and its data-quality tile are left out
 * of its copy here: the workbench's pipeline has no model to score with, and the copy has no pipeline
 * beside it (the quality tile is tested headless, in the dashboards integration test). Its steps run in order (stepsInOrder).
 */
describe('dashboards in a real VS Code workbench', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  let client: SparkConnectClient;
  const workspace = process.env.E2E_WORKSPACE!;
  const project = join(workspace, 'orders-pipeline');

  before(async () => {
    await ensureRetailTables();
    client = new SparkConnectClient(testServer().url);
    // The example's dashboard, without the tiles of the churn scores (from "Customers at risk" on, and the two at the end).
    const example = readFileSync(join(projectRoot(), 'examples', 'retail', 'dashboard.yml'), 'utf8');
    const withoutChurn = example
      .replace(/ {2}- title: Customers at risk\n(?: {4}.*\n)+/, '')
      .replace(/ {2}- title: Churn probability\n[\s\S]*$/, '');
    writeFileSync(join(workspace, 'retail.dashboard.yml'), withoutChurn);
    // A small pipeline of our own whose run the second dashboard follows.
    await client.sql(`CREATE SCHEMA IF NOT EXISTS ${ORDERS_SCHEMA}`).toTable();
    await client.sql(`DROP TABLE IF EXISTS ${ORDERS_SCHEMA}.orders`).toTable();
    await client
      .sql(`CREATE TABLE ${ORDERS_SCHEMA}.orders USING parquet AS SELECT id, id * 2 AS amount FROM range(100)`)
      .toTable();
    mkdirSync(join(project, 'transformations'), { recursive: true });
    const storage = pathToFileURL(mkdtempSync(join(tmpdir(), 'sw-e2e-orders-'))).href;
    writeFileSync(
      join(project, 'spark-pipeline.yml'),
      `name: orders\nstorage: ${storage}\ndatabase: ${ORDERS_SCHEMA}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
    );
    writeFileSync(
      join(project, 'transformations', 'orders_total.sql'),
      `CREATE MATERIALIZED VIEW orders_total AS SELECT count(*) AS orders, sum(amount) AS amount FROM ${ORDERS_SCHEMA}.orders;\n`,
    );
    writeFileSync(
      join(project, 'orders.dashboard.yml'),
      `title: Orders\ntiles:\n  - title: Orders\n    dataset: ${ORDERS_SCHEMA}.orders_total\n    number: { value: orders, format: "," }\n` +
        `  - title: Broken\n    dataset: ${ORDERS_SCHEMA}.orders_totl\n    table:\n`,
    );
    const first = await runPipelineCommand(
      client,
      join(project, 'spark-pipeline.yml'),
      false,
      { format: 'text', distDir: join(projectRoot(), 'dist') },
      new AbortController().signal,
      () => undefined,
    );
    assert.equal(first.outcome, 'completed');
    workbench = await Workbench.open(process.env.CS_PORT!, workspace, process.env.E2E_SCREENSHOTS!);
    await workbench.setToken('Test Spark', testServer().token);
  });

  stepsInOrder((name) => workbench?.screenshot(name), 'dashboards-');

  after(async () => {
    await workbench?.close();
    await client?.close();
  });

  const sparkNumber = async (sql: string) =>
    Number((await client.sql(`SELECT CAST((${sql}) AS DOUBLE)`).toTable()).getChildAt(0)!.get(0));
  const tilesDone = async (dashboard: FrameLocator, count: number) => {
    await dashboard
      .locator('.tile')
      .nth(count - 1)
      .waitFor();
    await dashboard.locator('.tile[data-state="loading"]').first().waitFor({ state: 'detached', timeout: 120_000 });
  };

  it('opens the example dashboard from its lens: every tile drawn with Spark’s figures; a parameter changes them', async () => {
    await workbench.openFile('retail.dashboard.yml');
    await workbench.clickCodeLens('Open Dashboard');
    const dashboard = await workbench.webviewWith('#tile-0', 60_000);
    await tilesDone(dashboard, 6);
    const states = await dashboard.locator('.tile').evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.state));
    assert.deepEqual(states, ['done', 'done', 'done', 'done', 'done', 'done']);
    const transactions = (segment?: string) =>
      sparkNumber(
        `SELECT sum(transaction_count) FROM retail.daily_segment_metrics WHERE date BETWEEN DATE'2024-01-01' AND DATE'2024-01-14'` +
          (segment ? ` AND segment = '${segment}'` : ''),
      );
    assert.equal(await dashboard.locator('#tile-1 .number-value').innerText(), (await transactions()).toLocaleString('en-US'));
    assert.ok((await dashboard.locator('#tile-3 svg .mark-line path').count()) >= 1, 'the trend line is drawn');
    assert.equal(await dashboard.locator('#tile-4 svg .mark-rect path').count(), 4, 'a bar per segment');
    await workbench.screenshot('50-dashboard-example');

    await dashboard.locator('select[name="segment"]').selectOption('Corporate');
    const corporate = (await transactions('Corporate')).toLocaleString('en-US');
    await dashboard.locator('#tile-1 .number-value', { hasText: new RegExp(`^${corporate}$`) }).waitFor({ timeout: 60_000 });
    await tilesDone(dashboard, 6);
    // The area chart of daily revenue now has one segment only.
    assert.equal(await dashboard.locator('#tile-5 svg .mark-area path').count(), 1);
    await workbench.screenshot('51-dashboard-segment');
    // Export HTML: the page as shown (Corporate), one file that opens anywhere.
    await dashboard.locator('#export-html').click();
    const exported = join(workspace, 'retail-corporate.html');
    await workbench.answerSaveDialog(exported, /retail\.html$/);
    for (const deadline = Date.now() + 30_000; !existsSync(exported) && Date.now() < deadline;)
      await workbench.page.waitForTimeout(250);
    const html = readFileSync(exported, 'utf8');
    assert.match(html, /<script type="application\/json" id="dashboard-data">/);
    assert.ok(html.includes(`"value":${await transactions('Corporate')}`), 'the Corporate figures are in the page');
    assert.ok(!html.includes(testServer().token), 'the connection token is not in the page');
  });

  it('a tile reading a misspelt table shows its error in place and in Problems; a pipeline run refreshes the tile that reads what it updated', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('orders.dashboard.yml');
    await workbench.clickCodeLens('Open Dashboard');
    const dashboard = await workbench.webviewWith('#tile-1', 60_000);
    await tilesDone(dashboard, 2);
    assert.equal(await dashboard.locator('#tile-0 .number-value').innerText(), '100');
    const error = await dashboard.locator('#tile-1 .tile-error').innerText();
    assert.match(error, /orders_totl.*cannot be found/s);
    const problem = (await workbench.problem(/orders_totl/)).first();
    await problem.waitFor({ timeout: 30_000 });
    assert.match(await problem.innerText(), /Did you mean 'e2e_dashboard\.orders_total'\?[\s\S]*\[Ln 7, Col 14\]/);
    await workbench.screenshot('52-dashboard-broken-tile');

    // More orders, then the pipeline run from its lens: the Orders tile follows, the broken one is left alone.
    await client.sql(`INSERT INTO ${ORDERS_SCHEMA}.orders SELECT id, id FROM range(100, 250)`).toTable();
    // Run Pipeline from the dashboard file's editor.
    await workbench.page.locator('.editor-instance .view-lines').first().click();
    await workbench.runCommand('Spark: Run Pipeline');
    // With the pipelines spec's retail project in the workspace too, the command asks which one.
    const which = workbench.page.locator('.quick-input-widget', { hasText: 'Which pipeline?' });
    const asked = await which.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (asked) await workbench.pick('orders');
    await dashboard
      .locator('.notice', { hasText: /A pipeline run updated what this dashboard reads: its tile was refreshed at/ })
      .waitFor({ timeout: 180_000 });
    await dashboard.locator('#tile-0 .number-value', { hasText: /^250$/ }).waitFor({ timeout: 60_000 });
    await workbench.screenshot('53-dashboard-refreshed-by-run');
  });

  it('opens the report of that run: its graph, datasets and events in a tab', async () => {
    await workbench.runCommand('Spark: Open Run Report');
    const report = await workbench.webviewWith('section#graph', 60_000);
    assert.match(await report.locator('.headline').innerText(), /^Run completed in \d+\.\d s$/);
    assert.equal(await report.locator('svg.graph g.node.completed').count(), 1);
    assert.match(await report.locator('#datasets').innerText(), /orders_total\s+materialized view\s+completed\s+1\b/);
    assert.match(await report.locator('#events').innerText(), /COMPLETED\s+\S*orders_total/);
    await workbench.screenshot('54-run-report');
  });

  it('another extension uses the API: SQL with named parameters as Arrow batches, the connection, the run that ended', async () => {
    await workbench.runCommand('API Consumer: Query Spark Workbench');
    const message = await workbench.notification(/^API v1: /);
    const text = await message.innerText();
    // ids 7, 8, 9 scaled by 1.5: 36; the label a parameter, the types Spark's.
    assert.match(
      text,
      /API v1: 3 rows, scaled sum 36, labels from-the-api, fields id:bigint,label:string,scaled:(double|decimal\(\d+,\d+\))/,
    );
    assert.match(text, /connection Test Spark connected/);
    assert.match(text, /last run orders completed \(orders_total 1 rows\)/);
    await workbench.screenshot('55-api-consumer');
  });
});
