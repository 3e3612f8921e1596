import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { retailTransactions, writeRetailData, type RetailDataOptions } from '../../examples/retail/generator.js';
import { retailCustomers } from '../../examples/retail/crm.js';
import { startExampleSources, type ExampleSources } from '../../examples/retail/exampleSources.js';
import { exchangeRates } from '../../examples/retail/ratesApi.js';
import { attachDatabases } from '../../src/core/databases/databaseCatalogs.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkUiJobs } from '../../src/core/localSpark/sparkUiJobs.js';
import { pipelineEnvironment } from '../../src/core/pipelines/pipelineEnvironment.js';
import type { PipelineRunEvent } from '../../src/core/pipelines/pipelineEvents.js';
import { runPipeline, type PipelineRunRequest, type PipelineRunSummary } from '../../src/core/pipelines/pipelineRun.js';
import { checkPipelineSpec } from '../../src/core/pipelines/pipelineSpec.js';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { SqlContextWorker } from '../../src/core/sql/completion/contextWorkerClient.js';
import { placeRetailSpec } from '../support/retailExample.js';
import { projectRoot, runtimeDir, testServer, waitForSparkIdle, waitForTasksEnded } from '../support/sparkTestServer.js';

/** A copy of a pipeline project in a folder of its own, its storage and raw data there too. */
function copyProject(source: string, database: string): { folder: string; spec: string; raw: string } {
  const folder = mkdtempSync(join(tmpdir(), 'sw-pipeline-it-'));
  cpSync(source, folder, { recursive: true });
  const raw = join(folder, 'raw');
  const spec = join(folder, 'spark-pipeline.yml');
  const storage = join(folder, 'storage');
  placeRetailSpec(spec, { storage, raw, database, models: `${pathToFileURL(storage).href}/models/churn` });
  return { folder, spec, raw };
}

describe('pipelines on real Spark', function () {
  this.timeout(300_000);
  let client: SparkConnectClient;
  let grammar: SqlContextWorker;
  let helper: PythonHelper | undefined;
  const log: string[] = [];
  const folders: string[] = [];

  before(async () => {
    const state = JSON.parse(readFileSync(join(runtimeDir(), 'servers', `server-${testServer().port}.json`), 'utf8')) as {
      uiPort?: number;
    };
    const jobs = state.uiPort ? new SparkUiJobs(state.uiPort) : undefined;
    jobs?.prime(); // as the extension and the CLI do
    client = new SparkConnectClient(testServer().url, { jobControl: jobs });
    grammar = new SqlContextWorker(join(projectRoot(), 'dist', 'sqlContextWorker.js'));
  });
  after(async () => {
    helper?.dispose();
    grammar.dispose();
    await client.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const environment = () =>
    pipelineEnvironment(
      client,
      (query) => grammar.tablesRead(query),
      async () => {
        if (!helper) {
          const runtime = await new SparkRuntimeInstaller(runtimeDir(), (line) => log.push(line)).ensureHelperPackages();
          helper = new PythonHelper({
            python: runtime.pythonExecutable,
            script: join(projectRoot(), 'python', 'spark_workbench_helper.py'),
            log: (line) => log.push(line),
          });
        }
        return helper;
      },
    );

  async function run(spec: string, options: Partial<PipelineRunRequest> = {}): Promise<PipelineRunSummary> {
    const check = checkPipelineSpec(readFileSync(spec, 'utf8'), spec);
    assert.ok(check.spec, JSON.stringify(check.problems));
    return runPipeline(environment(), { specPath: spec, spec: check.spec, files: check.files, ...options });
  }

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await client.sql(sql).toTable()).toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
  }

  describe('the retail example, with its four kinds of source', () => {
    const database = `retail_it_${Date.now() % 100000}`;
    let project: ReturnType<typeof copyProject>;
    let sources: ExampleSources;
    const first: RetailDataOptions = { rows: 3000, csvFiles: 3, jsonFiles: 2 };

    before(async () => {
      // PostgreSQL (the CRM, the analytics database) and the rates API on free loopback ports, as the example starts them.
      sources = await startExampleSources({
        exampleRoot: join(projectRoot(), 'examples', 'retail'),
        pgPort: 0,
        apiPort: 0,
        log: (line) => log.push(line),
      });
      project = copyProject(join(projectRoot(), 'examples', 'retail'), database);
      writeFileSync(project.spec, readFileSync(project.spec, 'utf8').replace(/^( {2}retail\.api: ).*$/m, `$1${sources.api.url}`));
      folders.push(project.folder);
      writeRetailData(project.raw, first);
      await attachDatabases(client, sources.databases, async () => sources.password);
    });
    after(async () => {
      await sources?.close();
    });

    it('produces exactly the rows and aggregates the generator implies', async () => {
      const events: PipelineRunEvent[] = [];
      const summary = await run(project.spec, { onEvent: (e) => events.push(e), publish: sources.publish });
      assert.equal(
        summary.outcome,
        'completed',
        `${summary.message}\n${JSON.stringify(summary.errors)}\n${log.slice(-20).join('\n')}`,
      );
      assert.ok(events.some((e) => e.kind === 'run' && e.state === 'completed'));
      // The sources outside the pipeline, as the graph draws them: the files, the CRM's table, the API.
      const reads = (dataset: string) => summary.graph.flows.find((f) => f.target.endsWith(dataset))?.reads;
      assert.deepEqual(reads('raw_transactions_csv'), [`csv.\`${pathToFileURL(join(project.raw, 'csv')).href}\``]);
      assert.deepEqual(reads('raw_crm_customers'), ['crm.public.customers']);
      assert.deepEqual(reads('raw_exchange_rates'), [`http.\`${sources.api.url}/rates\``]);

      // What the pipeline must produce, computed here from the generator's own rows.
      const { transactions, duplicated } = retailTransactions(first);
      const csvRows = Math.ceil(transactions.length / 2);
      const csvDuplicates = transactions.slice(0, csvRows).filter((t) => duplicated.has(t.transaction_id)).length;
      const byName = Object.fromEntries(summary.datasets.map((d) => [d.name, d]));
      assert.equal(byName.raw_transactions_csv?.rows, csvRows + csvDuplicates, 'the raw zone keeps duplicates');
      assert.equal(byName.raw_transactions_json?.rows, transactions.length - csvRows + (duplicated.size - csvDuplicates));
      assert.equal(byName.curated_transactions?.rows, transactions.length, 'duplicates dropped');

      const curated = await rows(
        `SELECT count_if(amount = 0) AS zero_amounts, count_if(quantity = 0) AS zero_quantities, count_if(customer_id IS NULL) AS no_customer, count_if(processed_date IS NULL) AS unprocessed FROM spark_catalog.${database}.curated_transactions`,
      );
      assert.deepEqual(curated[0], {
        zero_amounts: BigInt(transactions.filter((t) => t.amountCents === null).length),
        zero_quantities: BigInt(transactions.filter((t) => t.quantity === null).length),
        no_customer: BigInt(transactions.filter((t) => t.customer_id === null).length),
        unprocessed: 0n,
      });

      const expected = new Map<string, { cents: bigint; count: number }>();
      for (const t of transactions) {
        const key = `${t.transaction_date.slice(0, 10)}|${t.segment}`;
        const entry = expected.get(key) ?? { cents: 0n, count: 0 };
        entry.cents += BigInt(t.amountCents ?? 0);
        entry.count++;
        expected.set(key, entry);
      }
      const daily = await rows(
        `SELECT CAST(date AS STRING) AS date, segment, CAST(total_amount AS STRING) AS total, CAST(average_amount AS STRING) AS average, transaction_count FROM spark_catalog.${database}.daily_segment_metrics`,
      );
      assert.equal(daily.length, expected.size);
      for (const row of daily) {
        const want = expected.get(`${String(row.date)}|${String(row.segment)}`)!;
        assert.equal(row.total, decimal(want.cents, 2), `total of ${String(row.date)} ${String(row.segment)}`);
        assert.equal(row.transaction_count, BigInt(want.count));
        // avg(DECIMAL(12,2)) is DECIMAL(16,6), rounded half up.
        assert.equal(row.average, decimal(divideHalfUp(want.cents * 10_000n, BigInt(want.count)), 6));
      }
      const trend = await rows(
        `SELECT metric, count(*) AS days FROM spark_catalog.${database}.trend_analysis GROUP BY metric ORDER BY metric`,
      );
      const days = new Set(transactions.map((t) => t.transaction_date.slice(0, 10))).size;
      assert.deepEqual(
        trend,
        ['average_amount', 'total_amount', 'transaction_count'].map((metric) => ({ metric, days: BigInt(days) })),
      );
    });

    it("joins the CRM's customers (PostgreSQL) into the curated zone: their segment and signup date are the CRM's", async () => {
      const customers = retailCustomers();
      const { transactions } = retailTransactions(first);
      const curated = await rows(
        `SELECT customer_id, segment, CAST(signup_date AS STRING) AS signup, transactions FROM spark_catalog.${database}.curated_customers ORDER BY customer_id`,
      );
      assert.equal(curated.length, customers.length);
      for (const [i, customer] of customers.entries()) {
        const row = curated[i]!;
        assert.deepEqual(
          [row.customer_id, row.segment, row.signup, row.transactions],
          [
            customer.customer_id,
            customer.segment,
            customer.signup_date,
            BigInt(transactions.filter((t) => t.customer_id === customer.customer_id).length),
          ],
        );
      }
    });

    it('reads the exchange-rate API (paged JSON) and converts each day at its rate', async () => {
      const rates = exchangeRates();
      assert.deepEqual((await rows(`SELECT count(*) AS n FROM spark_catalog.${database}.raw_exchange_rates`))[0], {
        n: BigInt(rates.length),
      });
      const converted = await rows(
        `SELECT CAST(date AS STRING) AS date, currency, CAST(total_usd AS STRING) AS usd, CAST(total AS STRING) AS total FROM spark_catalog.${database}.daily_revenue_by_currency WHERE currency = 'EUR' ORDER BY date LIMIT 1`,
      );
      const { transactions } = retailTransactions(first);
      const cents = transactions
        .filter((t) => t.transaction_date.startsWith('2024-01-01'))
        .reduce((sum, t) => sum + (t.amountCents ?? 0), 0);
      const rate = rates.find((r) => r.date === '2024-01-01' && r.currency === 'EUR')!.rate;
      const { total, ...rest } = converted[0]!;
      assert.deepEqual(rest, { date: '2024-01-01', currency: 'EUR', usd: decimal(BigInt(cents), 2) });
      // Dollars times a double rate, rounded to cents by Spark's cast.
      assert.ok(Math.abs(Number(total) - (cents / 100) * rate) <= 0.005, `${String(total)} ≈ ${(cents / 100) * rate}`);
    });

    it('publishes trend_analysis to the analytics database: the same rows as in Spark', async () => {
      const inSpark = (
        await rows(
          `SELECT CAST(date AS STRING) AS date, metric, CAST(value AS STRING) AS value FROM spark_catalog.${database}.trend_analysis ORDER BY date, metric`,
        )
      ).map((r) => `${String(r.date)}|${String(r.metric)}|${Number(r.value)}`);
      const inPostgres = sources
        .psql('analytics', 'SELECT date::text, metric, value FROM public.trend_analysis ORDER BY date, metric')
        .split('\n')
        .map((line) => line.split('|'))
        .map(([date, metric, value]) => `${date}|${metric}|${Number(value)}`);
      assert.equal(inPostgres.length, inSpark.length);
      assert.deepEqual(inPostgres, inSpark);
    });

    it('on the next run, the streaming table reads only the files that arrived since', async () => {
      const before = Number((await rows(`SELECT count(*) AS n FROM spark_catalog.${database}.raw_transactions_csv`))[0]!.n);
      const second: RetailDataOptions = { rows: 600, csvFiles: 1, jsonFiles: 1, firstId: 100_001, seed: 7 };
      writeRetailData(project.raw, second, 'batch-2');
      const summary = await run(project.spec, { publish: sources.publish });
      assert.equal(summary.outcome, 'completed', summary.message);
      const { transactions, duplicated } = retailTransactions(second);
      const newCsv = transactions.slice(0, Math.ceil(transactions.length / 2));
      const added = newCsv.length + newCsv.filter((t) => duplicated.has(t.transaction_id)).length;
      const after = summary.datasets.find((d) => d.name === 'raw_transactions_csv')?.rows;
      assert.equal(after, before + added, 'old files are not read again: their rows are not appended twice');
      assert.equal(summary.datasets.find((d) => d.name === 'curated_transactions')?.rows, 3000 + 600);
    });
  });

  describe('errors, at their line', () => {
    function project(files: Record<string, string>): string {
      const folder = mkdtempSync(join(tmpdir(), 'sw-pipeline-errors-'));
      folders.push(folder);
      mkdirSync(join(folder, 'transformations'));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, 'transformations', name), text);
      const spec = join(folder, 'spark-pipeline.yml');
      writeFileSync(
        spec,
        `name: errors\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
      );
      return spec;
    }

    it('a SQL definition reading a misspelt column fails at that column; a syntax error at its token', async () => {
      const analysis = await run(
        project({
          'a.sql':
            "CREATE MATERIALIZED VIEW err_one AS SELECT 1 AS one;\n\n-- the typo\nCREATE MATERIALIZED VIEW err_two AS\nSELECT '😀' AS e, onee FROM err_one;\n",
        }),
        { dry: true },
      );
      assert.equal(analysis.outcome, 'failed');
      assert.deepEqual(
        analysis.errors.map(({ file, line, column, code }) => ({ file, line, column, code })),
        [{ file: 'transformations/a.sql', line: 5, column: 19, code: 'UNRESOLVED_COLUMN.WITH_SUGGESTION' }],
      );
      const parse = await run(
        project({
          'b.sql':
            'CREATE MATERIALIZED VIEW p AS SELECT 1;\nCREATE MATERIALIZED VIEW q AS\n  SELECT id FROM range(3) WHERE id = = 1;\n',
        }),
        { dry: true },
      );
      assert.deepEqual(
        parse.errors.map(({ file, line, column, code }) => ({ file, line, column, code })),
        [{ file: 'transformations/b.sql', line: 3, column: 38, code: 'PARSE_SYNTAX_ERROR' }],
      );
    });

    it('a Python definition that fails is reported at its line', async () => {
      const summary = await run(
        project({
          'ok.sql': 'CREATE MATERIALIZED VIEW base AS SELECT 1 AS one;\n',
          'bad.py':
            'from pyspark import pipelines as dp\n\n\n@dp.materialized_view\ndef broken():\n    return spark.read.table("base").select(undefined_name)  # noqa: F821\n',
        }),
        { dry: true },
      );
      assert.equal(summary.outcome, 'failed');
      assert.deepEqual(
        summary.errors.map(({ file, line }) => ({ file, line })),
        [{ file: 'transformations/bad.py', line: 6 }],
      );
      assert.match(summary.errors[0]!.message, /NameError: name 'undefined_name' is not defined/);
    });

    it("a dry run of a cyclic graph fails with Spark's reason, at both definitions", async () => {
      const summary = await run(
        project({
          'cycle.sql': 'CREATE MATERIALIZED VIEW x AS SELECT * FROM y;\nCREATE MATERIALIZED VIEW y AS SELECT * FROM x;\n',
        }),
        { dry: true },
      );
      assert.equal(summary.outcome, 'failed');
      assert.match(summary.message ?? '', /Circular dependencies are not supported/);
      assert.deepEqual(summary.errors.map((e) => e.line).sort(), [1, 2]);
    });
  });

  it("leaves the session's settings, schema and temporary views as it found them, after a run that completed and one that failed", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-pipeline-session-'));
    folders.push(folder);
    mkdirSync(join(folder, 'transformations'));
    const database = `session_it_${Date.now() % 100000}`;
    const spec = join(folder, 'spark-pipeline.yml');
    writeFileSync(
      spec,
      `name: session\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: ${database}\nconfiguration:\n  spark.sql.shuffle.partitions: "3"\n  session_it.marker: "set by the pipeline"\nlibraries:\n  - glob:\n      include: transformations/**\n`,
    );
    const python = `from pyspark import pipelines as dp


@dp.materialized_view
@dp.expect_or_drop("positive", "id > 0")
def kept():
    return spark.range(-2, 5)  # noqa: F821
`;
    writeFileSync(join(folder, 'transformations', 'kept.py'), python);
    writeFileSync(
      join(folder, 'transformations', 'dropped.sql'),
      'CREATE MATERIALIZED VIEW dropped (CONSTRAINT small EXPECT (id < 3) ON VIOLATION DROP ROW) AS SELECT * FROM kept;\n',
    );
    const settings = async () => ({
      config: Object.fromEntries(
        await client.getConfig([
          'spark.sql.shuffle.partitions',
          'session_it.marker',
          'spark.sql.connect.serverStacktrace.enabled',
        ]),
      ),
      schema: (await rows('SELECT current_catalog() AS catalog, current_database() AS schema'))[0],
      views: (await rows('SHOW VIEWS')).filter((r) => r.isTemporary).map((r) => String(r.viewName)),
    });
    await client.sql('CREATE OR REPLACE TEMP VIEW mine_before_the_run AS SELECT 1 AS one').toTable();
    const before = await settings();
    assert.equal(before.config['session_it.marker'], undefined);
    const completed = await run(spec);
    assert.equal(completed.outcome, 'completed', `${completed.message} ${JSON.stringify(completed.errors)}`);
    assert.deepEqual(completed.datasets.map((d) => `${d.name} ${d.rows}`).sort(), ['dropped 2', 'kept 4']);
    assert.deepEqual(await settings(), before);
    // A SQL statement run after the run sees the session as it was: the pipeline's schema is not current.
    await assert.rejects(client.sql('SELECT * FROM dropped').toTable(), /TABLE_OR_VIEW_NOT_FOUND/);

    writeFileSync(
      join(folder, 'transformations', 'broken.sql'),
      'CREATE MATERIALIZED VIEW broken AS SELECT no_such_column FROM kept;\n',
    );
    const failed = await run(spec);
    assert.equal(failed.outcome, 'failed');
    assert.deepEqual(await settings(), before);
  });

  // What is watched is Spark's tasks (its status API), not the JVM's CPU: after a stop the JIT compiler
  // and GC go on for seconds without any task. A flow of a stopped run starts its next job after the
  // run ended, on a thread an earlier run started (the run before this one in this file), with that
  // run's tags: the cancel watch knows it by the table it writes, and kills it.
  it("a long run is stopped, and Spark's tasks end within 10 s (a job the flow starts after the stop too)", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-pipeline-stop-'));
    folders.push(folder);
    mkdirSync(join(folder, 'transformations'));
    writeFileSync(
      join(folder, 'transformations', 'long.sql'),
      'CREATE MATERIALIZED VIEW long_running AS SELECT sum(hash(a.id, b.id)) AS s FROM range(40000000) a CROSS JOIN range(1000) b;\n',
    );
    const spec = join(folder, 'spark-pipeline.yml');
    writeFileSync(
      spec,
      `name: long\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
    );
    const stop = new AbortController();
    let stoppedAt = 0;
    const summary = await run(spec, {
      signal: stop.signal,
      onEvent: (event) => {
        if (event.kind === 'flow' && event.state === 'running' && !stoppedAt) {
          stoppedAt = Date.now() + 1_500;
          setTimeout(() => stop.abort(), 1_500);
        }
      },
    });
    assert.equal(summary.outcome, 'cancelled');
    const { activeTasks, endedAfterMs } = await waitForTasksEnded(stoppedAt, 10_000);
    const { busyTicks, idleAfterMs } = await waitForSparkIdle(testServer().pid, stoppedAt, 10_000);
    console.log(
      `      Spark's tasks ended ${endedAfterMs} ms after Stop; its JVM idle (${busyTicks} ticks) after ${idleAfterMs} ms`,
    );
    assert.equal(activeTasks, 0, `Spark still runs ${activeTasks} tasks ${endedAfterMs} ms after the run was stopped`);
  });
});

function decimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}
