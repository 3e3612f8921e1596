import type { ConnectionProfile } from '../../../src/core/session/connectionManager.js';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OperationTracker } from '../../../src/core/operations/operationTracker.js';
import { parsePipelineEvent } from '../../../src/core/pipelines/pipelineEvents.js';
import { sqlDefinitions } from '../../../src/core/pipelines/pipelineGraph.js';
import { layoutPipeline } from '../../../src/core/pipelines/pipelineLayout.js';
import type { PipelineRunRequest, PipelineRunSummary } from '../../../src/core/pipelines/pipelineRun.js';
import { checkPipelineSpec } from '../../../src/core/pipelines/pipelineSpec.js';
import { parseQualityFile } from '../../../src/core/quality/qualityFile.js';
import { stripExpectations } from '../../../src/core/quality/expectationClauses.js';
import { COMMANDS } from '../../../src/vscode/commandIds.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import { QualityDiagnostics } from '../../../src/vscode/quality/qualityDiagnostics.js';
import { QualityResults } from '../../../src/vscode/quality/qualityView.js';
import { DefinitionDiagnostics } from '../../../src/vscode/pipelines/definitionDiagnostics.js';
import { PipelineCodeLenses } from '../../../src/vscode/pipelines/pipelineCodeLenses.js';
import { PipelineCommands } from '../../../src/vscode/pipelines/pipelineCommands.js';
import type { PipelineEngine } from '../../../src/vscode/pipelines/pipelineEngine.js';
import { PipelineGraphPanels } from '../../../src/vscode/pipelines/pipelineGraphPanels.js';
import { PipelineProjects } from '../../../src/vscode/pipelines/pipelineProjects.js';
import { PipelineRunner } from '../../../src/vscode/pipelines/pipelineRunner.js';
import { PipelinesView, type PipelineNode } from '../../../src/vscode/pipelines/pipelinesView.js';
import { createRetailExample } from '../../../src/vscode/pipelines/retailExample.js';
import { SpecDiagnostics } from '../../../src/vscode/pipelines/specDiagnostics.js';
import type { SparkConnectClient } from '../../../src/core/connect/sparkConnectClient.js';
import { FakeHost } from './fakeHost.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Reads the tables a query reads the crude way: enough for these tests' one-table queries. */
const tablesRead = async (query: string) => [...query.matchAll(/\bFROM\s+([\w.]+)/gi)].map((m) => m[1]!);

/** A project on disk: a spec and two SQL definitions (daily reads clean). */
function project(spec?: string) {
  const folder = mkdtempSync(join(tmpdir(), 'pipeline-vscode-'));
  mkdirSync(join(folder, 'transformations'));
  writeFileSync(
    join(folder, 'transformations', 'clean.sql'),
    'CREATE MATERIALIZED VIEW clean AS SELECT * FROM shop.raw_orders;\n',
  );
  writeFileSync(
    join(folder, 'transformations', 'daily.sql'),
    '-- per day\nCREATE MATERIALIZED VIEW daily AS\nSELECT count(*) AS n FROM clean;\n',
  );
  const specPath = join(folder, 'spark-pipeline.yml');
  writeFileSync(
    specPath,
    spec ??
      `name: shop\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: shop\nlibraries:\n  - glob:\n      include: transformations/**\n`,
  );
  return { folder, specPath };
}

/** The VS Code layer over a fake host, with the real spec checker and layout and a scripted `run`. */
function setup(run: (request: PipelineRunRequest) => Promise<PipelineRunSummary>, profile?: ConnectionProfile) {
  const host = new FakeHost();
  const runs: PipelineRunRequest[] = [];
  let specChecks = 0;
  const engine: PipelineEngine = {
    checkSpec: (...args) => (specChecks++, checkPipelineSpec(...args)),
    sqlDefinitions,
    layout: layoutPipeline,
    run: async (_context, request) => (runs.push(request), run(request)),
    qualityFileProblems: (text, file) => parseQualityFile(text, file).problems,
    expectationProblems: (text) => stripExpectations(text).problems,
    parseQualityFile,
    runQualityChecks: () => Promise.reject(new Error('no Spark here')),
  };
  const load = async () => engine;
  const log = new OutputLog(host.createLogChannel('Spark Workbench'));
  const projects = new PipelineProjects(host, load, () => profile?.environment);
  const specDiagnostics = new SpecDiagnostics(host, projects, (error) => {
    throw new Error(`the spec check failed: ${String(error)}`);
  });
  const failures: unknown[] = [];
  const stored = new Map<string, unknown>();
  const quality = new QualityResults(new QualityDiagnostics(host), {
    get: (key) => stored.get(key),
    update: async (key, value) => void stored.set(key, value),
  });
  const runner = new PipelineRunner(host, {
    connections: {
      client: async () => ({}) as SparkConnectClient,
      profile,
      reportFailure: (e) => void failures.push(e),
    },
    operations: new OperationTracker(),
    engine: load,
    projects,
    specDiagnostics,
    definitionDiagnostics: new DefinitionDiagnostics(host),
    qualityResults: quality,
    tablesRead,
    pythonHelper: () => Promise.reject(new Error('no Python here')),
    log,
    onTablesChanged: () => undefined,
    publishTargets: async () => [],
  });
  const previews: string[] = [];
  const graphs = new PipelineGraphPanels(host, {
    runner,
    projects,
    engine: load,
    tablesRead,
    assetRoot: '/ext/dist/webview',
    quality,
    actions: {
      openDefinition: (ref) => Promise.resolve(host.executeCommand(COMMANDS.pipelines.openDefinition, ref)).then(() => undefined),
      preview: (ref) => Promise.resolve(host.executeCommand(COMMANDS.pipelines.previewDataset, ref)).then(() => undefined),
    },
    log,
  });
  const view = new PipelinesView(projects, runner, load, tablesRead);
  new PipelineCommands(host, {
    projects,
    runner,
    graphs,
    results: { show: async (query) => void previews.push(query.sql) },
    engine: load,
    tablesRead,
    refreshView: () => view.refresh(),
    createExample: async () => undefined,
  });
  return { host, runs, runner, view, previews, failures, specDiagnostics, projects, specChecks: () => specChecks };
}

function summary(
  request: PipelineRunRequest,
  outcome: PipelineRunSummary['outcome'],
  extra: Partial<PipelineRunSummary> = {},
): PipelineRunSummary {
  const graph = {
    datasets: [
      { name: 'clean', kind: 'materializedView' as const, location: { file: 'transformations/clean.sql', line: 1 } },
      { name: 'daily', kind: 'materializedView' as const, location: { file: 'transformations/daily.sql', line: 2 } },
    ],
    flows: [],
  };
  return {
    outcome,
    dry: request.dry ?? false,
    datasets: [{ name: 'clean', kind: 'materializedView', state: outcome === 'completed' ? 'completed' : 'failed', rows: 42 }],
    errors: [],
    durationMs: 1200,
    graph,
    quality: [],
    ...extra,
  };
}

describe('pipelines in the editor', () => {
  it("runs in the connection's environment; a production one asks first, and a no runs nothing", async () => {
    const { specPath } = project();
    const { readWorkbenchFile } = await import('../../../src/core/databases/databaseSources.js');
    const [prod] = readWorkbenchFile(
      'environments:\n  prod:\n    production: true\n    schema: shop_prod\n    storage: file:///data/shop/prod\n    variables:\n      shop.min: 5\n',
    ).environments;
    const { host, runs, runner } = setup(async (request) => summary(request, 'completed'), {
      kind: 'remote',
      name: 'prod',
      url: 'sc://spark.example.com',
      environment: prod,
    });
    assert.equal(await runner.start(specPath, 'fullRefreshAll'), undefined, 'declined: no run');
    assert.deepEqual(host.confirmations, [
      {
        message: 'Run pipeline shop on prod, a production environment?',
        detail: 'A full refresh resets its tables and recomputes them in shop_prod.',
        action: 'Full Refresh in Production',
      },
    ]);
    assert.equal(runs.length, 0);
    host.answerConfirm = () => true;
    const record = await runner.start(specPath, 'run');
    assert.equal(record?.outcome, 'completed');
    assert.equal(host.confirmations.at(-1)!.action, 'Run in Production');
    assert.deepEqual(
      [runs[0]!.spec.database, runs[0]!.spec.storage, runs[0]!.spec.configuration['shop.min']],
      ['shop_prod', 'file:///data/shop/prod', '5'],
    );
    await runner.start(specPath, 'dry');
    assert.equal(host.confirmations.length, 2, 'a dry run writes nothing and asks nothing');
  });

  it('checks a spec as it is typed: a misspelled field at its range, with the rename as a quick fix', async () => {
    const { folder, specPath } = project();
    const { host, specDiagnostics, specChecks: loadsOf } = setup(async (r) => summary(r, 'completed'));
    const text = readFileSync(specPath, 'utf8').replace('libraries:', 'libraris:');
    const uri = pathToFileURL(specPath).href;
    const document = host.openEditor(uri, text, 0, undefined, 'yaml');
    await sleep(50);
    const shown = () => host.diagnostics.get('Spark Pipelines spec')?.get(uri) ?? [];
    const [problem] = shown();
    assert.match(problem!.message, /Spark does not know the field 'libraris'\. Did you mean 'libraries'\?/);
    assert.equal(problem!.code?.value, 'PIPELINE_SPEC_UNEXPECTED_FIELD');
    const line = text.split('\n').findIndex((l) => l.startsWith('libraris'));
    assert.deepEqual(problem!.range, { startLine: line, startCharacter: 0, endLine: line, endCharacter: 8 });
    const start = text.indexOf('libraris');
    const [fix] = specDiagnostics.actions(document, start, start);
    assert.deepEqual(fix, {
      title: "Rename to 'libraries'",
      edits: [{ start, end: start + 8, text: 'libraries' }],
      preferred: true,
    });
    // Typing the fix clears it once the edits pause.
    host.editDocument(uri, start, start + 8, 'libraries');
    await sleep(400);
    assert.deepEqual(shown(), []);
    // A library whose folder is deleted on disk: the open spec is checked again.
    host.editDocument(uri, 0, 0, '');
    writeFileSync(join(folder, 'transformations', 'extra.txt'), 'not a definition');
    host.fileChanged(join(folder, 'transformations', 'extra.txt'));
    await sleep(400);
    assert.match(shown()[0]!.message, /'transformations\/extra\.txt' is neither a \.py nor a \.sql file/);
    // What a run writes under the spec's storage is not looked at: the spec is not read again for it.
    const loads = loadsOf();
    host.fileChanged(join(folder, 'storage', '_checkpoints', 'x', 'offsets', '0'));
    await sleep(400);
    assert.equal(loadsOf(), loads);
  });

  it('runs a pipeline from its lens: progress, the run record, rows, and a notice with Show Graph', async () => {
    const { specPath } = project();
    const { host, runs, runner } = setup(async (request) => {
      request.onGraph?.(summary(request, 'completed').graph);
      request.onEvent?.(parsePipelineEvent('Flow spark_catalog.shop.clean is RUNNING.', new Date()));
      request.onEvent?.(parsePipelineEvent('Flow spark_catalog.shop.clean has COMPLETED.', new Date()));
      return summary(request, 'completed');
    });
    const lenses = new PipelineCodeLenses(runner);
    const specDocument = { uri: pathToFileURL(specPath).href, fileName: specPath, languageId: 'yaml', version: 1, text: '' };
    assert.deepEqual(
      lenses.lenses(specDocument).map((l) => l.title),
      ['$(play) Run', 'Dry Run', 'Full Refresh…', 'Refresh Selected…', '$(type-hierarchy) Graph'],
    );
    await host.run(COMMANDS.pipelines.run, specPath);
    await host.settled();
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0]!.files, ['transformations/clean.sql', 'transformations/daily.sql']);
    assert.equal(runs[0]!.spec.database, 'shop');
    assert.equal(host.progress[0]!.options.title, 'Spark: Running pipeline shop');
    assert.ok(host.progress[0]!.reports.includes('0 of 2 datasets done; running clean'), host.progress[0]!.reports.join(' | '));
    assert.equal(runner.lastRun(specPath)?.outcome, 'completed');
    const notice = host.messagesOf('information').at(-1)!;
    assert.match(notice.text, /^Pipeline shop completed: 1 datasets, 42 rows, \d+\.\d s\.$/);
    assert.deepEqual(notice.actions, ['Show Graph']);
  });

  it("puts a failed definition's error in Problems at its line; the next good run or an edit of the file clears it", async () => {
    const { folder, specPath } = project();
    let fail = true;
    const start = readFileSync(join(folder, 'transformations', 'daily.sql'), 'utf8').indexOf('clean;');
    const { host } = setup(async (request) =>
      fail
        ? summary(request, 'failed', {
            message: 'Failed to resolve flow',
            errors: [
              {
                file: 'transformations/daily.sql',
                line: 3,
                column: 27,
                start,
                end: start + 5,
                message: 'The table `clean` cannot be found.',
                code: 'TABLE_OR_VIEW_NOT_FOUND',
              },
            ],
          })
        : summary(request, 'completed'),
    );
    await host.run(COMMANDS.pipelines.dryRun, specPath);
    await host.settled();
    const daily = pathToFileURL(join(folder, 'transformations', 'daily.sql')).href;
    const [diagnostic] = host.diagnostics.get('Spark Pipelines')?.get(daily) ?? [];
    assert.equal(diagnostic?.message, 'The table `clean` cannot be found.');
    assert.deepEqual(diagnostic?.range, { startLine: 2, startCharacter: 26, endLine: 2, endCharacter: 31 });
    assert.equal(
      diagnostic?.code?.target,
      'https://spark.apache.org/docs/latest/sql-error-conditions.html#table_or_view_not_found',
    );
    const notice = host.messagesOf('error').at(-1)!;
    assert.equal(notice.text, 'Pipeline shop failed: Failed to resolve flow');
    assert.deepEqual(notice.actions, ['Show Problems', 'Show Graph']);
    fail = false;
    await host.run(COMMANDS.pipelines.dryRun, specPath);
    await host.settled();
    assert.deepEqual(host.diagnostics.get('Spark Pipelines')?.get(daily), []);
    // An edit of the file takes its error away before any run: the error spoke of the old text.
    fail = true;
    await host.run(COMMANDS.pipelines.dryRun, specPath);
    await host.settled();
    assert.equal(host.diagnostics.get('Spark Pipelines')?.get(daily)?.length, 1);
    host.openEditor(daily, readFileSync(join(folder, 'transformations', 'daily.sql'), 'utf8'), 0, undefined, 'sql');
    host.editDocument(daily, start, start + 5, 'cleaned');
    assert.deepEqual(host.diagnostics.get('Spark Pipelines')?.get(daily), []);
  });

  it('refuses to run a spec with errors, pointing at Problems, and runs nothing in Restricted Mode', async () => {
    const { specPath } = project('name: shop\nstorage: relative/storage\n');
    const { host, runs } = setup(async (r) => summary(r, 'completed'));
    await host.run(COMMANDS.pipelines.run, specPath);
    await host.settled();
    assert.equal(runs.length, 0);
    assert.match(host.messagesOf('error')[0]!.text, /has problems; fix them to run it/);
    assert.match(
      (host.diagnostics.get('Spark Pipelines spec')?.get(pathToFileURL(specPath).href) ?? [])[0]!.message,
      /'storage' must be an absolute URI/,
    );
    const good = project();
    host.trusted = false;
    await host.run(COMMANDS.pipelines.run, good.specPath);
    assert.equal(runs.length, 0);
    assert.equal(host.messagesOf('warning')[0]!.text, 'Spark Workbench runs nothing in Restricted Mode.');
  });

  it('stops a run: the run is aborted and the record says cancelled', async () => {
    const { specPath } = project();
    const { host, runner } = setup(
      (request) =>
        new Promise((resolve) =>
          request.signal!.addEventListener('abort', () =>
            resolve(summary(request, 'cancelled', { message: 'The run was stopped.' })),
          ),
        ),
    );
    const running = host.run(COMMANDS.pipelines.run, specPath);
    await sleep(20);
    assert.ok(runner.isRunning(specPath));
    const lenses = new PipelineCodeLenses(runner).lenses({
      uri: 'x',
      fileName: specPath,
      languageId: 'yaml',
      version: 1,
      text: '',
    });
    assert.equal(lenses[0]!.title, '$(debug-stop) Stop');
    await host.run(COMMANDS.pipelines.stop, specPath);
    await running;
    await host.settled();
    assert.equal(runner.lastRun(specPath)?.outcome, 'cancelled');
    assert.equal(host.messagesOf('information').at(-1)?.text, 'Pipeline shop was stopped.');
  });

  it('Full Refresh with every dataset ticked refreshes all; with some, those only', async () => {
    const { specPath } = project();
    const { host, runs } = setup(async (r) => summary(r, 'completed'));
    host.answerQuickPickMany = (items) => items.map((i) => i.label);
    await host.run(COMMANDS.pipelines.fullRefresh, specPath);
    host.answerQuickPickMany = () => ['daily'];
    await host.run(COMMANDS.pipelines.fullRefresh, specPath);
    await host.run(COMMANDS.pipelines.refreshSelected, specPath);
    await host.settled();
    assert.deepEqual(
      runs.map((r) => [r.fullRefreshAll, r.fullRefresh, r.refresh]),
      [
        [true, undefined, undefined],
        [false, ['daily'], undefined],
        [false, undefined, ['daily']],
      ],
    );
  });

  it("finds the project of a file its libraries list, and of one beside its spec (its quality file: Check Data Quality names tables in the pipeline's schema)", async () => {
    const { folder, specPath } = project();
    const { host, projects } = setup(async (r) => summary(r, 'completed'));
    host.workspaceFiles.push(specPath);
    assert.equal((await projects.projectBeside(join(folder, 'transformations', 'clean.sql')))?.specPath, specPath);
    assert.equal((await projects.projectBeside(join(folder, 'spark-quality.yml')))?.check.spec?.database, 'shop');
    assert.equal(await projects.projectBeside(join(tmpdir(), 'elsewhere', 'spark-quality.yml')), undefined);
  });

  it('lists datasets from the SQL files before any run, and opens and previews them', async () => {
    const { folder, specPath } = project();
    const { host, view, previews } = setup(async (r) => summary(r, 'completed'));
    host.workspaceFiles.push(specPath);
    const [projectNode] = await view.getChildren();
    assert.equal(view.treeItem(projectNode!).label, 'shop');
    const datasets = await view.getChildren(projectNode);
    assert.deepEqual(
      datasets.map((d) => view.treeItem(d).label),
      ['clean', 'daily'],
    );
    const daily = datasets[1] as Extract<PipelineNode, { kind: 'dataset' }>;
    const item = view.treeItem(daily);
    assert.equal(item.description, 'materialized view');
    assert.equal(item.contextValue, 'pipelineDataset.table');
    await host.run(item.command!.id, ...item.command!.args);
    assert.deepEqual(host.shownFiles, [{ path: join(folder, 'transformations', 'daily.sql'), line: 2, column: 1 }]);
    await host.run(COMMANDS.pipelines.previewDataset, daily.ref);
    assert.deepEqual(previews, ['SELECT * FROM `shop`.`daily` LIMIT 100']);
  });

  it('draws the graph in a webview with a strict CSP, redraws it as the run goes, and ignores malformed messages', async () => {
    const { folder, specPath } = project();
    const { host } = setup(async (request) => {
      request.onGraph?.({
        datasets: [
          { name: 'clean', kind: 'materializedView', location: { file: 'transformations/clean.sql', line: 1 } },
          { name: 'daily', kind: 'materializedView', location: { file: 'transformations/daily.sql', line: 2 } },
        ],
        flows: [{ name: 'daily', target: 'daily', reads: ['clean'], location: { file: 'transformations/daily.sql', line: 2 } }],
      });
      request.onEvent?.(parsePipelineEvent('Flow spark_catalog.shop.daily is RUNNING.', new Date()));
      await sleep(300);
      return summary(request, 'completed');
    });
    await host.run(COMMANDS.pipelines.showGraph, specPath);
    const panel = host.webviewPanels[0]!;
    assert.equal(panel.options.viewType, 'sparkWorkbench.pipelineGraph');
    assert.match(panel.html, /script-src 'nonce-[^']+'/);
    assert.doesNotMatch(panel.html, /unsafe-eval|unsafe-inline/);
    panel.receive({ type: 'ready' });
    await sleep(50);
    const first = panel.posted.at(-1) as { layouts: Record<'wide' | 'tall', { nodes: { id: string }[] }>; status: string };
    assert.deepEqual(first.layouts.wide.nodes.map((n) => n.id).sort(), ['clean', 'daily', 'shop.raw_orders']);
    assert.deepEqual(first.layouts.tall.nodes.map((n) => n.id).sort(), ['clean', 'daily', 'shop.raw_orders']);
    assert.equal(first.status, 'Not run yet in this window');
    const run = host.run(COMMANDS.pipelines.run, specPath);
    await sleep(200);
    const during = panel.posted.at(-1) as { states: Record<string, { state: string }>; running: boolean };
    assert.equal(during.running, true);
    assert.equal(during.states.daily?.state, 'running');
    await run;
    await sleep(200);
    const after = panel.posted.at(-1) as {
      states: Record<string, { state: string; rows?: number }>;
      running: boolean;
      status: string;
    };
    assert.equal(after.running, false);
    assert.deepEqual(after.states.clean, { state: 'completed', rows: 42, durationMs: undefined });
    assert.match(after.status, /^Run completed in \d+\.\d s$/);
    const before = panel.posted.length;
    panel.receive({ type: 'openDefinition', node: 42 });
    panel.receive({ type: 'open', node: 'clean' });
    panel.receive({ type: 'openDefinition', node: 'clean' });
    await host.settled();
    await sleep(20);
    assert.deepEqual(host.shownFiles, [{ path: join(folder, 'transformations', 'clean.sql'), line: 1, column: 1 }]);
    assert.equal(panel.posted.length, before);
  });

  it('creates the retail example in the workspace with its own storage, raw files, quality checks and notebook', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));
    const host = new FakeHost();
    host.folders = [workspace];
    const written: string[] = [];
    const specPath = await createRetailExample(
      host,
      join(process.cwd(), 'examples', 'retail'),
      async () => (raw) => (written.push(raw), [join(raw, 'csv', 'a.csv')]),
    );
    assert.equal(specPath, join(workspace, 'retail-pipeline', 'spark-pipeline.yml'));
    const spec = readFileSync(specPath!, 'utf8');
    assert.match(spec, new RegExp(`^storage: ${pathToFileURL(join(workspace, 'retail-pipeline', 'storage')).href}$`, 'm'));
    assert.match(
      spec,
      new RegExp(`retail\\.raw: ${pathToFileURL(join(workspace, 'retail-pipeline', 'data', 'raw')).href}$`, 'm'),
    );
    assert.deepEqual(written, [join(workspace, 'retail-pipeline', 'data', 'raw')]);
    assert.ok(existsSync(join(workspace, 'retail-pipeline', 'transformations', 'raw_transactions_csv.py')));
    assert.deepEqual(checkPipelineSpec(spec, specPath!).problems, []);
    // Only what runs with nothing but Spark: the repository's example also reads PostgreSQL and an API.
    assert.doesNotMatch(spec, /sources|retail\.api|PostgreSQL/);
    assert.match(
      spec,
      /^libraries:\n {2}- glob:\n {6}include: transformations\/\*\*\n {2}- glob:\n {6}include: analytics\/\*\*\n$/m,
    );
    // The churn model's versions live in the example's own storage, as its notebook says too.
    const models = `${pathToFileURL(join(workspace, 'retail-pipeline', 'storage')).href}/models/churn`;
    assert.match(spec, new RegExp(`retail\\.models: ${models}$`, 'm'));
    assert.ok(existsSync(join(workspace, 'retail-pipeline', 'analytics', 'customer_churn_scores.py')));
    const modelNotebook = readFileSync(join(workspace, 'retail-pipeline', 'churn_model.ipynb'), 'utf8');
    assert.ok(modelNotebook.includes(`models = \\"${models}\\"`), 'the model notebook saves where the pipeline loads');
    assert.ok(!existsSync(join(workspace, 'retail-pipeline', 'sources')));
    assert.ok(existsSync(join(workspace, 'retail-pipeline', 'spark-quality.yml')));
    // The notebook comes with it, its first cell naming the folder made, not the repository.
    const notebook = JSON.parse(readFileSync(join(workspace, 'retail-pipeline', 'exploration.ipynb'), 'utf8')) as {
      cells: { cell_type: string; source: string[] }[];
    };
    const intro = notebook.cells[0]!.source.join('');
    assert.match(intro, /^# Retail: exploring the curated zone\n\n.*`retail-pipeline\/spark-pipeline\.yml`/);
    assert.match(intro, /\n\nSQL cells and Python cells share one Spark session/);
    assert.doesNotMatch(intro, /npm run example|examples\/retail/);
    assert.equal(notebook.cells.length, JSON.parse(readFileSync('examples/retail/exploration.ipynb', 'utf8')).cells.length);
    const second = await createRetailExample(host, join(process.cwd(), 'examples', 'retail'), async () => () => []);
    assert.equal(second, join(workspace, 'retail-pipeline-2', 'spark-pipeline.yml'));
  });
});
