import assert from 'node:assert/strict';
import { SparkError } from '../../../src/core/connect/sparkError.js';
import type { SqlParameterValue } from '../../../src/core/sql/sqlParameters.js';
import type { KeyValueStore } from '../../../src/vscode/host/editorHost.js';
import { COMMANDS } from '../../../src/vscode/commandIds.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import type { RunSummary } from '../../../src/vscode/runs/queryRunner.js';
import { ParameterPrompts } from '../../../src/vscode/sql/parameterPrompts.js';
import { PlanDocuments } from '../../../src/vscode/sql/planDocuments.js';
import { SqlCodeLenses } from '../../../src/vscode/sql/sqlCodeLenses.js';
import { SqlDiagnostics } from '../../../src/vscode/sql/sqlDiagnostics.js';
import { SqlRunCommands, type SqlStatementRunner } from '../../../src/vscode/sql/sqlRunCommands.js';
import { FakeHost } from './fakeHost.js';

const URI = 'file:///project/report.sql';

interface Ran {
  readonly how: 'panel' | 'quietly' | 'explain';
  readonly sql: string;
  readonly title?: string;
  readonly args?: Readonly<Record<string, SqlParameterValue>>;
}

const ok: RunSummary = { status: 'succeeded', rows: 1, bytes: 10, elapsedMs: 5 };

/** The SQL commands over a fake host and a runner that answers each statement from `outcomes`. */
function setup(outcomes: Record<string, RunSummary> = {}) {
  const host = new FakeHost();
  const ran: Ran[] = [];
  const runner: SqlStatementRunner = {
    inPanel: async (query) => (
      ran.push({ how: 'panel', sql: query.sql, title: query.title, args: query.args }),
      outcomes[query.sql] ?? ok
    ),
    quietly: async (sql, title, options) => (ran.push({ how: 'quietly', sql, title, args: options.args }), outcomes[sql] ?? ok),
    explain: async (sql) => (ran.push({ how: 'explain', sql }), `== Physical Plan ==\n* Range (1)\n-- ${sql}`),
  };
  const memory = new Map<string, unknown>();
  const store: KeyValueStore = {
    get: <T>(key: string) => memory.get(key) as T | undefined,
    update: async (key, value) => void memory.set(key, value),
  };
  const diagnostics = new SqlDiagnostics(host);
  const log = new OutputLog(host.createLogChannel('Spark Workbench'));
  const commands = new SqlRunCommands(host, runner, diagnostics, new ParameterPrompts(host, store), new PlanDocuments(host), log);
  const shownDiagnostics = () => host.diagnostics.get('Spark SQL')?.get(URI) ?? [];
  return { host, ran, memory, commands, shownDiagnostics };
}

function failure(sql: string, error: SparkError): Record<string, RunSummary> {
  return { [sql]: { status: 'failed', rows: 0, bytes: 0, elapsedMs: 3, error } };
}

const unresolved = (startIndex: number, fragment: string) =>
  new SparkError({
    kind: 'spark',
    errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
    sqlState: '42703',
    message: `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name \`${fragment}\` cannot be resolved. Did you mean one of the following? [\`id\`]. SQLSTATE: 42703; line 1 pos ${startIndex};`,
    queryContexts: [{ startIndex, stopIndex: startIndex + fragment.length - 1, fragment, objectType: '', objectName: '' }],
  });

describe('running SQL from the editor', () => {
  it('New SQL File opens a SQL editor that runs; Ctrl+Enter in plain text offers to make it SQL, and runs once it is', async () => {
    const { host, ran } = setup();
    await host.run('sparkWorkbench.sql.newFile');
    assert.equal(host.editor?.document.languageId, 'sql');
    assert.match(host.editor!.document.text, /^-- Spark SQL\. Ctrl\+Enter/);
    host.editor = { ...host.editor!, cursor: host.editor!.document.text.indexOf('SELECT') };
    await host.run('sparkWorkbench.sql.runStatement');
    assert.match(ran.at(-1)!.sql, /SELECT current_catalog\(\), current_database\(\), version\(\)$/);

    host.openEditor('untitled:Untitled-9', 'SELECT 42 AS answer', 3, undefined, 'plaintext');
    await host.run('sparkWorkbench.sql.runStatement');
    assert.match(host.messages.at(-1)!.text, /plain text\. Make it SQL/);
    assert.equal(ran.length, 1, 'nothing ran while it was plain text');
    host.answerMessage = (message) => (message.actions.includes('Make It SQL') ? 'Make It SQL' : undefined);
    await host.run('sparkWorkbench.sql.runStatement');
    assert.equal(host.documents.get('untitled:Untitled-9')?.languageId, 'sql');
    assert.equal(ran.at(-1)?.sql, 'SELECT 42 AS answer');
  });

  it('Ctrl/Cmd+Enter runs the statement under the cursor in a results panel named after the file and its first line', async () => {
    const { host, ran } = setup();
    const text = '-- totals\nSELECT 1 AS one;\n\nSELECT region,\n  sum(x) FROM t GROUP BY region;';
    host.openEditor(URI, text, text.indexOf('sum'));
    await host.run('sparkWorkbench.sql.runStatement');
    assert.deepEqual(ran, [
      {
        how: 'panel',
        sql: 'SELECT region,\n  sum(x) FROM t GROUP BY region',
        title: 'report.sql: SELECT region,',
        args: undefined,
      },
    ]);
  });

  it('Run Selection runs the statements of the selection, split as Spark splits them', async () => {
    const { host, ran } = setup();
    const text = "SELECT 'a;b' AS x; SELECT 2; SELECT 3";
    host.openEditor(URI, text, 0, { start: 0, end: text.indexOf('; SELECT 3') });
    await host.run('sparkWorkbench.sql.runSelection');
    assert.deepEqual(
      ran.map((r) => [r.how, r.sql]),
      [
        ['panel', "SELECT 'a;b' AS x"],
        ['panel', 'SELECT 2'],
      ],
    );
  });

  it('Run File runs every statement in order: results in panels, commands without one, and stops at the first failure', async () => {
    const text = 'CREATE TEMP VIEW v AS SELECT 1 AS id;\nSELECT * FROM v;\nSELECT nope FROM v;\nSELECT 4;';
    const { host, ran, shownDiagnostics } = setup(failure('SELECT nope FROM v', unresolved(7, 'nope')));
    host.openEditor(URI, text);
    await host.run('sparkWorkbench.sql.runFile');
    assert.deepEqual(
      ran.map((r) => [r.how, r.sql, r.title]),
      [
        ['quietly', 'CREATE TEMP VIEW v AS SELECT 1 AS id', 'report.sql: CREATE TEMP VIEW v AS SELECT 1 AS id (1 of 4)'],
        ['panel', 'SELECT * FROM v', 'report.sql: SELECT * FROM v (2 of 4)'],
        ['panel', 'SELECT nope FROM v', 'report.sql: SELECT nope FROM v (3 of 4)'],
      ],
    );
    await host.settled();
    assert.deepEqual(
      host.messages.map((m) => m.text),
      ['Statement 3 of 4 (line 3) failed; the statements after it did not run. The error is in the Problems panel.'],
    );
    assert.deepEqual(shownDiagnostics(), [
      {
        range: { startLine: 2, startCharacter: 7, endLine: 2, endCharacter: 11 },
        message:
          'A column, variable, or function parameter with name `nope` cannot be resolved. Did you mean one of the following? [`id`]. (SQLSTATE 42703)',
        severity: 'error',
        code: {
          value: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
          target: 'https://spark.apache.org/docs/latest/sql-error-conditions.html#unresolved_column',
        },
        source: 'Spark',
      },
    ]);
  });

  it('a diagnostic moves with edits above it, goes when its statement is edited, and when it runs again without error', async () => {
    const text = 'SELECT 1;\nSELECT nope FROM v;';
    const { host, shownDiagnostics } = setup(failure('SELECT nope FROM v', unresolved(7, 'nope')));
    host.openEditor(URI, text, text.indexOf('nope'));
    await host.run('sparkWorkbench.sql.runStatement');
    assert.equal(shownDiagnostics()[0]?.range.startLine, 1);
    host.editDocument(URI, 0, 0, '-- added\n');
    assert.deepEqual(shownDiagnostics()[0]?.range, { startLine: 2, startCharacter: 7, endLine: 2, endCharacter: 11 });
    const edited = host.document(URI)!.text;
    host.editDocument(URI, edited.indexOf('nope'), edited.indexOf('nope') + 4, 'id');
    assert.deepEqual(shownDiagnostics(), [], 'editing the statement removes its diagnostic');

    const again = setup(failure('SELECT nope FROM v', unresolved(7, 'nope')));
    again.host.openEditor(URI, text, text.indexOf('nope'));
    await again.host.run('sparkWorkbench.sql.runStatement');
    assert.equal(again.shownDiagnostics().length, 1);
    again.host.openEditor(URI, 'SELECT 1;\nSELECT id FROM v;', 12);
    await again.host.run('sparkWorkbench.sql.runStatement');
    assert.deepEqual(again.shownDiagnostics(), [], 'a successful run of the statement clears it');
  });

  it('a connection failure is no diagnostic (the runner shows it as a notification)', async () => {
    const down = new SparkError({
      kind: 'unavailable',
      message: 'Cannot reach the Spark server at 127.0.0.1:1: connection refused.',
    });
    const { host, shownDiagnostics } = setup(failure('SELECT 1', down));
    host.openEditor(URI, 'SELECT 1');
    await host.run('sparkWorkbench.sql.runStatement');
    assert.deepEqual(shownDiagnostics(), []);
  });

  it('asks for each :name parameter once per run, remembers the values per file, and a dismissed prompt runs nothing', async () => {
    const { host, ran, memory } = setup();
    const text = 'SELECT * FROM t WHERE d = :day;\nSELECT :day AS d, :note AS n;';
    host.openEditor(URI, text);
    const answers: Record<string, string> = { 'Value of :day': '2024-02-29', 'Value of :note': "'it''s'" };
    host.answerInputBox = (options) => answers[options.title!];
    await host.run('sparkWorkbench.sql.runFile');
    assert.deepEqual(
      host.inputBoxes.map((b) => b.title),
      ['Value of :day', 'Value of :note'],
    );
    assert.deepEqual(ran[0]!.args, { day: { type: 'date', value: '2024-02-29' } });
    assert.deepEqual(ran[1]!.args, { day: { type: 'date', value: '2024-02-29' }, note: { type: 'string', value: "it's" } });
    assert.deepEqual(memory.get(`sparkWorkbench.sqlParameters:${URI}`), { day: '2024-02-29', note: "'it''s'" });

    host.answerInputBox = () => undefined;
    await host.run('sparkWorkbench.sql.runStatement');
    assert.equal(host.inputBoxes.at(-1)?.value, '2024-02-29', 'the last value is offered again');
    assert.equal(ran.length, 2, 'dismissing the prompt runs nothing');
    assert.match(host.inputBoxes[0]!.validateInput!("DATE '2024-02-30'") ?? '', /not a valid date/);
  });

  it("Explain opens Spark's formatted plan in a read-only document beside the editor", async () => {
    const { host, ran } = setup();
    host.openEditor(URI, 'SELECT 1;\nSELECT id FROM range(3)', 12);
    await host.run('sparkWorkbench.sql.explain');
    assert.deepEqual(ran, [{ how: 'explain', sql: 'SELECT id FROM range(3)' }]);
    const shown = host.shownDocuments[0]!;
    assert.match(shown.uri, /^spark-plan:\/Plan%201%20-%20report\.sql%20SELECT%20id%20FROM%20range/);
    assert.equal(shown.beside, true);
    assert.match(host.readOnlyDocuments.get('spark-plan')!(shown.uri)!, /== Physical Plan ==/);
  });

  it('Restricted Mode runs nothing', async () => {
    const { host, ran } = setup();
    host.trusted = false;
    host.openEditor(URI, 'SELECT 1');
    await host.run('sparkWorkbench.sql.runStatement');
    await host.run('sparkWorkbench.sql.runFile');
    assert.deepEqual(ran, []);
  });
});

describe('SQL CodeLenses', () => {
  it('puts Run and Explain above each statement at its first line of code, and Run All above the first', () => {
    const document = {
      uri: URI,
      fileName: '/project/report.sql',
      languageId: 'sql',
      version: 1,
      text: '-- note\nSELECT 1;\n\nSELECT 2',
    };
    const lenses = new SqlCodeLenses().lenses(document);
    assert.deepEqual(
      lenses.map((l) => [l.range.startLine, l.title, l.command, JSON.stringify(l.args)]),
      [
        [1, '$(play) Run', 'sparkWorkbench.sql.runStatement', JSON.stringify([{ uri: URI, start: 0 }])],
        [1, 'Explain', 'sparkWorkbench.sql.explain', JSON.stringify([{ uri: URI, start: 0 }])],
        [1, 'Run All (2)', 'sparkWorkbench.sql.runFile', JSON.stringify([URI])],
        [3, '$(play) Run', 'sparkWorkbench.sql.runStatement', JSON.stringify([{ uri: URI, start: 19 }])],
        [3, 'Explain', 'sparkWorkbench.sql.explain', JSON.stringify([{ uri: URI, start: 19 }])],
      ],
    );
  });

  it('puts Preview above a pipeline definition, and no Run All in a file of definitions', () => {
    const text = 'CREATE MATERIALIZED VIEW daily AS\nSELECT 1;\nCREATE TEMPORARY VIEW v AS SELECT 2';
    const lenses = new SqlCodeLenses().lenses({ uri: URI, fileName: '/project/daily.sql', languageId: 'sql', version: 1, text });
    assert.deepEqual(
      lenses.map((l) => [l.range.startLine, l.title]),
      [
        [0, '$(play) Preview'],
        [0, 'Explain'],
        [2, '$(play) Run'],
        [2, 'Explain'],
      ],
    );
  });
});

describe('a pipeline definition run from the editor', () => {
  it("runs its query alone (streaming reads as batch reads), in its pipeline's context, with errors at their place in the file", async () => {
    const text =
      "-- daily\nCREATE STREAMING TABLE daily\nCOMMENT 'a AS b'\nAS SELECT amount FROM STREAM(raw_orders) JOIN STREAM  shops;";
    const sql = 'SELECT amount FROM        raw_orders  JOIN         shops';
    const { host, ran, shownDiagnostics } = setup(failure(sql, unresolved(7, 'amount')));
    host.openEditor(URI, text, text.indexOf('daily'));
    await host.run(COMMANDS.sql.runStatement);
    assert.deepEqual(
      ran.map((r) => r.sql),
      [sql],
    );
    const [diagnostic] = shownDiagnostics();
    assert.deepEqual(diagnostic?.range, { startLine: 3, startCharacter: 10, endLine: 3, endCharacter: 16 });
  });
});
