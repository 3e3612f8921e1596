import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import type { QueryRunner, RunSummary, StreamOptions } from '../../../src/vscode/runs/queryRunner.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import { ResultExporter } from '../../../src/vscode/results/resultExporter.js';
import { RESULTS_VIEW_TYPE, type ResultsPanelServices } from '../../../src/vscode/results/resultsPanel.js';
import { ResultsPanels } from '../../../src/vscode/results/resultsPanels.js';
import { FakeHost, type FakeWebviewPanel } from './fakeHost.js';

/** A runner whose every run gives the same two-row result, recording what it was asked to run. */
function fakeRunner(ran: string[]): Pick<QueryRunner, 'stream'> {
  return {
    stream: async (sql: string, _title: string, options: StreamOptions = {}): Promise<RunSummary> => {
      ran.push(sql);
      const table = tableFromArrays({ id: Int32Array.from([1, 2]) });
      const stats = { rows: 2, arrowBytes: 64 } as never;
      await options.onEvent?.({ type: 'schema', schema: table.schema } as never, stats, '');
      for (const batch of table.batches) await options.onEvent?.({ type: 'batch', batch } as never, stats, '');
      return { status: 'succeeded', rows: 2, bytes: 64, elapsedMs: 5 };
    },
  };
}

function setup() {
  const host = new FakeHost();
  const ran: string[] = [];
  const log = new OutputLog(host.createLogChannel('Spark Workbench'));
  const services: ResultsPanelServices = {
    host,
    runner: fakeRunner(ran) as QueryRunner,
    log,
    rowLimit: () => 100,
    chartPushdownThreshold: () => 20_000,
    exportResult: async () => undefined,
    chartData: async () => ({ kind: 'local', reason: 'test' }),
  };
  const panels = new ResultsPanels(host, '/ext/dist/webview', services);
  const types = (panel: FakeWebviewPanel) => panel.posted.map((m) => (m as { type: string }).type);
  return { host, ran, panels, types, log: host.logChannels.get('Spark Workbench')! };
}

describe('results panels over the host seam', () => {
  it('opens one panel per query beside the editor, keeping the keyboard there; the page gets its messages once ready', async () => {
    const { host, panels, types } = setup();
    const summary = await panels.show({ sql: 'SELECT 1', title: 'one' });
    assert.equal(summary.status, 'succeeded');
    const [panel] = host.webviewPanels;
    assert.deepEqual(panel!.options, {
      viewType: RESULTS_VIEW_TYPE,
      assetRoot: '/ext/dist/webview',
      icon: 'table',
      preserveFocus: true,
      title: 'Results: one',
      beside: true,
    });
    assert.match(panel!.html, /Content-Security-Policy/);
    assert.doesNotMatch(panel!.html, /unsafe-eval/);
    assert.deepEqual(types(panel!), [], 'nothing is posted before the page says it is ready');
    panel!.receive({ type: 'ready' });
    await host.settled();
    assert.deepEqual(types(panel!), ['runStarted', 'schema', 'batch', 'runFinished']);
    // The same SQL again shows in the same panel; other SQL gets a panel of its own.
    await panels.show({ sql: 'SELECT 1', title: 'one' });
    assert.equal(panel!.revealed, 1);
    await panels.show({ sql: 'SELECT 2', title: 'two' });
    assert.equal(host.webviewPanels.length, 2);
    panels.dispose();
    assert.ok(host.webviewPanels.every((p) => p.disposed));
  });

  it('brings a panel back after a reload with its query, and runs it on Run again', async () => {
    const { host, ran, types } = setup();
    const panel = host.restorePanel(RESULTS_VIEW_TYPE, { title: 'kept', sql: 'SELECT 42', tab: 'grid' });
    panel.receive({ type: 'ready' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(panel.posted[0], { type: 'restored', title: 'kept', sql: 'SELECT 42' });
    assert.deepEqual(ran, [], 'a restored panel runs nothing by itself');
    panel.receive({ type: 'runAgain' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(ran, ['SELECT 42']);
    assert.equal(types(panel).at(-1), 'runFinished');
  });

  it('copies to the clipboard and saves through the save dialog, saying so in the status bar', async () => {
    const { host, panels } = setup();
    await panels.show({ sql: 'SELECT 1', title: 'one' });
    const [panel] = host.webviewPanels;
    panel!.receive({ type: 'ready' });
    panel!.receive({ type: 'copy', text: '1\t2', what: '2 cells' });
    panel!.receive({ type: 'saveFile', suggestedName: '../chart.svg', content: '<svg/>', filters: { SVG: ['svg'] } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(host.clipboard, '1\t2');
    assert.deepEqual(host.saveDialogs, [{ suggestedName: '.._chart.svg', filters: { SVG: ['svg'] }, saveLabel: 'Export' }]);
    assert.equal(new TextDecoder().decode(host.savedFiles[0]!.content), '<svg/>');
    assert.deepEqual(host.statusBarMessages, ['$(copy) Copied 2 cells', '$(check) Saved /saved/.._chart.svg']);
  });

  it('ignores a malformed message from the page, and logs it', async () => {
    const { host, panels, log } = setup();
    await panels.show({ sql: 'SELECT 1', title: 'one' });
    host.webviewPanels[0]!.receive({ type: 'copy', text: 42 });
    assert.match(log.lines.at(-1)!, /ignored a malformed message from the webview \(type copy\)/);
    assert.equal(host.clipboard, '');
  });
});

describe('exporting a full result', () => {
  it("asks where, with the result's name, and runs nothing when the dialog is cancelled", async () => {
    const host = new FakeHost();
    const ran: string[] = [];
    const log = new OutputLog(host.createLogChannel('Spark Workbench'));
    const exporter = new ResultExporter(host, fakeRunner(ran), log, '/ext/dist');
    host.saveTarget = undefined;
    await exporter.export('SELECT 1', 'my result', 'csv');
    assert.deepEqual(ran, []);
    assert.deepEqual(host.saveDialogs, [{ suggestedName: 'my_result.csv', filters: { CSV: ['csv'] }, saveLabel: 'Export' }]);
  });
});
