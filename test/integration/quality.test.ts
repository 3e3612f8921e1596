import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { pipelineEnvironment } from '../../src/core/pipelines/pipelineEnvironment.js';
import { runPipeline, type PipelineRunSummary } from '../../src/core/pipelines/pipelineRun.js';
import { checkPipelineSpec } from '../../src/core/pipelines/pipelineSpec.js';
import { evaluateDatasetQuality, type CheckResult, type DatasetQuality } from '../../src/core/quality/qualityEvaluation.js';
import { parseQualityFile } from '../../src/core/quality/qualityFile.js';
import { compileQualityQuery, failingRowsQuery } from '../../src/core/quality/qualityQuery.js';
import { qualified } from '../../src/core/pipelines/pipelineGraph.js';
import { SqlContextWorker } from '../../src/core/sql/completion/contextWorkerClient.js';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { projectRoot, runtimeDir, testServer } from '../support/sparkTestServer.js';
import { SparkUiJobs } from '../../src/core/localSpark/sparkUiJobs.js';
import { readFileSync } from 'node:fs';

function serverState(): { uiPort?: number } {
  return JSON.parse(readFileSync(join(runtimeDir(), 'servers', `server-${testServer().port}.json`), 'utf8')) as {
    uiPort?: number;
  };
}

/**
 * 20 orders with known defects: ids 1–20 with 7 and 8 twice as 19 and 20 (duplicates: 4 rows), customer
 * NULL on ids 3 and 11, amount negative on 5, 500+ on 9, NULL on 13; channel 'fax' on 6 and 12;
 * code not matching ^[A-Z]{2}-\d{3}$ on 2 and 14; region 'XX' on 4 (not in regions).
 */
const ORDERS = `SELECT * FROM VALUES
  (1, 'c1', 10.0, 'web', 'AB-001', 'EU', TIMESTAMP'2024-01-01 10:00:00'),
  (2, 'c2', 20.0, 'web', 'ab-002', 'EU', TIMESTAMP'2024-01-01 11:00:00'),
  (3, NULL, 30.0, 'store', 'AB-003', 'US', TIMESTAMP'2024-01-02 10:00:00'),
  (4, 'c4', 40.0, 'store', 'AB-004', 'XX', TIMESTAMP'2024-01-02 11:00:00'),
  (5, 'c5', -5.0, 'web', 'AB-005', 'EU', TIMESTAMP'2024-01-03 10:00:00'),
  (6, 'c6', 60.0, 'fax', 'AB-006', 'US', TIMESTAMP'2024-01-03 11:00:00'),
  (7, 'c7', 70.0, 'web', 'AB-007', 'EU', TIMESTAMP'2024-01-04 10:00:00'),
  (8, 'c8', 80.0, 'store', 'AB-008', 'US', TIMESTAMP'2024-01-04 11:00:00'),
  (9, 'c9', 900.0, 'web', 'AB-009', 'EU', TIMESTAMP'2024-01-05 10:00:00'),
  (10, 'c10', 100.0, 'store', 'AB-010', 'US', TIMESTAMP'2024-01-05 11:00:00'),
  (11, NULL, 110.0, 'web', 'AB-011', 'EU', TIMESTAMP'2024-01-06 10:00:00'),
  (12, 'c12', 120.0, 'fax', 'AB-012', 'US', TIMESTAMP'2024-01-06 11:00:00'),
  (13, 'c13', NULL, 'web', 'AB-013', 'EU', TIMESTAMP'2024-01-07 10:00:00'),
  (14, 'c14', 140.0, 'store', 'AB14', 'US', TIMESTAMP'2024-01-07 11:00:00'),
  (15, 'c15', 150.0, 'web', 'AB-015', 'EU', TIMESTAMP'2024-01-08 10:00:00'),
  (16, 'c16', 160.0, 'store', 'AB-016', 'US', TIMESTAMP'2024-01-08 11:00:00'),
  (17, 'c17', 170.0, 'web', 'AB-017', 'EU', TIMESTAMP'2024-01-09 10:00:00'),
  (18, 'c18', 180.0, 'store', 'AB-018', 'US', TIMESTAMP'2024-01-09 11:00:00'),
  (7, 'c7', 70.0, 'web', 'AB-019', 'EU', TIMESTAMP'2024-01-10 10:00:00'),
  (8, 'c8', 80.0, 'store', 'AB-020', 'US', TIMESTAMP'2024-01-10 11:00:00')
  AS t(id, customer, amount, channel, code, region, ordered_at)`;

const CHECKS = `datasets:
  orders:
    - not_null: customer
    - unique: id
      severity: warn
    - between: amount
      min: 0
      max: 500
      mostly: 0.9
    - accepted_values: channel
      values: [web, store]
    - regex: code
      pattern: '^[A-Z]{2}-\\d{3}$'
    - references: region
      dataset: regions
      key: code
    - row_count: { min: 1, max: 19 }
    - schema:
        columns: { id: int, amount: 'decimal(4,1)', ordered_at: timestamp, missing_col: string }
    - freshness: ordered_at
      max_age: 3650d
    - sql: max(amount) < 1000
      name: largest_order
    - not_null: custmer
      name: misspelled
`;

describe('data quality on real Spark', function () {
  this.timeout(300_000);
  let client: SparkConnectClient;
  const folders: string[] = [];

  before(async () => {
    client = new SparkConnectClient(testServer().url);
    await client.sql(`CREATE OR REPLACE TEMPORARY VIEW orders AS ${ORDERS}`).toTable();
    await client.sql(`CREATE OR REPLACE TEMPORARY VIEW regions AS SELECT * FROM VALUES ('EU'), ('US') AS r(code)`).toTable();
  });
  after(async () => {
    await client.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const byName = (quality: DatasetQuality) =>
    Object.fromEntries(quality.results.map((r) => [r.check.name, r])) as Record<string, CheckResult>;

  it('counts every check exactly, with bounded samples, in one aggregate', async () => {
    const { checks, problems } = parseQualityFile(CHECKS, 'orders.quality.yml');
    assert.deepEqual(problems, []);
    const quality = await evaluateDatasetQuality(client, {
      dataset: 'orders',
      query: 'SELECT * FROM orders',
      checks,
      tableName: (n) => n,
    });
    const r = byName(quality);
    assert.equal(quality.rows, 20);
    const figures = (result: CheckResult) => [result.status, result.checked, result.failing];
    assert.deepEqual(figures(r.not_null_customer!), ['failed', 20, 2]);
    assert.equal(r.not_null_customer!.samples.length, 2);
    assert.match(r.not_null_customer!.samples[0]!, /"id":11|"id":3/);
    assert.match(r.not_null_customer!.samples[0]!, /"customer":null/, 'the NULL that failed the row is in the sample');
    // The message: the check, its figures and one short sample (all samples stay in the result).
    assert.match(
      r.not_null_customer!.message,
      /^not_null_customer: 2 of 20 rows failed \(10%\); e\.g\. \{"id":(3|11),"customer":null,.{0,60}$/,
    );
    assert.ok(r.not_null_customer!.message.length < 160, r.not_null_customer!.message);
    assert.deepEqual(figures(r.unique_id!), ['failed', 20, 4]);
    assert.deepEqual(r.unique_id!.samples, ['7', '8']);
    // 3 of 19 non-null amounts outside [0, 500]: 84% pass < mostly 0.9.
    assert.deepEqual(figures(r.between_amount!), ['failed', 19, 2]);
    assert.deepEqual(r.between_amount!.samples, ['-5.0', '900.0']);
    assert.deepEqual(figures(r.accepted_values_channel!), ['failed', 20, 2]);
    assert.deepEqual(r.accepted_values_channel!.samples, ['fax']);
    assert.deepEqual(figures(r.regex_code!), ['failed', 20, 2]);
    assert.deepEqual(r.regex_code!.samples, ['AB14', 'ab-002']);
    assert.deepEqual(figures(r.references_region!), ['failed', 20, 1]);
    assert.deepEqual(r.references_region!.samples, ['XX']);
    assert.equal(r.row_count!.status, 'failed');
    assert.match(r.row_count!.message, /20 rows; expected ≥ 1 and ≤ 19/);
    assert.equal(r.schema!.status, 'failed');
    assert.match(r.schema!.message, /no column missing_col/);
    assert.equal(r.freshness_ordered_at!.status, 'passed');
    assert.equal(r.largest_order!.status, 'passed');
    assert.equal(r.misspelled!.status, 'error');
    assert.match(r.misspelled!.message, /no column 'custmer'\. Did you mean 'customer'\?/);
    assert.match(r.between_amount!.message, /2 of 19 rows failed \(10\.5%\); mostly 0\.9 needs ≥ 90% passing/);
  });

  it('gives the same figures and samples whether it groups rows first or aggregates them (a custom condition needs the rows), and only counts with samples: 0', async () => {
    const { checks } = parseQualityFile(CHECKS, 'orders.quality.yml');
    const evaluate = (list: typeof checks, sampleSize?: number) =>
      evaluateDatasetQuality(
        client,
        { dataset: 'orders', query: 'SELECT * FROM orders', checks: list, tableName: (n) => n },
        { sampleSize },
      );
    const figures = (quality: DatasetQuality) =>
      quality.results
        .filter((r) => r.check.kind !== 'sql')
        .map((r) => [r.check.name, r.status, r.checked, r.failing, r.samples, r.observed?.replace(/newest .*/, 'newest')]);
    const overRows = await evaluate(checks);
    assert.match(overRows.query!, /largest_order|max\(amount\) < 1000/);
    const grouped = await evaluate(checks.filter((c) => c.kind !== 'sql'));
    assert.match(grouped.query!, /GROUP BY _sw_m0/);
    assert.deepEqual(figures(grouped), figures(overRows));
    const countsOnly = await evaluate(
      checks.filter((c) => c.kind !== 'sql'),
      0,
    );
    assert.doesNotMatch(countsOnly.query!, /min_by/);
    assert.deepEqual(
      figures(countsOnly),
      figures(grouped).map(([name, status, checked, failing, , observed]) => [name, status, checked, failing, [], observed]),
    );
    assert.match(byName(countsOnly).not_null_customer!.message, /^not_null_customer: 2 of 20 rows failed \(10%\)$/);
  });

  it('runs dataset-level checks alone (no row flags to group by)', async () => {
    const { checks } = parseQualityFile(
      'datasets:\n  orders:\n    - row_count: { min: 1, max: 19 }\n    - freshness: ordered_at\n      max_age: 3650d\n',
      'q.yml',
    );
    const quality = await evaluateDatasetQuality(client, {
      dataset: 'orders',
      query: 'SELECT * FROM orders',
      checks,
      tableName: (n) => n,
    });
    assert.deepEqual(
      quality.results.map((r) => r.status),
      ['failed', 'passed'],
    );
    assert.match(quality.results[0]!.message, /20 rows; expected ≥ 1 and ≤ 19/);
    assert.equal(quality.rows, 20);
  });

  it('samples whole rows of a table with a map column (a struct with a map cannot be grouped: JSON at once)', async () => {
    const { checks } = parseQualityFile('datasets:\n  tagged:\n    - not_null: customer\n', 'q.yml');
    const query = "SELECT id, customer, map('amount', CAST(amount AS STRING)) AS attributes FROM orders";
    const quality = await evaluateDatasetQuality(client, { dataset: 'tagged', query, checks, tableName: (n) => n });
    const result = quality.results[0]!;
    assert.deepEqual([result.status, result.checked, result.failing], ['failed', 20, 2]);
    assert.equal(result.samples.length, 2);
    assert.match(result.samples[0]!, /^\{"id":\d+,"customer":null,"attributes":\{"amount":/);
  });

  it('a mostly threshold met passes though some rows fail', async () => {
    const { checks } = parseQualityFile('datasets:\n  orders:\n    - not_null: customer\n      mostly: 0.9\n', 'q.yml');
    const quality = await evaluateDatasetQuality(client, {
      dataset: 'orders',
      query: 'SELECT * FROM orders',
      checks,
      tableName: (n) => n,
    });
    assert.deepEqual([quality.results[0]!.status, quality.results[0]!.failing], ['passed', 2]);
  });

  it('reads the data once: one scan of the source in the aggregate of every check', async () => {
    const table = `spark_catalog.default.quality_scan_${Date.now() % 100000}`;
    await client.sql(`CREATE TABLE ${table} USING parquet AS ${ORDERS}`).toTable();
    try {
      const { checks } = parseQualityFile(CHECKS.replace('misspelled', 'fine').replace('custmer', 'customer'), 'q.yml');
      const runnable = checks.filter((c) => c.kind !== 'schema' && c.kind !== 'references');
      const compiled = compileQualityQuery(`SELECT * FROM ${table}`, runnable, {
        sourceColumns: ['id', 'customer', 'amount', 'channel', 'code', 'region', 'ordered_at'],
        tableName: (n) => n,
      });
      // Measured in what Spark ran: its UI's record of the jobs, stages and scan operators of the query.
      const tag = `quality-scan-${Date.now()}`;
      await client.sql(compiled.sql, { tags: [tag] }).toTable();
      const work = await new SparkUiJobs(serverState().uiPort!).workOfTag(tag);
      const scans = work.scans.filter((s) => s.node.includes(table.split('.').pop()!));
      assert.deepEqual(scans, [{ node: scans[0]?.node, rows: 20 }], JSON.stringify(work));
      console.log(
        `      ${runnable.length} checks over 20 rows: ${work.jobs} jobs, ${work.stages} stages, ${scans.length} scan of the source (${work.scans.length} scans in all)`,
      );
    } finally {
      await client.sql(`DROP TABLE IF EXISTS ${table}`).toTable();
    }
  });

  describe('expectations in a pipeline', () => {
    let grammar: SqlContextWorker;
    before(() => {
      grammar = new SqlContextWorker(join(projectRoot(), 'dist', 'sqlContextWorker.js'));
    });
    after(() => grammar.dispose());

    let helper: PythonHelper | undefined;
    after(() => helper?.dispose());

    function project(definitions: string, file = 'orders.sql'): string {
      const folder = mkdtempSync(join(tmpdir(), 'sw-quality-it-'));
      folders.push(folder);
      mkdirSync(join(folder, 'transformations'));
      writeFileSync(join(folder, 'transformations', file), definitions);
      const spec = join(folder, 'spark-pipeline.yml');
      writeFileSync(
        spec,
        `name: q\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: quality_it_${Date.now() % 100000}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
      );
      return spec;
    }
    async function run(spec: string): Promise<PipelineRunSummary> {
      const check = checkPipelineSpec((await import('node:fs')).readFileSync(spec, 'utf8'), spec);
      assert.ok(check.spec);
      const python = async () => {
        if (!helper) {
          const runtime = await new SparkRuntimeInstaller(runtimeDir(), () => undefined).ensureHelperPackages();
          helper = new PythonHelper({
            python: runtime.pythonExecutable,
            script: join(projectRoot(), 'python', 'spark_workbench_helper.py'),
            log: () => undefined,
          });
        }
        return helper;
      };
      return runPipeline(
        pipelineEnvironment(client, (q) => grammar.tablesRead(q), python),
        { specPath: spec, spec: check.spec, files: check.files },
      );
    }

    it('keeps, drops and counts rows per ON VIOLATION mode, exactly', async () => {
      const spec = project(`CREATE MATERIALIZED VIEW raw_orders AS ${ORDERS};

CREATE MATERIALIZED VIEW clean_orders (
  CONSTRAINT has_customer EXPECT (customer IS NOT NULL),
  CONSTRAINT positive_amount EXPECT (amount > 0) ON VIOLATION DROP ROW,
  CONSTRAINT known_channel EXPECT (channel IN ('web', 'store')) ON VIOLATION DROP ROW
) AS SELECT * FROM raw_orders;
`);
      const summary = await run(spec);
      assert.equal(summary.outcome, 'completed', `${summary.message} ${JSON.stringify(summary.errors)}`);
      const clean = summary.quality.find((d) => d.dataset === 'clean_orders')!;
      const r = byName(clean);
      // amount -5 and NULL (NULL counts as a violation) dropped; 'fax' on 6 and 12 dropped.
      assert.deepEqual([r.positive_amount!.failing, r.positive_amount!.dropped, r.positive_amount!.checked], [2, 2, 20]);
      assert.deepEqual([r.known_channel!.failing, r.known_channel!.dropped], [2, 2]);
      assert.deepEqual([r.has_customer!.status, r.has_customer!.failing, r.has_customer!.dropped], ['failed', 2, undefined]);
      assert.equal(clean.rows, 16);
      assert.equal(summary.datasets.find((d) => d.name === 'clean_orders')?.rows, 16, 'the table holds the kept rows only');
      assert.match(r.positive_amount!.message, /2 of 20 rows failed \(10%\); 2 rows dropped/);
    });

    it('@dp.expect decorators in Python keep, drop and count rows the same way, at the decorator', async () => {
      const text = `from pyspark import pipelines as dp


@dp.materialized_view
@dp.expect("has_customer", "customer IS NOT NULL")
@dp.expect_all_or_drop({"positive_amount": "amount > 0", "known_channel": "channel IN ('web', 'store')"})
def py_orders():
    return spark.sql(${JSON.stringify(ORDERS.replace(/\n/g, ' '))})  # noqa: F821
`;
      const spec = project(text, 'orders.py');
      const summary = await run(spec);
      assert.equal(summary.outcome, 'completed', `${summary.message} ${JSON.stringify(summary.errors)}`);
      const quality = summary.quality.find((d) => d.dataset === 'py_orders')!;
      const r = byName(quality);
      assert.deepEqual([r.positive_amount!.failing, r.positive_amount!.dropped, r.positive_amount!.checked], [2, 2, 20]);
      assert.deepEqual([r.known_channel!.failing, r.known_channel!.dropped], [2, 2]);
      assert.deepEqual([r.has_customer!.status, r.has_customer!.failing], ['failed', 2]);
      assert.equal(summary.datasets.find((d) => d.name === 'py_orders')?.rows, 16);
      const lines = text.split('\n');
      const location = r.has_customer!.check.location;
      assert.equal(location.file, 'transformations/orders.py');
      assert.equal(text.slice(location.start, location.end), '"has_customer", "customer IS NOT NULL")');
      assert.equal(
        text.slice(0, r.known_channel!.check.location.start).split('\n').length,
        lines.findIndex((l) => l.includes('known_channel')) + 1,
      );
    });

    it('FAIL UPDATE stops the dataset, naming the expectation and a violating row', async () => {
      const spec = project(`CREATE MATERIALIZED VIEW strict_orders (
  CONSTRAINT known_channel EXPECT (channel IN ('web', 'store')) ON VIOLATION FAIL UPDATE
) AS ${ORDERS};
`);
      const summary = await run(spec);
      assert.equal(summary.outcome, 'failed');
      const result = summary.quality.find((d) => d.dataset === 'strict_orders')!.results[0]!;
      assert.equal(result.status, 'failed');
      assert.match(result.message, /known_channel: a row violated it and stopped the update of strict_orders/);
      assert.match(result.samples[0]!, /"channel":"fax"/);
    });

    it("names with ', \\, backticks, _, % and other letters work end to end: schema, row counts, expectations, FAIL UPDATE markers, quality and failing-rows queries", async () => {
      // Spark's session catalog takes only letters, digits and _ in table and schema names; columns and
      // expectation names take any character. A LIKE pattern would take `_` for any character: a schema
      // the pattern matches must not stop the pipeline's own from being created.
      const n = Date.now() % 100000;
      await client.sql(`CREATE SCHEMA IF NOT EXISTS swxnmx${n}`).toTable();
      const column = "c'ol\\%ü`x";
      const expectation = "it's a\\b%_ü`x";
      const quoted = (name: string) => `\`${name.replaceAll('`', '``')}\``;
      const text = `CREATE MATERIALIZED VIEW t_a (
  CONSTRAINT ${quoted(expectation)} EXPECT (${quoted(column)} IS NOT NULL)
) AS SELECT * FROM VALUES (1, 'x'), (2, NULL), (3, 'ü') AS t(id, ${quoted(column)});

CREATE MATERIALIZED VIEW txa AS SELECT 1 AS id;
`;
      const spec = project(text);
      writeFileSync(spec, readFileSync(spec, 'utf8').replace(/^database: .*$/m, `database: sw_nm_${n}`));
      writeFileSync(
        join(dirname(spec), 'spark-quality.yml'),
        `datasets:\n  t_a:\n    - not_null: ${JSON.stringify(column)}\n    - accepted_values: ${JSON.stringify(column)}\n      values: ["x", "it's \\\\ %"]\n`,
      );
      const summary = await run(spec);
      assert.equal(summary.outcome, 'completed', `${summary.message} ${JSON.stringify(summary.errors)}`);
      assert.deepEqual(
        summary.datasets.map((d) => [d.name, d.rows]),
        [
          ['t_a', 3],
          ['txa', 1],
        ],
      );
      const r = byName(summary.quality.find((d) => d.dataset === 't_a')!);
      assert.deepEqual(
        [r[expectation]!.status, r[expectation]!.failing, r[expectation]!.checked],
        ['failed', 1, 3],
        JSON.stringify(r[expectation]),
      );
      assert.equal(r[`not_null_${column}`]?.failing, 1, JSON.stringify(Object.keys(r)));
      assert.equal(r[`accepted_values_${column}`]?.failing, 1);
      assert.match(r[`accepted_values_${column}`]!.samples.join(), /ü/);
      const quality = summary.quality.find((d) => d.dataset === 't_a')!;
      const failing = failingRowsQuery(quality.source, r[`not_null_${column}`]!.check, {
        tableName: (name) => qualified({ database: `sw_nm_${n}` }, name),
        limit: 10,
      });
      const rows = await client.sql(failing!).toTable();
      assert.deepEqual(
        rows.toArray().map((row) => Number(row.id)),
        [2],
      );

      writeFileSync(
        join(dirname(spec), 'transformations', 'orders.sql'),
        `${text}\nCREATE MATERIALIZED VIEW strict_a (\n  CONSTRAINT ${quoted(`${expectation} strict`)} EXPECT (id < 3) ON VIOLATION FAIL UPDATE\n) AS SELECT * FROM t_a;\n`,
      );
      const strictRun = await run(spec);
      assert.equal(strictRun.outcome, 'failed', 'strict_a stops at its FAIL UPDATE');
      const strict = strictRun.quality.find((d) => d.dataset === 'strict_a')!.results[0]!;
      assert.equal(strict.check.name, `${expectation} strict`);
      assert.match(strict.message, /a row violated it and stopped the update of strict_a/);
      assert.match(strict.samples[0]!, /"id":3/);
    });

    it('a condition that does not parse (in a CONSTRAINT or the quality file) stops the run before anything runs, at its place', async () => {
      const text = `CREATE MATERIALIZED VIEW checked_orders (
  CONSTRAINT has_customer EXPECT (customer IS NOT NULL),
  CONSTRAINT positive EXPECT (amount > > 0 AND channel = 'web')
) AS ${ORDERS};
`;
      const spec = project(text);
      const qualityText = 'datasets:\n  checked_orders:\n    - sql: count(*) >= 1 1\n      name: some_rows\n';
      writeFileSync(join(dirname(spec), 'spark-quality.yml'), qualityText);
      const summary = await run(spec);
      assert.equal(summary.outcome, 'failed');
      assert.match(summary.message ?? '', /2 problems; nothing ran/);
      assert.ok(
        summary.datasets.every((d) => d.state === undefined || d.state === 'queued'),
        JSON.stringify(summary.datasets),
      );
      const inSql = summary.errors.find((e) => e.file === 'transformations/orders.sql')!;
      assert.ok(inSql, JSON.stringify(summary.errors));
      const lines = text.split('\n');
      assert.deepEqual([inSql.line, inSql.column], [3, lines[2]!.indexOf('> 0') + 1]);
      assert.match(inSql.message, /^The condition does not parse: .*Syntax error at or near '>'/);
      const inFile = summary.errors.find((e) => e.file === 'spark-quality.yml')!;
      assert.ok(inFile, JSON.stringify(summary.errors));
      assert.equal(qualityText.slice(inFile.start!, inFile.start! + 1), '1');
      assert.equal(inFile.start, qualityText.indexOf('1 1') + 2);
    });

    for (const [what, between] of [
      ['', ''],
      [', with a COMMENT before AS (the query moves right on its line)', "\nCOMMENT 'orders that passed'"],
    ] as const)
      it(`puts an analysis error after a CONSTRAINT clause at its true column${what}`, async () => {
        const text = `CREATE MATERIALIZED VIEW bad_orders (
  CONSTRAINT has_customer EXPECT (customer IS NOT NULL) ON VIOLATION DROP ROW
)${between} AS SELECT id, custmer FROM VALUES (1, 'a') AS t(id, customer);
`;
        const spec = project(text);
        const summary = await run(spec);
        assert.equal(summary.outcome, 'failed');
        const error = summary.errors.find((e) => /custmer/.test(e.message));
        assert.ok(error, JSON.stringify(summary.errors));
        const lines = text.split('\n');
        const line = lines.findIndex((l) => l.includes('custmer'));
        assert.equal(error.line, line + 1);
        assert.equal(error.column, lines[line]!.indexOf('custmer') + 1);
      });
  });
});
