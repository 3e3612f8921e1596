import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipelineEnvironment } from '../../src/core/pipelines/pipelineEnvironment.js';
import { runPipeline } from '../../src/core/pipelines/pipelineRun.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { pipelineProject, pythonDefinition } from '../support/pipelineProject.js';
import { startPythonCells, type PythonCells } from '../support/pythonCells.js';
import { testServer } from '../support/sparkTestServer.js';

/** Point-in-time training sets (python/spark_workbench_features.py) on real Spark. */
describe('point-in-time training sets', function () {
  this.timeout(300_000);
  let client: SparkConnectClient;
  let cells: PythonCells;

  before(async () => {
    client = new SparkConnectClient(testServer().url);
    cells = await startPythonCells(client, 'features-notebook');
    const ready = await cells.run(`
from datetime import datetime, timedelta
from pyspark.sql import functions as F
from spark_workbench_features import FeatureTable, training_set, training_set_sql
t = lambda s: datetime.fromisoformat(s)
print("ready")`);
    assert.equal(ready.status, 'ok', ready.text);
  });
  after(async () => {
    cells?.dispose();
    await client?.close();
  });

  /** Runs Python that prints one JSON line, RESULT {...}; returns it parsed. */
  async function result(code: string): Promise<unknown> {
    const ran = await cells.run(`import json\n${code}`);
    assert.equal(ran.status, 'ok', ran.text);
    const line = ran.text.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, ran.text);
    return JSON.parse(line.slice('RESULT '.length));
  }

  it('takes the latest feature row at or before the label time: never a later one, ties included (the greater of two at one instant), none → NULL', async () => {
    const rows = await result(`
labels = spark.createDataFrame([
    ("c1", t("2024-03-10 12:00:00"), 1),   # a row 1 s later exists: it must not be taken
    ("c2", t("2024-03-10 12:00:00"), 0),   # a row at exactly the label time: taken
    ("c3", t("2024-03-10 12:00:00"), 1),   # rows only after: NULL
    ("c4", t("2024-03-10 12:00:00"), 0),   # no rows at all: NULL
    (None, t("2024-03-10 12:00:00"), 0),   # no key: NULL
], "customer_id STRING, label_time TIMESTAMP, label INT")
features = spark.createDataFrame([
    ("c1", t("2024-03-01 00:00:00"), 1.0),
    ("c1", t("2024-03-10 11:59:59"), 2.0),
    ("c1", t("2024-03-10 12:00:01"), 99.0),
    ("c2", t("2024-03-09 00:00:00"), 3.0),
    ("c2", t("2024-03-10 12:00:00"), 4.0),
    ("c2", t("2024-03-10 12:00:00"), 4.5),  # two rows at one instant: the greater, every run
    ("c3", t("2024-03-10 12:00:01"), 5.0),
    (None, t("2024-03-01 00:00:00"), 6.0),
], "customer_id STRING, feature_time TIMESTAMP, recency DOUBLE")
out = training_set(spark, labels, "label_time", [FeatureTable(features, ["customer_id"], "feature_time")])
print("RESULT", json.dumps([[r.customer_id, r.label, r.recency] for r in out.orderBy(F.col("customer_id").asc_nulls_last()).collect()]))`);
    assert.deepEqual(rows, [
      ['c1', 1, 2.0],
      ['c2', 0, 4.5],
      ['c3', 1, null],
      ['c4', 0, null],
      [null, 0, null],
    ]);
  });

  it('a maximum age leaves an older row out; several tables, one with two keys, each as of the label', async () => {
    const rows = await result(`
labels = spark.createDataFrame([
    ("c1", "p1", t("2024-03-10 00:00:00")),
    ("c1", "p2", t("2024-03-10 00:00:00")),
    ("c2", "p1", t("2024-03-10 00:00:00")),
], "customer_id STRING, product_id STRING, label_time TIMESTAMP")
customers = spark.createDataFrame([
    ("c1", t("2024-03-05 00:00:00"), 10),    # 5 days old: kept
    ("c2", t("2024-02-01 00:00:00"), 20),    # 38 days old: left out
], "customer_id STRING, at TIMESTAMP, visits INT")
pairs = spark.createDataFrame([
    ("c1", "p1", t("2024-03-09 00:00:00"), 0.5),
    ("c1", "p2", t("2024-03-11 00:00:00"), 0.9),   # after the label: left out
    ("c2", "p1", t("2024-03-01 00:00:00"), 0.1),
], "customer_id STRING, product_id STRING, at TIMESTAMP, affinity DOUBLE")
out = training_set(spark, labels, "label_time", [
    FeatureTable(customers, "customer_id", "at"),
    FeatureTable(pairs, ["customer_id", "product_id"], "at"),
], max_age="30 days")
print("RESULT", json.dumps([[r.customer_id, r.product_id, r.visits, r.affinity] for r in out.orderBy("customer_id", "product_id").collect()]))`);
    assert.deepEqual(rows, [
      ['c1', 'p1', 10, 0.5],
      ['c1', 'p2', 10, null],
      ['c2', 'p1', null, 0.1],
    ]);
  });

  it("equals Spark's own DataFrame as-of join on 1,000 random labels, with and without a maximum age", async () => {
    const compared = await result(`
import random
random.seed(7)
base = t("2024-01-01 00:00:00")
label_rows = [(f"k{random.randrange(60)}", base + timedelta(minutes=random.randrange(60 * 24 * 30)), i) for i in range(1000)]
feature_rows = list({(f"k{random.randrange(60)}", base + timedelta(minutes=random.randrange(60 * 24 * 30))) for _ in range(3000)})
labels = spark.createDataFrame(label_rows, "key STRING, label_time TIMESTAMP, label_id INT")
features = spark.createDataFrame([(k, at, float(i)) for i, (k, at) in enumerate(feature_rows)], "key STRING, at TIMESTAMP, value DOUBLE")
outcome = {}
for age, tolerance in ((None, None), ("2 days", F.expr("INTERVAL 2 DAYS"))):
    ours = training_set(spark, labels, "label_time", [FeatureTable(features, "key", "at")], max_age=age)
    theirs = labels._joinAsOf(features.withColumnRenamed("key", "fkey"), leftAsOfColumn="label_time", rightAsOfColumn="at",
                              on=F.col("key") == F.col("fkey"), how="left", tolerance=tolerance, allowExactMatches=True, direction="backward")
    mine = {r.label_id: r.value for r in ours.select("label_id", "value").collect()}
    spark_own = {r.label_id: r.value for r in theirs.select("label_id", "value").collect()}
    outcome[str(age)] = [len(mine), sum(v is not None for v in mine.values()), mine == spark_own]
print("RESULT", json.dumps(outcome))`);
    const { None: all, '2 days': recent } = compared as { None: [number, number, boolean]; '2 days': [number, number, boolean] };
    assert.deepEqual([all[0], all[2]], [1000, true]);
    assert.deepEqual([recent[0], recent[2]], [1000, true]);
    assert.ok(all[1] > 900 && recent[1] < all[1], `features found: ${all[1]} without a maximum age, ${recent[1]} within 2 days`);
  });

  it('gives the same rows as SQL to read and copy, over tables by name', async () => {
    const same = await result(`
spark.sql("CREATE SCHEMA IF NOT EXISTS pit_it")
spark.createDataFrame([("c1", t("2024-03-10 12:00:00"), 1), ("c2", t("2024-03-10 12:00:00"), 0)],
    "customer_id STRING, label_time TIMESTAMP, label INT").write.mode("overwrite").saveAsTable("pit_it.labels")
spark.createDataFrame([("c1", t("2024-03-09 00:00:00"), 1.5), ("c1", t("2024-03-11 00:00:00"), 9.0)],
    "customer_id STRING, feature_time TIMESTAMP, recency DOUBLE").write.mode("overwrite").saveAsTable("pit_it.customer_features")
table = FeatureTable("pit_it.customer_features", ["customer_id"], "feature_time", features=["recency"])
sql = training_set_sql("pit_it.labels", "label_time", [table])
from_sql = sorted(tuple(r) for r in spark.sql(sql).collect())
from_python = sorted(tuple(r) for r in training_set(spark, "pit_it.labels", "label_time", [table]).collect())
spark.sql("DROP SCHEMA pit_it CASCADE")
print("RESULT", json.dumps({"same": from_sql == from_python, "rows": [[r[0], r[3]] for r in from_sql], "mentions": "last(__f, true) OVER" in sql}))`);
    assert.deepEqual(same, {
      same: true,
      rows: [
        ['c1', 1.5],
        ['c2', null],
      ],
      mentions: true,
    });
  });

  it("a pipeline's feature tables (SQL and Python) carry their keys in the catalog and check them after the run", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-features-'));
    try {
      const project = pipelineProject(folder, {
        name: 'features',
        database: 'features_it',
        files: {
          'transformations/features.sql': `CREATE MATERIALIZED VIEW customer_features
TBLPROPERTIES ('feature_table.keys' = 'customer_id', 'feature_table.timestamp' = 'feature_time')
AS SELECT * FROM VALUES
  ('c1', TIMESTAMP'2024-01-01 00:00:00', 1), ('c1', TIMESTAMP'2024-01-01 00:00:00', 2),
  ('c2', TIMESTAMP'2024-01-01 00:00:00', 3), (NULL, TIMESTAMP'2024-01-02 00:00:00', 4)
  AS t(customer_id, feature_time, visits);
`,
          'transformations/visits.py': pythonDefinition(
            "@dp.materialized_view(table_properties={'feature_table.keys': 'customer_id', 'feature_table.timestamp': 'day'})",
            'daily_visits',
            'spark.range(5).selectExpr("CAST(id AS STRING) AS customer_id", "DATE\'2024-01-01\' AS day", "id AS visits")',
          ),
        },
      });
      const summary = await runPipeline(
        pipelineEnvironment(
          client,
          async () => [],
          async () => cells.helper,
        ),
        project,
      );
      assert.equal(summary.outcome, 'completed', JSON.stringify(summary.errors) + (summary.message ?? ''));
      const results = Object.fromEntries(
        summary.quality.flatMap((d) =>
          d.results.map((r) => [`${d.dataset.split('.').at(-1)}.${r.check.name}`, `${r.status} ${r.failing ?? ''}`.trim()]),
        ),
      );
      assert.deepEqual(results, {
        'customer_features.feature_customer_id_present': 'failed 1',
        'customer_features.feature_feature_time_present': 'passed 0',
        'customer_features.feature_keys_unique': 'failed 2',
        'daily_visits.feature_customer_id_present': 'passed 0',
        'daily_visits.feature_day_present': 'passed 0',
        'daily_visits.feature_keys_unique': 'passed 0',
      });
      const located = summary.quality.flatMap((d) => d.results).map((r) => `${r.check.location.file}`);
      assert.deepEqual([...new Set(located)].sort(), ['transformations/features.sql', 'transformations/visits.py']);
      assert.deepEqual(
        summary.graph.datasets.map((d) => [d.name, d.featureTable?.keys.join(','), d.featureTable?.timestamp]),
        [
          ['customer_features', 'customer_id', 'feature_time'],
          ['daily_visits', 'customer_id', 'day'],
        ],
      );
      const properties = await client.sql('SHOW TBLPROPERTIES features_it.customer_features').toTable();
      const byKey = Object.fromEntries([...properties].map((row) => [String(row.key), String(row.value)]));
      assert.equal(byKey['feature_table.keys'], 'customer_id');
      assert.equal(byKey['feature_table.timestamp'], 'feature_time');
    } finally {
      await client.sql('DROP SCHEMA IF EXISTS features_it CASCADE').toTable();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('says which column is missing or clashes', async () => {
    const ran = await cells.run(`
labels = spark.createDataFrame([("c1", t("2024-03-10 12:00:00"), 1.0)], "customer_id STRING, label_time TIMESTAMP, recency DOUBLE")
features = spark.createDataFrame([("c1", t("2024-03-01 00:00:00"), 2.0)], "customer_id STRING, at TIMESTAMP, recency DOUBLE")
for call in (lambda: training_set(spark, labels, "when", [FeatureTable(features, "customer_id", "at")]),
             lambda: training_set(spark, labels, "label_time", [FeatureTable(features, "customer", "at")]),
             lambda: training_set(spark, labels, "label_time", [FeatureTable(features, "customer_id", "at")]),
             lambda: training_set(spark, labels, "label_time", [FeatureTable(features, "customer_id", "at")], max_age="soon")):
    try:
        call()
        print("no error")
    except ValueError as error:
        print("ERROR", error)`);
    assert.equal(ran.status, 'ok', ran.text);
    const errors = ran.text.trim().split('\n');
    assert.match(errors[0]!, /^ERROR The labels have no column 'when' \(they have customer_id, label_time, recency\)\.$/);
    assert.match(errors[1]!, /^ERROR A feature table has no column 'customer'\.$/);
    assert.match(
      errors[2]!,
      /^ERROR The feature 'recency' of a feature table has the name of a column the training set has already: give the table a prefix\.$/,
    );
    assert.match(errors[3]!, /^ERROR max_age is a number and a unit/);
  });
});
