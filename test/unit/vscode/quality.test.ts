import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stripExpectations, expectationChecks } from '../../../src/core/quality/expectationClauses.js';
import type { CheckResult, DatasetQuality } from '../../../src/core/quality/qualityEvaluation.js';
import { parseQualityFile } from '../../../src/core/quality/qualityFile.js';
import { COMMANDS } from '../../../src/vscode/commandIds.js';
import { DeclarationDiagnostics } from '../../../src/vscode/quality/declarationDiagnostics.js';
import { registerFailingRowsCommand } from '../../../src/vscode/quality/failingRowsCommand.js';
import { QualityDiagnostics } from '../../../src/vscode/quality/qualityDiagnostics.js';
import { QualityResults, type QualityNode } from '../../../src/vscode/quality/qualityView.js';
import { FakeHost } from './fakeHost.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const engine = async () => ({
  qualityFileProblems: (text: string, file: string) => parseQualityFile(text, file).problems,
  expectationProblems: (text: string) => stripExpectations(text).problems,
});

/** A failure no test expects: it fails the test that caused it, at the next assertion of the list. */
const unexpectedFailures: unknown[] = [];
const unexpected = (error: unknown) => void unexpectedFailures.push(error);

describe('data quality in the editor', () => {
  afterEach(() => assert.deepEqual(unexpectedFailures.splice(0), []));

  it('shows a quality file mistake as it is typed, at its range, and clears it when fixed', async () => {
    const host = new FakeHost();
    const diagnostics = new DeclarationDiagnostics(host, engine, unexpected);
    const uri = 'file:///w/spark-quality.yml';
    host.openEditor(uri, 'datasets:\n  orders:\n    - not_nul: id\n', 0, undefined, 'yaml');
    await sleep(20);
    const shown = host.diagnostics.get('Spark Data Quality declarations')!.get(uri)!;
    assert.equal(shown.length, 1);
    assert.match(shown[0]!.message, /Did you mean 'not_null'/);
    assert.deepEqual([shown[0]!.range.startLine, shown[0]!.range.startCharacter], [2, 6]);
    host.editDocument(uri, 'datasets:\n  orders:\n    - not_nul'.length, 'datasets:\n  orders:\n    - not_nul'.length, 'l');
    await sleep(300);
    assert.deepEqual(host.diagnostics.get('Spark Data Quality declarations')!.get(uri), []);
    diagnostics.dispose();
  });

  it('puts a failed check on its CONSTRAINT clause, as a warning or an error, and offers Show Failing Rows', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'quality-vscode-'));
    const sql =
      'CREATE MATERIALIZED VIEW t (\n  CONSTRAINT has_id EXPECT (id IS NOT NULL),\n  CONSTRAINT ok EXPECT (x > 0) ON VIOLATION FAIL UPDATE\n) AS SELECT 1 AS id, 1 AS x';
    writeFileSync(join(folder, 'defs.sql'), sql);
    const checks = expectationChecks('defs.sql', stripExpectations(sql).expectations);
    const result = (index: number, status: CheckResult['status']): CheckResult => ({
      check: checks[index]!,
      status,
      checked: 10,
      failing: status === 'passed' ? 0 : 3,
      samples: [],
      message: `m${index}`,
    });
    const quality = (a: CheckResult['status'], b: CheckResult['status']): DatasetQuality[] => [
      { dataset: 't', source: 'SELECT * FROM t', rows: 10, results: [result(0, a), result(1, b)], durationMs: 1 },
    ];
    const host = new FakeHost();
    const diagnostics = new QualityDiagnostics(host);
    const uri = pathToFileURL(join(folder, 'defs.sql')).href;
    diagnostics.show('spec', folder, quality('failed', 'failed'), (n) => n);
    const shown = host.diagnostics.get('Spark Data Quality')!.get(uri)!;
    assert.deepEqual(
      shown.map((d) => [d.severity, d.range.startLine, d.range.startCharacter, d.message]),
      [
        ['warning', 1, 2, 't: m0'],
        ['error', 2, 2, 't: m1'],
      ],
    );
    const actions = host.codeActionSources
      .get('sql')!
      .actions(
        { uri, fileName: join(folder, 'defs.sql'), languageId: 'sql', version: 1, text: sql },
        sql.indexOf('has_id'),
        sql.indexOf('has_id'),
        [],
      );
    assert.deepEqual(
      actions.map((a) => [a.title, a.command?.id]),
      [['Show Failing Rows of has_id', COMMANDS.quality.showFailingRows]],
    );
    assert.equal(diagnostics.failure(actions[0]!.command!.args[0] as number)?.result.check.name, 'has_id');
    // The hover on the clause tells the check and its sample.
    const hover = await host.hoverSources
      .get('sql')!
      .hover(
        { uri, fileName: join(folder, 'defs.sql'), languageId: 'sql', version: 1, text: sql },
        sql.indexOf('has_id'),
        new AbortController().signal,
      );
    assert.equal(hover?.markdown, '**has\\_id**: m0');
    // A run that checked nothing (a dry run, a stopped run) leaves them, and so does one that checked
    // another dataset only (a refresh of selected datasets).
    diagnostics.show('spec', folder, [], (n) => n);
    diagnostics.show('spec', folder, [{ ...quality('passed', 'passed')[0]!, dataset: 'other' }], (n) => n);
    assert.equal(host.diagnostics.get('Spark Data Quality')!.get(uri)!.length, 2);
    // The next checks of the dataset replace them: passing checks clear.
    diagnostics.show('spec', folder, quality('passed', 'passed'), (n) => n);
    assert.deepEqual(host.diagnostics.get('Spark Data Quality')!.get(uri), []);
    diagnostics.dispose();
  });

  it('offers Show Failing Rows on a failed check of the Data Quality view, and queries its rows', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'quality-rows-'));
    const text = 'datasets:\n  orders:\n    - not_null: id\n    - unique: id\n';
    writeFileSync(join(folder, 'spark-quality.yml'), text);
    const { checks } = parseQualityFile(text, 'spark-quality.yml');
    const host = new FakeHost();
    const diagnostics = new QualityDiagnostics(host);
    const view = new QualityResults(diagnostics, { get: () => undefined, update: async () => undefined });
    const shown: { sql: string; title: string }[] = [];
    const command = registerFailingRowsCommand(host, diagnostics, async (query) => shown.push(query));
    const source = join(folder, 'spark-quality.yml');
    view.show(
      source,
      folder,
      [
        {
          dataset: 'orders',
          source: 'SELECT * FROM shop.orders',
          rows: 10,
          durationMs: 1,
          results: [
            { check: checks[0]!, status: 'failed', checked: 10, failing: 2, samples: [], message: 'a' },
            { check: checks[1]!, status: 'passed', checked: 10, failing: 0, samples: [], message: 'b' },
          ],
        },
      ],
      (n) => n,
    );
    const [root] = view.getChildren();
    const [dataset] = view.getChildren(root);
    const [failed, passed] = view.getChildren(dataset);
    assert.equal(view.treeItem(failed!).contextValue, 'failedRowCheck');
    assert.equal(view.treeItem(passed!).contextValue, 'check');
    await host.run(COMMANDS.quality.showFailingRows, failed);
    assert.equal(shown.length, 1);
    assert.equal(shown[0]!.title, 'Failing rows: not_null_id');
    assert.equal(shown[0]!.sql, 'SELECT * FROM (SELECT * FROM shop.orders) AS _sw_input WHERE `id` IS NULL LIMIT 100');
    command.dispose();
  });

  it("lists each source's datasets and checks with pass/fail and the trend of the last runs, kept between sessions", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'quality-view-'));
    const text = 'datasets:\n  orders:\n    - not_null: id\n    - unique: id\n      severity: warn\n';
    writeFileSync(join(folder, 'spark-quality.yml'), text);
    const { checks } = parseQualityFile(text, 'spark-quality.yml');
    const run = (a: CheckResult['status'], b: CheckResult['status']): DatasetQuality[] => [
      {
        dataset: 'orders',
        source: 'SELECT * FROM orders',
        rows: 10,
        durationMs: 1,
        results: [
          { check: checks[0]!, status: a, checked: 10, failing: a === 'passed' ? 0 : 1, samples: [], message: 'a' },
          { check: checks[1]!, status: b, checked: 10, failing: b === 'passed' ? 0 : 4, samples: [], message: 'b' },
        ],
      },
    ];
    const stored = new Map<string, unknown>();
    const store = {
      get: (key: string) => stored.get(key),
      update: async (key: string, value: unknown) => void stored.set(key, JSON.parse(JSON.stringify(value))),
    };
    const host = new FakeHost();
    const first = new QualityResults(new QualityDiagnostics(host), store);
    const source = join(folder, 'spark-quality.yml');
    first.show(source, folder, run('passed', 'failed'), (n) => n);
    first.show(source, folder, run('failed', 'failed'), (n) => n);
    first.show(source, folder, run('passed', 'passed'), (n) => n);
    // A new window reads what the last one kept.
    const view = new QualityResults(new QualityDiagnostics(host), store);
    const [root] = view.getChildren() as QualityNode[];
    assert.match(view.treeItem(root!).description ?? '', /^2 passed · /);
    const [dataset] = view.getChildren(root);
    const [notNull, unique] = view.getChildren(dataset).map((n) => view.treeItem(n));
    assert.deepEqual([notNull!.label, notNull!.description, notNull!.icon], ['not_null_id', '0/10 failing (0%) · ✓✗✓', 'pass']);
    assert.deepEqual([unique!.label, unique!.description], ['unique_id', '0/10 failing (0%) · ✗✗✓']);
    assert.deepEqual(notNull!.command?.args, [source, text.indexOf('not_null')]);
    first.show(source, folder, run('failed', 'passed'), (n) => n);
    assert.deepEqual([...first.failedChecks(source)], [['orders', { failed: 1, error: true }]]);
  });
});
