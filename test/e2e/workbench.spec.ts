import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { testServer, waitForSparkIdle } from '../support/sparkTestServer.js';
import { stepsInOrder } from './support/steps.js';
import { Workbench } from './support/workbench.js';

/**
 * The packaged extension in a real VS Code workbench against the run's real Spark server: set the
 * token, connect, browse the catalog down to columns, preview a table, cancel a long query.
 *
 * Depends on: no other spec. Its steps run in order (stepsInOrder).
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

  stepsInOrder((name) => workbench?.screenshot(name), '');

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
    await workbench.pick('Test Spark');
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

  it('reports an unreachable server with an Edit Connection action, and leaves nothing spinning', async () => {
    await workbench.runCommand('Spark: Connect…');
    await workbench.pick('Nowhere');
    await workbench.runCommand('Notifications: Show Notifications');
    const notification = workbench.page.locator('.notifications-center .notification-list-item', {
      hasText: /Cannot reach the Spark server at 127\.0\.0\.1:\d+/,
    });
    await notification.waitFor({ timeout: 30_000 });
    await workbench.screenshot('02b-unreachable');
    await workbench.page
      .locator('.notifications-center .notification-list-item', { hasText: 'Connecting to Nowhere' })
      .waitFor({ state: 'detached', timeout: 10_000 });
    await workbench.statusBar(/Spark: Nowhere/).waitFor();
    await notification.locator('.monaco-button', { hasText: 'Edit Connection' }).click();
    // The settings editor opens on the connections setting.
    await workbench.page.locator('.settings-editor').waitFor({ timeout: 30_000 });
    await workbench.page.locator('.setting-item', { hasText: 'Connections' }).first().waitFor();
    await workbench.runCommand('View: Close All Editors');
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  it('keeps the token in SecretStorage and connects: the status bar shows the server version', async () => {
    await workbench.runCommand('Spark: Set Token…');
    await workbench.pick('Test Spark');
    await workbench.typeIntoInputBox(testServer().token);
    await workbench.runCommand('Spark: Connect…');
    await workbench.pick('Test Spark');
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Test Spark/).waitFor({ timeout: 60_000 });
    const connection = await workbench.expandView('Connection');
    await connection.locator('.monaco-list-row', { hasText: 'connected' }).waitFor();
    const text = await connection.innerText();
    assert.match(text, /Spark 4\.\d+\.\d+ at 127\.0\.0\.1:\d+/);
    assert.ok(!text.includes(testServer().token), 'the token is never shown');
    await connection.locator('.monaco-list-row', { hasText: 'spark_catalog.default' }).waitFor();
    await workbench.screenshot('02-connected');
  });

  it('expands the catalog down to the columns of a table, with their types', async () => {
    const catalog = await workbench.expandView('Catalog');
    await workbench.treeRow(catalog, 'spark_catalog').click();
    await workbench.treeRow(catalog, 'e2e_shop').click();
    await workbench.treeRow(catalog, 'orders').click();
    // Into the table's columns with the keyboard, column by column, as a person would: the sidebar shares
    // its height among five views, and the list scrolls to keep the focused row in sight. Right moves to
    // the first child once the columns have come.
    const focused = catalog.locator('.monaco-list-row.focused .label-name');
    for (const until = Date.now() + 30_000; (await focused.innerText()) !== 'order_id' && Date.now() < until;) {
      await workbench.page.keyboard.press('ArrowRight');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    for (const [index, [column, type]] of [
      ['order_id', 'bigint'],
      ['region', 'string'],
      ['amount', 'decimal(10,2)'],
    ].entries()) {
      if (index > 0) await workbench.page.keyboard.press('ArrowDown');
      const row = workbench.treeRow(catalog, column!);
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(type!.replace(/[()]/g, '\\$&')));
    }
    await workbench.screenshot('03-catalog-columns');
  });

  it('previews a table in the results grid, with Spark types in the headers', async () => {
    const catalog = workbench.view('Catalog');
    const orders = workbench.treeRow(catalog, 'orders');
    await orders.hover();
    await orders.locator('.action-label[aria-label="Preview Rows"]').click();
    const results = await workbench.resultsFinished('succeeded');
    const headers = await results.locator('.header-cell').allInnerTexts();
    assert.deepEqual(
      headers.map((h) => h.replace(/\s+/g, ' ').trim()),
      ['order_id bigint', 'region string', 'amount decimal(10,2)'],
    );
    assert.match(await results.locator('#status').innerText(), /^3 rows · /);
    const amount = results.locator('.cell', { hasText: /^99\.99$/ });
    assert.match((await amount.getAttribute('class')) ?? '', /\bnum\b/, 'numbers are right-aligned');
    await workbench.screenshot('04-preview');
  });

  it('shows tricky values exactly: decimals, bigints, NULL apart from empty text, nested values, hostile text', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('tricky_types.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const results = await workbench.resultsFinished('succeeded');
    // Walk the row with the keyboard, as a user would: the selected cell scrolls into view.
    await results.locator('.row[data-position="0"] .cell[data-column="0"]').click();
    const seen: { text: string; classes: string }[] = [];
    for (let column = 0; column < 11; column++) {
      // The selection moves on the next frame: read the cell of this column, not whichever is selected yet.
      const cell = results.locator(`.cell.selected[data-column="${column}"]`);
      seen.push({ text: await cell.innerText(), classes: (await cell.getAttribute('class')) ?? '' });
      if (column === 7) {
        const detail = results.locator('#detail');
        await detail.locator('.tree-key', { hasText: /^y$/ }).waitFor();
        assert.match(await detail.innerText(), /array \(2\)[\s\S]*"p"[\s\S]*"q"/);
        await workbench.screenshot('05-tricky-types-detail');
      }
      await results.locator('#grid').press('ArrowRight');
    }
    assert.deepEqual(
      seen.map((s) => s.text),
      [
        '12345678901234567890.123456789',
        '9007199254740993',
        '2024-02-29 23:59:59.123456',
        'NULL',
        '',
        '<img src=x onerror="document.body.dataset.pwned=1">',
        '[1, 2, NULL]',
        '{"a" -> {x: 1, y: ["p", "q"]}}',
        '{name: "Ada", tags: ["math", "code"]}',
        '-0.0',
        'NaN',
      ],
    );
    assert.match(seen[3]!.classes, /\bnull\b/, 'NULL is styled as NULL');
    assert.doesNotMatch(seen[4]!.classes, /\bnull\b/, 'an empty string is not NULL');
    assert.equal(await results.locator('img').count(), 0, 'the hostile value created no element');
    assert.equal(await results.locator('body[data-pwned]').count(), 0, 'no script ran');
  });

  it('runs the statement under the cursor with Ctrl+Enter (connecting again after Disconnect, with a word); a failing one shows its error at its place until fixed from the suggestion; completion knows the columns', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('editing.sql');
    // After Disconnect, a run connects again on its own, and says that the earlier session is gone.
    await workbench.runCommand('Spark: Disconnect');
    // Line 1 makes a temporary view, line 3 reads it: the same Spark session.
    await workbench.goToLine(1, 1);
    await workbench.page.keyboard.press('Control+Enter');
    await workbench.resultsFinished('succeeded');
    await workbench.notification('A new Spark session on Test Spark');
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.goToLine(3, 8);
    await workbench.page.keyboard.press('Control+Enter');
    const results = await workbench.resultsFinished('succeeded');
    await results.locator('.cell', { hasText: /^name-1$/ }).waitFor();

    await workbench.goToLine(5, 3);
    await workbench.page.keyboard.press('Control+Enter');
    await workbench.resultsFinished('failed');
    await workbench.page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 30_000 });
    await workbench.page.keyboard.press('Control+Shift+M');
    const problem = workbench.page.locator('.markers-panel .monaco-list-row', { hasText: 'full_nmae' });
    await problem.waitFor({ timeout: 30_000 });
    const problemText = await problem.innerText();
    assert.match(problemText, /UNRESOLVED_COLUMN\.WITH_SUGGESTION/);
    assert.match(problemText, /\[Ln 5, Col 12\]/);
    await workbench.screenshot('05a-sql-error-in-problems');

    // The fix from Spark's suggestion: the misspelt name replaced; the diagnostic goes at once, and the
    // statement runs.
    await workbench.applyQuickFix(5, 13, "Change to 'full_name'");
    await problem.waitFor({ state: 'detached', timeout: 10_000 });
    await workbench.page.keyboard.press('Control+Enter');
    const fixed = await workbench.resultsFinished('succeeded');
    await fixed.locator('.cell', { hasText: /^name-2$/ }).waitFor();

    // Completion from the live catalog: the columns of the view this file made.
    await workbench.page.locator('.editor-instance .view-lines').first().click();
    await workbench.page.keyboard.press('Control+End');
    await workbench.page.keyboard.press('Enter');
    await workbench.page.keyboard.type('SELECT p.');
    await workbench.page.keyboard.type('f');
    // The FROM clause comes after the cursor, as it does when a person fills in a select list.
    await workbench.page.keyboard.press('End');
    await workbench.page.keyboard.type(' FROM e2e_people p');
    for (let i = 0; i < ' FROM e2e_people p'.length; i++) await workbench.page.keyboard.press('ArrowLeft');
    await workbench.page.keyboard.press('Control+Space');
    const suggestion = workbench.page.locator('.suggest-widget .monaco-list-row', { hasText: 'full_name' });
    await suggestion.waitFor({ timeout: 30_000 });
    await workbench.screenshot('05b-sql-completion');
    await workbench.page.keyboard.press('Escape');
  });

  it('draws a chart of a small result from the loaded rows', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('revenue_by_region.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const results = await workbench.resultsFinished('succeeded');
    await results.locator('#tab-chart').click();
    await results.locator('#chart-canvas[data-rendered="3"] canvas').waitFor({ timeout: 30_000 });
    assert.equal(await results.locator('#chart-mark').inputValue(), 'bar');
    assert.match(await results.locator('#chart-note').innerText(), /^3 rows\.$/);
    await workbench.screenshot('06-chart');
  });

  it('exports the chart as SVG, PNG and Vega-Lite spec, and redraws it in the colors of a new theme', async () => {
    const results = workbench.results();
    const dir = mkdtempSync(join(tmpdir(), 'sw-chart-'));
    const exported = async (button: string, name: string): Promise<Buffer> => {
      const target = join(dir, name);
      await results.locator(button).click();
      await workbench.answerSaveDialog(target, new RegExp(`chart\\.${name.split('.').slice(1).join('\\.')}$`));
      return waitForFile(target);
    };
    const lightSvg = (await exported('#chart-export-svg', 'light.svg')).toString('utf8');
    assert.match(lightSvg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const region of ['AMER', 'APAC', 'EMEA']) assert.ok(lightSvg.includes(`>${region}</text>`), `the SVG labels ${region}`);
    const png = await exported('#chart-export-png', 'chart.png');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    assert.ok(png.length > 5_000, `the PNG has the drawing (${png.length} bytes)`);
    const spec = JSON.parse((await exported('#chart-export-spec', 'chart.vl.json')).toString('utf8')) as {
      $schema: string;
      mark: { type: string };
      encoding: { x: { field: string } };
    };
    assert.match(spec.$schema, /vega-lite\/v6/);
    assert.equal(spec.mark.type, 'bar');
    assert.equal(spec.encoding.x.field, 'region');

    await workbench.setColorTheme('Dark Modern');
    await results.locator('#chart-canvas[data-theme="dark"][data-rendered="3"] canvas').waitFor({ timeout: 30_000 });
    await workbench.screenshot('06a-chart-dark-theme');
    const darkSvg = (await exported('#chart-export-svg', 'dark.svg')).toString('utf8');
    const labelFill = (svg: string) => /<text[^>]*fill="([^"]+)"[^>]*>AMER<\/text>/.exec(svg)?.[1];
    assert.ok(labelFill(lightSvg) && labelFill(darkSvg), 'axis labels have a fill');
    assert.notEqual(labelFill(darkSvg), labelFill(lightSvg), "the labels take the dark theme's foreground");
    await workbench.setColorTheme('Light Modern');
    await results.locator('#chart-canvas[data-theme="light"] canvas').waitFor({ timeout: 30_000 });
  });

  it('exports the full result to CSV through the save dialog', async () => {
    const results = workbench.results();
    await results.locator('#tab-grid').click();
    const target = join(mkdtempSync(join(tmpdir(), 'sw-export-')), 'revenue.csv');
    await results.locator('#export').selectOption('csv');
    await workbench.answerSaveDialog(target, /\.csv$/);
    // The file appears only once it is complete (written beside it, then renamed); then the notice.
    const deadline = Date.now() + 60_000;
    while (!existsSync(target) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await workbench.runCommand('Notifications: Show Notifications');
    await workbench.page
      .locator('.notifications-center .notification-list-item', { hasText: 'Exported 3 rows' })
      .waitFor({ timeout: 60_000 });
    assert.equal(readFileSync(target, 'utf8'), 'region,revenue\r\nAMER,99.99\r\nAPAC,0.01\r\nEMEA,10.50\r\n');
    await workbench.runCommand('Notifications: Clear All Notifications');
  });

  it('scrolls a million-row result and charts it with the aggregation done in Spark', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('million_rows.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const results = await workbench.resultsFinished('succeeded', 180_000);
    assert.match(await results.locator('#status').innerText(), /^1,000,000 rows · /);
    const grid = results.locator('#grid');
    await grid.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await results.locator('.row .gutter', { hasText: /^1000000$/ }).waitFor();
    await results.locator('.cell', { hasText: /^row 999999$/ }).waitFor();
    const domRows = await results.locator('.row').count();
    assert.ok(domRows < 120, `only the rows in view are in the DOM (${domRows})`);
    await workbench.screenshot('07-million-rows-bottom');
    await results.locator('#tab-chart').click();
    await results.locator('#chart-mark').selectOption('bar');
    await results.locator('#chart-x').selectOption('bucket');
    await results.locator('#chart-y').selectOption('half');
    await results.locator('#chart-aggregate').selectOption('sum');
    await results.locator('#chart-note', { hasText: 'Aggregated in Spark from 1,000,000 rows' }).waitFor({ timeout: 60_000 });
    await results.locator('#chart-canvas[data-rendered="7"] canvas').waitFor();
    await workbench.screenshot('08-million-rows-chart');
    assert.equal(await results.locator('body[data-csp-violations]').count(), 0, 'the CSP blocked nothing: Vega ran without eval');
  });

  it('cancels a long query from the Operations view, and the Spark job stops within 2 s', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('long_query.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const operations = await workbench.expandView('Operations');
    const running = operations.locator('.monaco-list-row', { hasText: /tasks/ }).first();
    await running.waitFor({ timeout: 60_000 });
    // The results panel shows the run's progress while no row has come yet: stages, tasks, elapsed time.
    const progress = workbench.results();
    await progress.locator('#progress[aria-valuemax]').waitFor({ timeout: 30_000 });
    await progress.locator('#status', { hasText: /^Running… \d+ of \d+ stages?, \d+\/\d+ tasks · 0 rows · \d/ }).waitFor();
    const elapsedBefore = await progress.locator('#status').innerText();
    await workbench.page.waitForTimeout(600);
    assert.notEqual(await progress.locator('#status').innerText(), elapsedBefore, 'the elapsed time moves without new rows');
    await workbench.screenshot('09-running');
    await running.hover();
    const clickStarted = Date.now();
    await running.locator('.action-label[aria-label="Cancel Operation"]').click();
    // Spark's 2 s count from the click itself (a busy browser can take a while to report it done).
    const cancelledAt = Date.now();
    console.log(`      the click on Cancel took ${cancelledAt - clickStarted} ms`);
    await operations.locator('.monaco-list-row', { hasText: 'cancelled' }).first().waitFor({ timeout: 10_000 });
    const { busyTicks, idleAfterMs } = await waitForSparkIdle(testServer().pid, cancelledAt, 2_000);
    assert.ok(busyTicks <= 2, `Spark still busy (${busyTicks} CPU ticks in 250 ms) ${idleAfterMs} ms after cancel`);
    console.log(`      Spark idle ${idleAfterMs} ms after the click on Cancel`);
    await workbench.screenshot('10-cancelled');
  });

  it('brings a results panel back after a window reload, showing its query, and runs it again on request', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('revenue_by_region.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    await workbench.resultsFinished('succeeded');
    await workbench.runCommand('Developer: Reload Window');
    await workbench.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const results = await workbench.resultsFinished('restored', 60_000);
    assert.match(await results.locator('#sql').innerText(), /SELECT region, sum\(amount\) AS revenue FROM e2e_shop\.orders/);
    assert.equal(await results.locator('#status').innerText(), 'Not run since the window reloaded.');
    await workbench.screenshot('13-restored-after-reload');
    await results.locator('#run-again').click();
    const again = await workbench.resultsFinished('succeeded', 60_000);
    assert.match(await again.locator('#status').innerText(), /^3 rows · /);
  });

  it('starts Local Spark on demand, runs a query on it, and stops it', async () => {
    const port = Number(process.env.E2E_LOCAL_SPARK_PORT);
    assert.equal(await isListening(port), false, 'nothing runs on the Local Spark port before the test');
    await workbench.runCommand('View: Close All Editors');
    await workbench.runCommand('Spark: Switch Connection…');
    await workbench.pick('Local Spark');
    // Installing nothing (the run's runtime is there), starting a JVM on 2 cores: well under 2 minutes.
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Local Spark/).waitFor({ timeout: 150_000 });
    assert.equal(await isListening(port), true, `the local server listens on 127.0.0.1:${port}`);
    const connection = await workbench.expandView('Connection');
    await connection.locator('.monaco-list-row', { hasText: 'running' }).waitFor();
    assert.match(await connection.innerText(), new RegExp(`127\\.0\\.0\\.1:${port}`));
    await workbench.openFile('local_spark.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const results = await workbench.resultsFinished('succeeded', 60_000);
    await results.locator('.cell', { hasText: /^42$/ }).waitFor();
    await workbench.screenshot('14-local-spark');

    // The server dies under a running query: the run ends at once, the notice says how, and Restart
    // Local Spark brings it back (re-running nothing).
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('long_query.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const operations = await workbench.expandView('Operations');
    await operations.locator('.monaco-list-row', { hasText: /tasks/ }).first().waitFor({ timeout: 60_000 });
    const serverState = JSON.parse(
      readFileSync(join(process.env.E2E_SPARK_HOME ?? '.spark', 'servers', `server-${port}.json`), 'utf8'),
    ) as { pid: number };
    const killedAt = Date.now();
    process.kill(serverState.pid, 'SIGKILL');
    await workbench.runCommand('Notifications: Show Notifications');
    const stopped = workbench.page.locator('.notifications-center .notification-list-item', {
      hasText: 'Local Spark stopped (killed by signal 9, SIGKILL)',
    });
    await stopped.waitFor({ timeout: 10_000 });
    console.log(`      the notice showed ${Date.now() - killedAt} ms after the kill`);
    await workbench.page
      .locator('.notifications-center .notification-list-item', { hasText: 'Spark: Run SQL' })
      .waitFor({ state: 'detached', timeout: 5_000 });
    await workbench.statusBar(/Spark: Local Spark stopped/).waitFor({ timeout: 5_000 });
    await workbench.screenshot('15-local-spark-killed');
    await stopped.locator('.monaco-button', { hasText: 'Restart Local Spark' }).click();
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Local Spark/).waitFor({ timeout: 150_000 });
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.screenshot('16-local-spark-restarted');
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('local_spark.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    const again = await workbench.resultsFinished('succeeded', 60_000);
    await again.locator('.cell', { hasText: /^42$/ }).waitFor();

    await workbench.runCommand('Spark: Stop Local Spark');
    await workbench.runCommand('Notifications: Show Notifications');
    await workbench.page
      .locator('.notifications-center .notification-list-item', { hasText: 'Local Spark stopped.' })
      .waitFor({ timeout: 60_000 });
    await workbench.runCommand('Notifications: Clear All Notifications');
    assert.equal(await isListening(port), false, 'the local server is gone');
    await workbench.statusBar(/Spark 4\.\d+\.\d+: Local Spark/).waitFor({ state: 'hidden' });
    await workbench.view('Connection').getByText('Not connected to Spark.').waitFor();
  });
});

/** The file's bytes once it exists and has stopped growing. */
async function waitForFile(path: string, timeout = 30_000): Promise<Buffer> {
  const deadline = Date.now() + timeout;
  let size = -1;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      if (bytes.length > 0 && bytes.length === size) return bytes;
      size = bytes.length;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${path} was not written within ${timeout} ms`);
}

/** Whether something accepts connections on this loopback port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
