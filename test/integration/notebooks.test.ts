import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { ARROW_OUTPUT_MIME, arrowCellTable, parseArrowCellData } from '../../src/core/notebooks/arrowCellOutput.js';
import { NotebookKernel, type CellOutput, type CellRunResult } from '../../src/core/notebooks/notebookKernel.js';
import { helperConnectionString } from '../../src/core/python/helperConnection.js';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';
import { sqlErrorDiagnostic } from '../../src/core/sql/sqlErrorDiagnostic.js';
import { projectRoot, runtimeDir, testServer, waitForSparkIdle } from '../support/sparkTestServer.js';

const CROSS_JOIN = 'SELECT sum(hash(a.id, b.id)) AS h FROM range(40000000) a CROSS JOIN range(1000) b';

interface Ran {
  readonly result: CellRunResult;
  readonly outputs: CellOutput[];
  readonly progress: string[];
}

describe('notebook cells on real Spark', function () {
  this.timeout(240_000);
  let client: SparkConnectClient;
  let helper: PythonHelper;
  let kernel: NotebookKernel;
  const log: string[] = [];

  before(async () => {
    client = new SparkConnectClient(testServer().url);
    const runtime = await new SparkRuntimeInstaller(runtimeDir(), (line) => log.push(line)).ensureHelperPackages();
    helper = new PythonHelper({
      python: runtime.pythonExecutable,
      script: join(projectRoot(), 'python', 'spark_workbench_helper.py'),
      log: (line) => log.push(line),
    });
    kernel = new NotebookKernel('test-notebook', {
      client: () => Promise.resolve(client),
      python: (c) => Promise.resolve({ helper, remote: helperConnectionString(c.connection, c.sessionId, c.userId) }),
      storedRows: () => 1000,
    });
  });
  after(async () => {
    helper?.dispose();
    await client?.close();
  });

  async function run(languageId: string, text: string, whileRunning?: (outputs: CellOutput[]) => void): Promise<Ran> {
    const outputs: CellOutput[] = [];
    const progress: string[] = [];
    const result = await kernel.run(languageId, text, {
      output: (output) => {
        outputs.push(output);
        whileRunning?.(outputs);
      },
      progress: (text) => progress.push(text),
    });
    return { result, outputs, progress };
  }

  const arrowOf = (output: CellOutput | undefined) => {
    assert.equal(output?.kind, 'rich', JSON.stringify(output));
    const data = parseArrowCellData(output.kind === 'rich' ? output.items[ARROW_OUTPUT_MIME] : undefined);
    assert.ok(data, 'an Arrow output');
    return data;
  };

  it('a SQL cell runs several statements and shows the rows of the one that returns them, with text fallbacks', async () => {
    const ran = await run(
      'sql',
      'CREATE OR REPLACE TEMP VIEW nb_numbers AS SELECT id, id * 2 AS twice FROM range(5);\nSELECT * FROM nb_numbers ORDER BY id',
    );
    assert.equal(ran.result.status, 'ok');
    assert.equal(ran.outputs.length, 1);
    const data = arrowOf(ran.outputs[0]);
    assert.equal(data.rows, 5);
    assert.equal(data.complete, true);
    const table = arrowCellTable(data);
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      ['id', 'twice'],
    );
    assert.equal(Number(table.getChild('twice')?.get(4)), 8);
    const items = ran.outputs[0]!.kind === 'rich' ? ran.outputs[0]!.items : {};
    assert.match(String(items['text/plain']), /id +\| twice/);
    assert.match(String(items['text/html']), /<th title="bigint">twice<\/th>/);
  });

  it('temp views are shared both ways between SQL and Python cells (one Spark session)', async () => {
    const fromPython = await run(
      'python',
      'spark.range(3).selectExpr("id * 10 AS tens").createOrReplaceTempView("nb_from_python")',
    );
    assert.equal(fromPython.result.status, 'ok', JSON.stringify(fromPython.outputs));
    const readInSql = await run('sql', 'SELECT sum(tens) AS total FROM nb_from_python');
    assert.equal(Number(arrowCellTable(arrowOf(readInSql.outputs[0])).getChild('total')?.get(0)), 30);

    await run('sql', "CREATE OR REPLACE TEMP VIEW nb_from_sql AS SELECT 'x' AS letter UNION ALL SELECT 'y'");
    const readInPython = await run('python', 'print(spark.table("nb_from_sql").count())');
    assert.deepEqual(readInPython.outputs, [
      { kind: 'stream', name: 'stdout', text: '2' },
      { kind: 'stream', name: 'stdout', text: '\n' },
    ]);
  });

  it("a Python cell's display(df) and a SQL cell give the same Arrow output for the same query", async () => {
    const query =
      "SELECT id, cast(id AS DECIMAL(10,2)) / 3 AS third, date_add(DATE'2024-01-01', cast(id AS INT)) AS day FROM range(7)";
    const sql = await run('sql', query);
    const python = await run('python', `df = spark.sql("""${query}""")\ndisplay(df)\ndf`);
    assert.equal(python.result.status, 'ok', JSON.stringify(python.outputs));
    assert.equal(python.outputs.length, 2, 'display(df) and the last expression');
    const fromSql = arrowOf(sql.outputs[0]);
    for (const output of python.outputs) {
      const fromPython = arrowOf(output);
      assert.equal(fromPython.ipc, fromSql.ipc, 'the same Arrow bytes');
      assert.equal(fromPython.rows, 7);
    }
  });

  it('Python cells: variables persist, stdout streams as it comes, errors carry a traceback with the cell line, rich outputs (HTML, a matplotlib figure) keep their MIME types, magics work', async () => {
    const outputs: CellOutput[] = [];
    const seenWhileRunning: number[] = [];
    const first = await run(
      'python',
      'import time\nprint("before", flush=True)\ntime.sleep(1.5)\nprint("after")\nanswer = 42',
      (o) => {
        outputs.push(...o.slice(outputs.length));
        seenWhileRunning.push(Date.now());
      },
    );
    assert.equal(first.result.status, 'ok');
    assert.ok(
      seenWhileRunning.length >= 2 && seenWhileRunning.at(-1)! - seenWhileRunning[0]! >= 1_000,
      'output arrived while the cell ran',
    );
    const html = await run('python', 'from IPython.display import HTML\nHTML("<b>bold</b>")');
    assert.equal(html.outputs[0]?.kind === 'rich' && html.outputs[0].items['text/html'], '<b>bold</b>');
    const figure = await run('python', 'import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title("trend")\nplt.show()');
    const image = figure.outputs.find((o) => o.kind === 'rich' && typeof o.items['image/png'] === 'string');
    assert.ok(
      image && image.kind === 'rich',
      `a matplotlib figure as image/png: ${JSON.stringify(figure.outputs).slice(0, 300)}`,
    );
    assert.ok(
      Buffer.from(image.items['image/png'] as string, 'base64')
        .subarray(1, 4)
        .toString() === 'PNG',
    );
    const magic = await run('python', '%time total = sum(range(1000))\nprint(total)');
    assert.match(magic.outputs.map((o) => (o.kind === 'stream' ? o.text : '')).join(''), /Wall time[\s\S]*499500/);
    const failed = await run('python', 'x = answer + 1\nraise ValueError(f"bad {x}")');
    assert.equal(failed.result.status, 'error');
    const error = failed.outputs.find((o) => o.kind === 'error');
    assert.ok(error && error.kind === 'error');
    assert.equal(error.ename, 'ValueError');
    assert.equal(error.evalue, 'bad 43');
    // eslint-disable-next-line no-control-regex
    assert.match(error.traceback.join('\n').replace(/\x1b\[[\d;]*m/g, ''), /line 2/);
  });

  it('SQL errors are located in the cell, after a %%sql line too; :name parameters are bound from Python variables', async () => {
    const failed = await run('python', '%%sql\nSELECT 1 AS one;\nSELECT no_such_column FROM range(2)');
    assert.equal(failed.result.status, 'error');
    const failure = failed.result.sqlFailure;
    assert.ok(failure);
    assert.equal(failure.error.errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
    assert.equal(failure.statement.line, 3);
    const located = sqlErrorDiagnostic(failure.script, failure.statement, failure.error);
    assert.equal(located.start, failure.script.indexOf('no_such_column'), 'the error is at the misspelt column');
    await run('python', 'low = 3\nlabel = "it\'s"');
    const bound = await run('sql', 'SELECT count(*) AS n, :label AS label FROM range(10) WHERE id >= :low');
    assert.equal(bound.result.status, 'ok', JSON.stringify(bound.outputs));
    const table = arrowCellTable(arrowOf(bound.outputs[0]));
    assert.equal(Number(table.getChild('n')?.get(0)), 7);
    assert.equal(table.getChild('label')?.get(0), "it's");
    const missing = await run('sql', 'SELECT :nowhere');
    assert.equal(missing.result.status, 'error');
    assert.match(JSON.stringify(missing.outputs), /set a Python variable named nowhere/);
  });

  it('a Python NaN or infinity bound as :name reaches Spark as that double (JSON cannot hold them)', async () => {
    await run('python', 'not_a_number = float("nan")\nhuge = float("inf")\ntiny = -float("inf")');
    const bound = await run('sql', 'SELECT isnan(:not_a_number) AS nan, :huge AS huge, :tiny AS tiny');
    assert.equal(bound.result.status, 'ok', JSON.stringify(bound.outputs));
    const table = arrowCellTable(arrowOf(bound.outputs[0]));
    assert.equal(table.getChild('nan')?.get(0), true);
    assert.equal(table.getChild('huge')?.get(0), Infinity);
    assert.equal(table.getChild('tiny')?.get(0), -Infinity);
  });

  it('a large result stores its first rows only and says so', async () => {
    const ran = await run('sql', 'SELECT id FROM range(100000)');
    const data = arrowOf(ran.outputs[0]);
    assert.equal(data.rows, 1000);
    assert.equal(data.complete, false);
    assert.ok(data.ipc.length < 20_000, `stored ${data.ipc.length} base64 characters`);
    const items = ran.outputs[0]!.kind === 'rich' ? ran.outputs[0]!.items : {};
    assert.match(String(items['text/plain']), /first 1,000 rows stored \(the result has more\)/);
  });

  for (const language of ['sql', 'python'] as const) {
    it(`interrupting a long ${language} cell stops its Spark job within 2 s (JVM measured), and the next cell runs; progress was live`, async () => {
      const code = language === 'sql' ? CROSS_JOIN : `spark.sql("${CROSS_JOIN}").collect()`;
      const running = run(language, code);
      // Interrupt once Spark is busy with the job.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const interruptedAt = Date.now();
      kernel.interrupt();
      const ran = await running;
      assert.equal(ran.result.status, 'interrupted', JSON.stringify(ran.outputs));
      assert.ok(
        ran.progress.some((p) => /stages \d+\/\d+ · tasks \d+\/\d+/.test(p)),
        `Spark's progress was reported: ${ran.progress.join(' | ')}`,
      );
      const { busyTicks, idleAfterMs } = await waitForSparkIdle(testServer().pid, interruptedAt, 5_000);
      assert.ok(busyTicks <= 2 && idleAfterMs <= 2_000, `Spark still busy ${idleAfterMs} ms after the interrupt`);
      const next = await run(language, language === 'sql' ? 'SELECT 1 AS one' : 'print(answer)');
      assert.equal(next.result.status, 'ok', JSON.stringify(next.outputs));
    });
  }

  it('a killed Python process is reported in the cell, and the next run starts a new one', async () => {
    const running = run('python', 'import time\ntime.sleep(30)');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    helper.kill();
    const ran = await running;
    assert.equal(ran.result.status, 'error');
    assert.match(JSON.stringify(ran.outputs), /PythonProcessEnded.*variables are gone/);
    const next = await run('python', 'print(spark.range(4).count())');
    assert.equal(next.result.status, 'ok', JSON.stringify(next.outputs));
    assert.equal(next.outputs.map((o) => (o.kind === 'stream' ? o.text : '')).join(''), '4\n');
  });
});
