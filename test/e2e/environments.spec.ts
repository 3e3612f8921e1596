import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { testServer } from '../support/sparkTestServer.js';
import { stepsInOrder } from './support/steps.js';
import { Workbench } from './support/workbench.js';

/**
 * Environments as a person uses them: spark-workbench.yml declares staging and prod (both reaching the
 * test server, each writing its own schema with its own variables); their tokens set with Set Token…;
 * prod picked from Switch Connection shows in the status bar as production; a Full Refresh there asks
 * first and, declined, runs nothing; confirmed, it writes prod's schema; staging runs without a question.
 *
 * Depends on: no other spec. Its steps run in order (stepsInOrder). It removes its spark-workbench.yml,
 * its pipeline folder and its schemas when it ends.
 */
describe('environments in a real VS Code workbench', function () {
  this.timeout(240_000);
  let workbench: Workbench;
  const root = process.env.E2E_WORKSPACE!;
  const workspaceFile = join(root, 'spark-workbench.yml');
  const folder = join(root, 'env-pipeline');
  const schemas = { staging: 'e2e_env_staging', prod: 'e2e_env_prod' };
  const client = () => new SparkConnectClient(testServer().url);
  const schemaExists = async (schema: string) => {
    const spark = client();
    try {
      return (await spark.sql(`SHOW SCHEMAS LIKE '${schema}'`).toTable()).numRows > 0;
    } finally {
      await spark.close();
    }
  };
  const tableOf = async (schema: string) => {
    const spark = client();
    try {
      return (await spark.sql(`SELECT count(*) AS n, min(label) AS label FROM ${schema}.orders`).toTable()).get(0)!.toJSON();
    } finally {
      await spark.close();
    }
  };
  const dropSchemas = async () => {
    const spark = client();
    for (const schema of Object.values(schemas)) await spark.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).toTable();
    await spark.close();
  };

  before(async () => {
    await dropSchemas();
    const remote = `sc://127.0.0.1:${testServer().port}`;
    const storage = (name: string) => pathToFileURL(join(folder, `storage-${name}`)).href;
    writeFileSync(
      workspaceFile,
      `environments:
  staging:
    remote: ${remote}
    schema: ${schemas.staging}
    storage: ${storage('staging')}
    variables:
      e2e.min: 90
      e2e.label: staging
  prod:
    production: true
    remote: ${remote}
    schema: ${schemas.prod}
    storage: ${storage('prod')}
    variables:
      e2e.min: 40
      e2e.label: production
`,
    );
    mkdirSync(join(folder, 'transformations'), { recursive: true });
    writeFileSync(
      join(folder, 'spark-pipeline.yml'),
      `name: envdemo\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: e2e_env_spec\nlibraries:\n  - glob:\n      include: transformations/**\n`,
    );
    writeFileSync(
      join(folder, 'transformations', 'env_orders.sql'),
      "CREATE MATERIALIZED VIEW orders AS\nSELECT id, '${e2e.label}' AS label FROM range(0, 100) WHERE id >= ${e2e.min};\n",
    );
    workbench = await Workbench.open(process.env.CS_PORT!, root, process.env.E2E_SCREENSHOTS!);
  });

  stepsInOrder((name) => workbench?.screenshot(name), 'environments-');

  after(async () => {
    await workbench?.close();
    rmSync(workspaceFile, { force: true });
    rmSync(folder, { recursive: true, force: true });
    await dropSchemas();
  });

  it("lists the environments as connections; prod's token set, prod shows in the status bar as production", async () => {
    await workbench.setToken('prod', testServer().token);
    await workbench.setToken('staging', testServer().token);
    await workbench.runCommand('Spark: Switch Connection…');
    const prodRow = workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'production environment' });
    await prodRow.waitFor({ timeout: 30_000 });
    assert.match(await prodRow.innerText(), /prod[\s\S]*production environment → e2e_env_prod/);
    await workbench.screenshot('environments-picker');
    await prodRow.click();
    await workbench.statusBar(/Spark 4\.\d+\.\d+: prod \(production\)/).waitFor({ timeout: 60_000 });
  });

  it('a Full Refresh on prod asks first; declined, nothing runs', async () => {
    await workbench.runCommand('Spark: Full Refresh Pipeline…');
    // Every table is ticked: accept the pick as it is.
    await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'orders' }).waitFor({ timeout: 30_000 });
    await workbench.page.keyboard.press('Enter');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match(await dialog.innerText(), /Run pipeline envdemo on prod, a production environment\?/);
    assert.match(await dialog.innerText(), /A full refresh resets its tables and recomputes them in e2e_env_prod\./);
    await workbench.screenshot('environments-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await workbench.page.waitForTimeout(3_000);
    assert.equal(await schemaExists(schemas.prod), false, 'declined: nothing ran');
  });

  it("confirmed, the pipeline writes prod's schema with prod's variables", async () => {
    await workbench.runCommand('Spark: Run Pipeline');
    const dialog = workbench.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Run in Production' }).click();
    await workbench.notification(/Pipeline envdemo completed: 1 datasets, 60 rows/, 120_000);
    assert.deepEqual(await tableOf(schemas.prod), { n: 60n, label: 'production' });
    assert.equal(await schemaExists('e2e_env_spec'), false, "the spec's own schema is not written");
  });

  it("staging runs without a question, in staging's schema with staging's variables", async () => {
    await workbench.runCommand('Spark: Switch Connection…');
    await workbench.page.locator('.quick-input-list .monaco-list-row', { hasText: 'environment → e2e_env_staging' }).click();
    await workbench.statusBar(/Spark 4\.\d+\.\d+: staging/).waitFor({ timeout: 60_000 });
    await workbench.runCommand('Spark: Run Pipeline');
    await workbench.notification(/Pipeline envdemo completed: 1 datasets, 10 rows/, 120_000);
    assert.equal(await workbench.page.locator('.monaco-dialog-box').count(), 0, 'no question for staging');
    assert.deepEqual(await tableOf(schemas.staging), { n: 10n, label: 'staging' });
    await workbench.screenshot('environments-staging');
  });
});
