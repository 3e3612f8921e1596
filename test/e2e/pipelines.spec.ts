import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testServer } from '../support/sparkTestServer.js';
import { stepsInOrder } from './support/steps.js';
import { Workbench } from './support/workbench.js';

/**
 * Pipelines as a person uses them: the retail example created from the command palette, run from the
 * Run lens above its spec, its graph turning green with row counts, a dataset previewed from the
 * graph, a mistake in the spec and one in the quality file shown in Problems as they are typed and fixed
 * from the quick fix, and Check Data Quality on the tables the quality file names.
 *
 * Depends on: no other spec. Its steps run in order (stepsInOrder); the notebook spec reads the tables
 * its first step makes.
 */
describe('Spark Declarative Pipelines in a real VS Code workbench', function () {
  this.timeout(300_000);
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open(process.env.CS_PORT!, process.env.E2E_WORKSPACE!, process.env.E2E_SCREENSHOTS!);
    await workbench.setToken('Test Spark', testServer().token);
  });

  stepsInOrder((name) => workbench?.screenshot(name), 'pipelines-');

  after(async () => {
    await workbench?.close();
  });

  it('creates the retail example, runs it from the Run lens, and the graph turns green with row counts', async () => {
    await workbench.runCommand('Spark: Create the Retail Example Pipeline');
    await workbench.page.locator('.tab.active', { hasText: 'spark-pipeline.yml' }).waitFor({ timeout: 30_000 });
    // The whole example: its quality checks and its notebook beside the spec.
    const created = join(process.env.E2E_WORKSPACE!, 'retail-pipeline');
    for (const file of ['spark-quality.yml', 'exploration.ipynb']) assert.ok(existsSync(join(created, file)), file);
    const pipelines = await workbench.expandView('Pipelines');
    await workbench.treeRow(pipelines, 'retail').waitFor({ timeout: 30_000 });
    await workbench.treeRow(pipelines, 'curated_transactions').waitFor({ timeout: 30_000 });

    await workbench.clickCodeLens('Graph');
    const graph = await workbench.webviewWith('svg.graph');
    await graph.locator('g.node', { hasText: 'trend_analysis' }).waitFor();
    await workbench.clickCodeLens('Run');
    // While it runs: the lens offers Stop, and boxes turn blue one after another.
    await workbench.page.locator('.editor-instance .codelens-decoration a', { hasText: 'Stop' }).waitFor({ timeout: 60_000 });
    await graph.locator('#app[data-state="running"]').waitFor({ timeout: 60_000 });
    await graph.locator('#app[data-state="idle"]').waitFor({ timeout: 240_000 });
    const status = await graph.locator('.status').innerText();
    assert.match(status, /^Run completed in \d+\.\d s$/, status);
    const names = [
      'raw_transactions_csv',
      'raw_transactions_json',
      'curated_transactions',
      'daily_segment_metrics',
      'trend_analysis',
    ];
    for (const name of names) {
      const node = graph.locator('g.node', { hasText: name });
      assert.equal(
        await node.getAttribute('class').then((c) => /\bstate-completed\b/.test(c ?? '')),
        true,
        `${name} is completed`,
      );
    }
    const curated = graph.locator('g.node', { hasText: 'curated_transactions' });
    assert.equal(await curated.locator('.kind').textContent(), 'materialized view');
    assert.match((await curated.locator('.run').textContent()) ?? '', /^completed · 2,000 rows · \d+\.\d s$/);
    await workbench.screenshot('10-pipeline-graph-completed');
    // The run's events are in the Pipeline Run view of the panel.
    await workbench.runCommand('Spark: Show Pipeline Run');
    const run = workbench.page.locator('.part.panel');
    await run.locator('.monaco-list-row', { hasText: /retail: run completed/ }).waitFor();
    await run
      .locator('.monaco-list-row', { hasText: /retail\.trend_analysis COMPLETED/ })
      .first()
      .waitFor();
    await workbench.screenshot('11-pipeline-run-view');
    // The example's expectation on customer ids fails for the generated rows without one: a warning in
    // Problems on the CONSTRAINT line of curated_transactions.sql.
    await workbench.page.keyboard.press('Control+Shift+M');
    const warning = workbench.page.locator('.markers-panel .monaco-list-row', {
      hasText: 'customer_id_present: 68 of 2,000 rows failed',
    });
    await warning.waitFor({ timeout: 30_000 });
    assert.match(await warning.innerText(), /\[Ln 6, Col 3\]/);
    await workbench.screenshot('12-pipeline-quality-problems');
  });

  it('previews a dataset of the graph in the results grid (right-click, Preview Data)', async () => {
    const graph = await workbench.webviewWith('svg.graph');
    await graph.locator('g.node', { hasText: 'trend_analysis' }).click({ button: 'right' });
    // VS Code's own context menu, with the commands contributed to webview/context.
    const menuItem = workbench.page.locator('.context-view .action-item', { hasText: 'Preview Data' });
    await menuItem.waitFor();
    await workbench.screenshot('12a-pipeline-graph-context-menu');
    await menuItem.hover();
    await workbench.page.keyboard.press('Enter');
    await workbench.page.locator('.context-view .action-item').first().waitFor({ state: 'detached' });
    const results = await workbench.webviewWith('body[data-run-state="succeeded"] .header-cell', 120_000);
    const headers = await results.locator('.header-cell').allInnerTexts();
    assert.deepEqual(
      headers.map((h) => h.replace(/\s+/g, ' ').trim()),
      ['date date', 'metric string', 'value double'],
    );
    await results
      .locator('.cell', { hasText: /^transaction_count$/ })
      .first()
      .waitFor();
    await workbench.screenshot('12-pipeline-dataset-preview');
  });

  it('shows the failing rows of an expectation from Problems, and a run on fixed data clears the warning', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('curated_transactions.sql');
    await workbench.applyQuickFix(6, 3, 'Show Failing Rows of customer_id_present');
    const results = await workbench.webviewWith('body[data-run-state="succeeded"] .header-cell:has-text("customer_id")', 120_000);
    const headers = (await results.locator('.header-cell').allInnerTexts()).map((h) => h.split(/\s+/)[0]);
    assert.deepEqual(headers.slice(0, 3), ['transaction_id', 'customer_id', 'segment']);
    // Every row shown lacks its customer: the generator leaves it out of every 29th transaction.
    const ids = await results.locator('.row .cell:nth-child(2)').allInnerTexts();
    assert.ok(ids.length > 0 && ids.every((id) => Number(id.replace(/,/g, '')) % 29 === 0), ids.join(' '));
    await workbench.screenshot('12b-pipeline-failing-rows');

    // Fix the data in the curated zone (keep only transactions with a customer) and run again.
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('curated_transactions.sql');
    // The file ends with the statement's `);` and a newline.
    await workbench.page.locator('.editor-instance .view-lines').first().click();
    await workbench.page.keyboard.press('Control+End');
    await workbench.page.keyboard.press('ArrowUp');
    await workbench.page.keyboard.press('Home');
    await workbench.page.keyboard.press('Shift+End');
    await workbench.page.keyboard.type(') WHERE customer_id IS NOT NULL;');
    await workbench.page.keyboard.press('Control+S');
    // The warning is in sight before the run, so its going away means something.
    await workbench.page.keyboard.press('Control+Shift+M');
    const warning = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: 'customer_id_present' });
    await warning.waitFor({ timeout: 30_000 });
    await workbench.openFile('spark-pipeline.yml');
    await workbench.clickCodeLens('Run');
    await warning.waitFor({ state: 'detached', timeout: 240_000 });
    await workbench.screenshot('12c-pipeline-quality-cleared');
  });

  it('shows a mistake in the spec in Problems as it is typed, and takes it away when fixed', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('spark-pipeline.yml');
    const line = lineOfExample('spark-pipeline.yml', (l) => l.startsWith('database:'));
    await workbench.goToLine(line, 1);
    await workbench.page.keyboard.press('Home');
    await workbench.page.keyboard.press('Shift+End');
    await workbench.page.keyboard.type('databse: retail');
    await workbench.page.keyboard.press('Control+Shift+M');
    const problem = workbench.page.locator('.markers-panel .monaco-list-row', {
      hasText: "Spark does not know the field 'databse'",
    });
    await problem.waitFor({ timeout: 30_000 });
    assert.match(await problem.innerText(), new RegExp(`\\[Ln ${line}, Col 1\\]`));
    await workbench.page.locator('.editor-instance .squiggly-error').first().waitFor();
    await workbench.screenshot('13-pipeline-spec-problem');
    // The quick fix renames the field: the problem goes.
    await workbench.applyQuickFix(line, 2, "Rename to 'database'");
    await problem.waitFor({ state: 'detached', timeout: 10_000 });
    await workbench.page.keyboard.press('Control+S');
  });

  it('shows a mistake in the quality file as it is typed, fixes it from the suggestion, and checks a table', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('spark-quality.yml');
    const line = lineOfExample('spark-quality.yml', (l) => l.trim() === '- unique: transaction_id');
    await workbench.goToLine(line, 1);
    await workbench.page.keyboard.press('End');
    await workbench.page.keyboard.press('Shift+Home');
    await workbench.page.keyboard.type('- uniqe: transaction_id');
    const problem = await workbench.problem("Unknown check type 'uniqe'. Did you mean 'unique'?");
    await problem.waitFor({ timeout: 30_000 });
    await workbench.screenshot('13b-quality-file-problem');
    await workbench.applyQuickFix(line, 8, "Change to 'unique'");
    await problem.waitFor({ state: 'detached', timeout: 10_000 });
    await workbench.page.keyboard.press('Control+S');

    await workbench.runCommand('Spark: Check Data Quality…');
    await workbench.pick('The tables it names');
    const checked = await workbench.notification(/Data quality of spark-quality\.yml: \d+ of \d+ checks passed\./, 120_000);
    // The checks ran on the pipeline's tables (in its schema, not the session's): each could run.
    const [, passed, all] = /(\d+) of (\d+) checks passed/.exec(await checked.innerText())!;
    assert.ok(Number(passed) > 0 && Number(all) === 10, `${passed} of ${all} passed`);
    assert.doesNotMatch(await workbench.page.locator('.markers-panel').innerText(), /Could not run/);
    await workbench.screenshot('13c-quality-file-checked');
  });
});

/**
 * The line (1-based) of a file of the example, read from disk: the editor's DOM holds only the lines
 * in view, and not in their order.
 */
function lineOfExample(file: string, matches: (line: string) => boolean): number {
  const lines = readFileSync(join(process.env.E2E_WORKSPACE!, 'retail-pipeline', file), 'utf8').split('\n');
  const line = lines.findIndex(matches) + 1;
  assert.ok(line > 0, `no such line in ${file}`);
  return line;
}
