import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { projectRoot, runtimeDir, testServer, waitForSparkIdle } from '../support/sparkTestServer.js';
import { ensureRetailTables } from './support/retailTables.js';
import { stepsInOrder } from './support/steps.js';
import type { Locator } from 'playwright-core';
import { Workbench } from './support/workbench.js';

/** nbformat's own validation of a saved notebook, with nbformat installed beside the managed runtime. */
async function validateWithNbformat(path: string): Promise<string> {
  const runtime = await new SparkRuntimeInstaller(runtimeDir(), () => undefined).ensureInstalled();
  const tools = join(runtimeDir(), 'test-tools');
  if (!existsSync(join(tools, 'nbformat'))) {
    const pip = spawnSync(
      runtime.pythonExecutable,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', tools, 'nbformat'],
      { encoding: 'utf8' },
    );
    assert.equal(pip.status, 0, pip.stderr);
  }
  const check = spawnSync(
    runtime.pythonExecutable,
    [
      '-c',
      'import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(len(nb.cells))',
      path,
    ],
    { encoding: 'utf8', env: { ...process.env, PYTHONPATH: tools } },
  );
  assert.equal(check.status, 0, check.stderr);
  return check.stdout.trim();
}

/**
 * Notebooks as a person uses them: the example notebook opened, the Spark Connect kernel picked, Run
 * All, its grids and a chart drawn (and saved into the notebook), a failing SQL cell, an interrupt from
 * the cell's own stop button, and the saved file checked by nbformat.
 *
 * Depends on: the retail tables of the pipelines spec (run before it in a full run); run alone, it
 * makes them itself first (ensureRetailTables). Its steps run in order (stepsInOrder).
 */
describe('notebooks in a real VS Code workbench', function () {
  this.timeout(300_000);
  let workbench: Workbench;
  const notebookPath = join(process.env.E2E_WORKSPACE!, 'exploration.ipynb');
  const modelNotebookPath = join(process.env.E2E_WORKSPACE!, 'churn_model.ipynb');
  const models = mkdtempSync(join(tmpdir(), 'sw-e2e-models-'));

  before(async () => {
    await ensureRetailTables();
    cpSync(join(projectRoot(), 'examples', 'retail', 'exploration.ipynb'), notebookPath);
    // The model notebook saves its versions in a folder of this run (before the workbench opens: Quick
    // Open lists the files it found then).
    const text = readFileSync(join(projectRoot(), 'examples', 'retail', 'churn_model.ipynb'), 'utf8');
    writeFileSync(
      modelNotebookPath,
      text.replace('file:///tmp/spark-workbench-retail/storage/models/churn', `${pathToFileURL(models).href}/churn`),
    );
    workbench = await Workbench.open(process.env.CS_PORT!, process.env.E2E_WORKSPACE!, process.env.E2E_SCREENSHOTS!);
    await workbench.setToken('Test Spark', testServer().token);
  });

  stepsInOrder((name) => workbench?.screenshot(name), 'notebook-');

  after(async () => {
    // The untitled notebook is reverted and closed, so the next window does not restore it (and ask to save it).
    if (workbench) {
      const untitled = page().locator('.tab', { hasText: /Untitled-\d+\.ipynb/ });
      if ((await untitled.count()) > 0) {
        await untitled.first().click();
        await workbench.runCommand('View: Revert and Close Editor');
      }
      await workbench.runCommand('View: Close All Editors');
      await workbench.close();
    }
    rmSync(notebookPath, { force: true });
    rmSync(modelNotebookPath, { force: true });
    rmSync(models, { recursive: true, force: true });
  });

  const page = () => workbench.page;
  const cells = () => page().locator('.notebookOverlay >> visible=true').locator('.cell-list-container .code-cell-row');

  /** The kernel picker of the visible notebook's toolbar: Spark Connect, picked there when it is not yet. */
  async function selectSparkKernel(): Promise<void> {
    const toolbar = page().locator('.notebook-toolbar-container >> visible=true');
    const picked = toolbar.filter({ hasText: 'Spark Connect' });
    const already = await picked.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (!already) {
      await toolbar.getByText(/Select Kernel/).click();
      await workbench.pick('Spark Connect');
      await picked.waitFor({ timeout: 30_000 });
    }
  }

  /** Opens a notebook of the workspace, picks the Spark Connect kernel, and runs all its cells; resolves to its toolbar. */
  async function runAll(file: string, timeout: number): Promise<Locator> {
    await workbench.openFile(file);
    await selectSparkKernel();
    const toolbar = page().locator('.notebook-toolbar-container >> visible=true');
    await toolbar.getByText('Run All', { exact: true }).click();
    // While cells run the toolbar offers Interrupt; Run All comes back when the last one ended.
    await toolbar
      .getByText('Interrupt', { exact: true })
      .waitFor({ timeout: 30_000 })
      .catch(() => undefined);
    await toolbar.getByText('Run All', { exact: true }).waitFor({ timeout });
    return toolbar;
  }

  /** The cell's own run button, left of its editor. */
  async function runCell(cell: ReturnType<typeof cells>): Promise<void> {
    await cell.hover();
    await cell.locator('.run-button-container .codicon-notebook-execute').first().click();
  }

  it('runs the example notebook top to bottom: grids in the cells, a chart saved into the notebook, a file nbformat accepts', async () => {
    const toolbar = await runAll('exploration.ipynb', 180_000);
    const outputs = await workbench.webviewWith('.sw-output', 60_000);
    // The first cell's grid: one row with the counts of the curated zone.
    const first = outputs.locator('.sw-output', { has: outputs.locator('.header-cell', { hasText: 'first_transaction' }) });
    await first.locator('.grid .row').first().waitFor();
    assert.match(await first.locator('.grid-header').innerText(), /transactions[\s\S]*customers/);
    assert.match(await first.locator('.grid .row').first().innerText(), /^1\n\d+\n\d+\n2024-01-/);
    await workbench.screenshot('30-notebook-run-all');

    // The trend cell's output, at the end: its Chart tab draws a line, which is saved into the notebook.
    // Into a cell's editor and out with Escape leaves the notebook's list focused: Ctrl+End goes to the last cell.
    await cells().first().locator('.view-lines').click();
    await page().keyboard.press('Escape');
    await page().keyboard.press('Control+End');
    const trend = outputs.locator('.sw-output', { has: outputs.locator('.header-cell', { hasText: 'metric' }) });
    await trend.waitFor({ timeout: 30_000 });
    await trend.locator('.tab', { hasText: 'Chart' }).click();
    await trend.locator('.chart-canvas[data-rendered]').waitFor({ timeout: 30_000 });
    await workbench.screenshot('31-notebook-chart');
    await trend.locator('button', { hasText: 'Save chart to notebook' }).click();
    await outputs.locator('.sw-saved-chart canvas').first().waitFor({ timeout: 30_000 });
    await toolbar.getByText('Run All', { exact: true }).waitFor({ timeout: 30_000 });
    // The result output keeps its height above the saved chart: its grid is in sight, not folded to 0.
    await trend.locator('.grid .row').first().waitFor({ timeout: 30_000 });
    const result = await trend.boundingBox();
    const savedChart = await outputs.locator('.sw-saved-chart').first().boundingBox();
    assert.ok(
      result && savedChart && result.height > 100 && savedChart.y >= result.y + result.height - 2,
      `the saved chart (top ${savedChart?.y}) is drawn below the result output (top ${result?.y}, ${result?.height} px high)`,
    );
    await workbench.screenshot('32-notebook-chart-saved');

    // Saved from the notebook's own editor (a key pressed inside an output's webview stays there).
    await cells().last().locator('.view-lines').click();
    await page().keyboard.press('Escape');
    await page().keyboard.press('Control+S');
    const deadline = Date.now() + 30_000;
    while (!readFileSync(notebookPath, 'utf8').includes('application/vnd.vegalite.v5+json') && Date.now() < deadline)
      await page().waitForTimeout(250);
    cpSync(notebookPath, join(process.env.E2E_SCREENSHOTS!, 'exploration.saved.ipynb'));
    type SavedOutput = { output_type: string; data?: Record<string, unknown> };
    const saved = JSON.parse(readFileSync(notebookPath, 'utf8')) as {
      cells: { cell_type: string; execution_count?: number | null; outputs?: SavedOutput[] }[];
    };
    const code = saved.cells.filter((cell) => cell.cell_type === 'code');
    assert.equal(code.length, 5);
    assert.deepEqual(
      code.map((cell) => cell.execution_count),
      [1, 2, 3, 4, 5],
    );
    const outputsSaved = code.flatMap((cell) => cell.outputs ?? []);
    assert.deepEqual(
      outputsSaved.filter((o) => o.output_type === 'error'),
      [],
    );
    const data = outputsSaved.map((output) => output.data ?? {});
    assert.equal(
      data.filter((d) => 'application/vnd.spark-workbench.arrow+json' in d && 'text/plain' in d && 'text/html' in d).length,
      5,
    );
    assert.ok(
      data.some((d) => 'application/vnd.vegalite.v5+json' in d && 'image/png' in d),
      `a saved chart with its PNG among ${JSON.stringify(data.map((d) => Object.keys(d)))}`,
    );
    assert.equal(await validateWithNbformat(notebookPath), String(saved.cells.length));
  });

  it("runs the example's churn model notebook: the held-out metrics, confusion matrix and importances drawn as charts", async () => {
    await runAll('churn_model.ipynb', 240_000);
    const notebook = page().locator('.notebookOverlay >> visible=true');
    assert.equal(await notebook.locator('.codicon-notebook-state-error').count(), 0);
    // At the end of the notebook: the three charts of the chart cell drawn, and the version saved.
    await cells().first().locator('.view-lines').click();
    await page().keyboard.press('Escape');
    await page().keyboard.press('Control+End');
    const outputs = await workbench.webviewWith('text=/Saved v1 \\(saved .*areaUnderROC 0\\.\\d+/', 60_000);
    assert.ok(existsSync(join(models, 'churn', 'v1', 'workbench_model')), 'the version and its record are saved');
    // Up to the chart cell (past the markdown above the last cell): its three charts drawn.
    await page().keyboard.press('ArrowUp');
    await page().keyboard.press('ArrowUp');
    const charts = outputs.locator('.sw-saved-chart canvas');
    for (const deadline = Date.now() + 30_000; (await charts.count()) < 3 && Date.now() < deadline;)
      await page().waitForTimeout(250);
    assert.equal(await charts.count(), 3);
    await charts.first().scrollIntoViewIfNeeded();
    await workbench.screenshot('35-model-notebook-charts');
  });

  it('a failing SQL cell shows its error in the cell and in Problems at the statement’s place; a cell is interrupted from its stop button', async () => {
    await workbench.runCommand('Spark: New Notebook');
    await page()
      .locator('.tab.active', { hasText: /Untitled-\d+\.ipynb/ })
      .waitFor({ timeout: 30_000 });
    await selectSparkKernel();
    // The SQL cell gets a second statement with a misspelled column.
    const sqlCell = cells().nth(0);
    await sqlCell.locator('.view-lines').click();
    await page().keyboard.press('Control+A');
    await page().keyboard.type('SELECT 1 AS one;\nSELECT idd FROM range(3)');
    await runCell(sqlCell);
    await sqlCell.locator('.codicon-notebook-state-error').waitFor({ timeout: 60_000 });
    await workbench.webviewWith('text=/UNRESOLVED_COLUMN/', 30_000);
    await page().keyboard.press('Control+Shift+M');
    const problem = page().locator('.markers-panel .monaco-list-row', { hasText: 'idd' });
    await problem.waitFor({ timeout: 30_000 });
    assert.match(await problem.innerText(), /\[Ln 2, Col 8\]/);
    await workbench.screenshot('32-notebook-sql-error');

    // The Python cell runs a long Spark job; its stop button interrupts it (the panel hidden, so its output is in sight).
    await workbench.runCommand('View: Hide Panel');
    const pythonCell = cells().nth(1);
    await pythonCell.locator('.view-lines').click();
    await page().keyboard.press('Control+A');
    await page().keyboard.type(
      'spark.sql("SELECT sum(hash(a.id, b.id)) FROM range(40000000) a CROSS JOIN range(1000) b").collect()',
    );
    await runCell(pythonCell);
    await pythonCell
      .locator('.codicon-notebook-state-executing, .codicon-sync.codicon-modifier-spin')
      .first()
      .waitFor({ timeout: 30_000 });
    await page().waitForTimeout(3_000);
    const stoppedAt = Date.now();
    await pythonCell.hover();
    await pythonCell.locator('.run-button-container .codicon-notebook-stop').first().click();
    await pythonCell.locator('.codicon-notebook-state-error').waitFor({ timeout: 10_000 });
    assert.ok(Date.now() - stoppedAt < 10_000);
    await workbench.webviewWith('text=/KeyboardInterrupt|interrupted/', 10_000);
    const { busyTicks, idleAfterMs } = await waitForSparkIdle(testServer().pid, stoppedAt, 5_000);
    assert.ok(busyTicks <= 2, `Spark still busy ${idleAfterMs} ms after the stop button`);
    await workbench.screenshot('33-notebook-interrupted');
  });

  it('a SQL cell completes table names from the live catalog', async () => {
    const sqlCell = cells().nth(0);
    await sqlCell.locator('.view-lines').click();
    await page().keyboard.press('Control+A');
    await page().keyboard.type('SELECT * FROM retail.');
    const suggestion = page().locator('.suggest-widget .monaco-list-row', { hasText: 'curated_transactions' });
    await suggestion.first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('34-notebook-sql-completion');
    await page().keyboard.press('Escape');
  });
});
