import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeRetailData } from '../../examples/retail/generator.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import type { CellOutput } from '../../src/core/notebooks/notebookKernel.js';
import type { Notebook } from '../../src/core/notebooks/ipynb.js';
import { filesOnlySpec } from '../../src/vscode/pipelines/retailExample.js';
import { cli } from '../support/runCli.js';
import { startPythonCells, type PythonCells } from '../support/pythonCells.js';
import { projectRoot, testServer, waitForTasksEnded } from '../support/sparkTestServer.js';

interface DatasetJson {
  name: string;
  state: string;
  rows?: number;
  reason?: string;
}

/**
 * The example's churn model end to end on real Spark, through the CLI as a scheduler runs it: the
 * pipeline (its scoring skipped while no model exists), the model notebook headless (trained, evaluated,
 * saved as a version), the pipeline again (scoring with the newest version), the model loaded in a fresh
 * session scoring the same, a bad feature column located in its cell, and a fit stopped within 2 s.
 */
describe('the churn model: trained in a notebook, scoring in the pipeline', function () {
  this.timeout(600_000);
  const database = `models_it_${Date.now() % 100000}`;
  const folder = mkdtempSync(join(tmpdir(), 'sw-models-it-'));
  const models = `${pathToFileURL(join(folder, 'storage')).href}/models/churn`;
  const remote = () => testServer().url;
  let client: SparkConnectClient;
  let cells: PythonCells;

  before(() => {
    cpSync(join(projectRoot(), 'examples', 'retail'), folder, { recursive: true });
    rmSync(join(folder, 'sources'), { recursive: true });
    rmSync(join(folder, 'spark-workbench.yml'));
    const spec = join(folder, 'spark-pipeline.yml');
    writeFileSync(
      spec,
      filesOnlySpec(readFileSync(spec, 'utf8'))
        .replace(/^storage: .*$/m, `storage: ${pathToFileURL(join(folder, 'storage')).href}`)
        .replace(/^database: .*$/m, `database: ${database}`)
        .replace(/^( {2}retail\.raw: ).*$/m, `$1${pathToFileURL(join(folder, 'raw')).href}`)
        .replace(/^( {2}retail\.models: ).*$/m, `$1${models}`),
    );
    writeRetailData(join(folder, 'raw'), { rows: 2_000 });
    client = new SparkConnectClient(testServer().url);
  });
  after(async () => {
    cells?.dispose();
    await client
      ?.sql(`DROP SCHEMA IF EXISTS ${database} CASCADE`)
      .toTable()
      .catch(() => undefined);
    await client?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const pipelineRun = async () => {
    const run = await cli(['pipeline', 'run', folder, '--remote', remote(), '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { datasets: DatasetJson[] }).datasets;
  };
  /** The model notebook (or another) headless through the CLI, on this test's database and model folder. */
  const notebookRun = (out: string, params: string[] = [], notebook = join(folder, 'churn_model.ipynb')) =>
    cli([
      'notebook',
      'run',
      notebook,
      '--remote',
      remote(),
      '--out',
      out,
      '--param',
      `database=${database}`,
      '--param',
      `models=${models}`,
      ...params.flatMap((p) => ['--param', p]),
    ]);
  const printed = (notebook: Notebook) =>
    notebook.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => (o.output_type === 'stream' ? o.text.join('') : ''))
      .join('');

  it('skips the scoring view, saying why, while no model is saved', async () => {
    const datasets = await pipelineRun();
    const scores = datasets.find((d) => d.name === 'customer_churn_scores');
    assert.equal(scores?.state, 'skipped');
    assert.match(scores?.reason ?? '', /^no churn model saved under .*models\/churn yet: run churn_model\.ipynb/);
    assert.equal(datasets.find((d) => d.name === 'customer_features')?.state, 'completed');
  });

  it('trains the seed model headless: metrics within bounds, charts, a version saved with its record', async () => {
    const out = join(folder, 'executed-1.ipynb');
    const run = await notebookRun(out);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Ran 7 cells in [\d.]+ s; wrote /);
    const notebook = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    const injected = notebook.cells.findIndex((c) => c.metadata.tags?.includes('injected-parameters'));
    assert.ok(notebook.cells[injected - 1]?.metadata.tags?.includes('parameters'), 'parameters go after the tagged cell');
    const text = printed(notebook);
    const [, auc, accuracy] = /AUC ([\d.]+), accuracy ([\d.]+) on \d+ held-out labels/.exec(text) ?? [];
    // The generator's customers stop buying on days of their own: recency and frequency predict it.
    assert.ok(Number(auc) >= 0.75 && Number(auc) <= 0.95, text);
    assert.ok(Number(accuracy) >= 0.7, text);
    const charts = notebook.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'display_data');
    assert.deepEqual(
      charts.map((o) => ((o.data['application/vnd.vegalite.v5+json'] as { title?: string }) ?? {}).title),
      ['Held-out metrics', 'Confusion matrix', 'Feature importances'],
    );
    assert.match(
      text,
      /Saved v1 \(saved .*; areaUnderROC 0\.\d+, accuracy 0\.\d+, trainLabels \d+, testLabels \d+\) at .*\/models\/churn\/v1/,
    );
    const record = (await client.sql(`SELECT value FROM text.\`${models}/v1/workbench_model\``).toTable()).get(0)!.toJSON() as {
      value: string;
    };
    const saved = JSON.parse(record.value) as {
      version: number;
      training_from: string;
      training_to: string;
      metrics: { areaUnderROC: number };
    };
    assert.equal(saved.version, 1);
    assert.equal(saved.training_from, '2024-01-06 00:00:00');
    assert.equal(saved.training_to, '2024-01-10 00:00:00');
    assert.equal(saved.metrics.areaUnderROC.toFixed(3), Number(auc).toFixed(3));
  });

  it('scores in the pipeline with the newest version, as the model loaded in a fresh session scores', async () => {
    const second = await notebookRun(join(folder, 'executed-2.ipynb'), ['num_trees=5']);
    assert.equal(second.code, 0, second.stderr);
    // As text, the run says which model it used, and when it applied it.
    const run = await cli(['pipeline', 'run', folder, '--remote', remote()]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Model v2 \(saved [^)]*areaUnderROC 0\.\d+[^)]*\) at .*\/models\/churn\/v2\n/);
    assert.match(run.stderr, /Applying models in customer_churn_scores, now that the datasets they read are refreshed/);
    const row = /^customer_churn_scores +materializedView +completed +([\d,]+) /m.exec(run.stderr);
    assert.ok(row, run.stderr);
    const scores = { rows: Number(row[1]!.replace(/,/g, '')) };
    // Every customer who bought, as of the last day (this run's features, not the previous run's).
    const [customers] = (
      await client.sql(`SELECT count(DISTINCT customer_id) AS n FROM ${database}.customer_features`).toTable()
    ).toArray();
    assert.equal(scores?.rows, Number((customers as { n: bigint }).n));
    cells = await startPythonCells(new SparkConnectClient(testServer().url), 'models-fresh-session');
    const compared = await cells.run(`
from pyspark.ml import PipelineModel
from pyspark.ml.functions import vector_to_array
from pyspark.sql import functions as F
model = PipelineModel.load("${models}/v2")
features = spark.read.table("${database}.customer_features")
latest = features.join(features.agg(F.max("as_of").alias("as_of")), "as_of")
fresh = model.transform(latest.selectExpr("customer_id", "recency_days AS feature1", "frequency_7d AS feature2")) \\
    .select("customer_id", vector_to_array("probability")[1].alias("p"))
scored = spark.read.table("${database}.customer_churn_scores")
print("versions", sorted(r.model_version for r in scored.select("model_version").distinct().collect()))
print("differ", fresh.join(scored, "customer_id", "full").where("p IS NULL OR churn_probability IS NULL OR abs(p - churn_probability) > 1e-12").count())
print("rows", fresh.count())`);
    assert.equal(compared.status, 'ok', compared.text);
    assert.match(compared.text, /versions \['v2'\]/);
    assert.match(compared.text, /differ 0\n/);
    assert.match(compared.text, new RegExp(`rows ${scores?.rows}\\n`));
  });

  it('refreshes the scoring view alone, after the tables it reads were made by an earlier run', async () => {
    const run = await cli([
      'pipeline',
      'run',
      folder,
      '--remote',
      remote(),
      '--format',
      'json',
      '--refresh',
      'customer_churn_scores',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const datasets = (JSON.parse(run.stdout) as { datasets: DatasetJson[] }).datasets;
    assert.equal(datasets.find((d) => d.name === 'customer_churn_scores')?.state, 'completed');
    assert.ok((datasets.find((d) => d.name === 'customer_churn_scores')?.rows ?? 0) > 0);
    assert.equal(datasets.find((d) => d.name === 'customer_features')?.state, 'excluded');
  });

  it('a bad feature column fails the notebook at its cell and line, the notebook written with the error', async () => {
    const path = join(folder, 'churn_model.ipynb');
    const notebook = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
    const training = notebook.cells.find((c) => (c.source as string[]).join('').includes('pipeline.fit(train)'))!;
    training.source = (training.source as string[]).map((line) =>
      line.replace('["feature1", "feature2"]', '["feature1", "feature_2"]'),
    );
    const broken = join(folder, 'broken_model.ipynb');
    writeFileSync(broken, JSON.stringify(notebook));
    const out = join(folder, 'broken-executed.ipynb');
    const run = await notebookRun(out, [], broken);
    assert.equal(run.code, 1, run.stderr);
    const cell = notebook.cells.indexOf(training) + 1;
    const line = (training.source as string[]).findIndex((l) => l.includes('pipeline.fit(train)')) + 1;
    assert.match(run.stderr, new RegExp(`broken_model\\.ipynb:${cell}:${line}: error \\w+: .*feature_2`));
    const written = JSON.parse(readFileSync(out, 'utf8')) as Notebook;
    const failed = written.cells.find((c) => c.outputs?.some((o) => o.output_type === 'error'));
    assert.ok(failed, 'the error is in the written notebook');
    assert.ok(
      written.cells.slice(written.cells.indexOf(failed) + 1).every((c) => !c.outputs?.length),
      'nothing ran after it',
    );
  });

  it("stops a long fit within 2 s of the cell's interrupt, showing Spark's progress until then", async () => {
    cells ??= await startPythonCells(new SparkConnectClient(testServer().url), 'models-interrupt');
    const progress: string[] = [];
    const outputs: CellOutput[] = [];
    let interruptedAt = 0;
    const running = cells.kernel.run(
      'python',
      `from pyspark.ml import Pipeline
from pyspark.ml.classification import RandomForestClassifier
from pyspark.ml.feature import VectorAssembler
data = spark.range(0, 3_000_000, 1, 16).selectExpr("rand(1) AS feature1", "rand(2) AS feature2", "CAST(rand(3) > 0.5 AS DOUBLE) AS label")
Pipeline(stages=[VectorAssembler(inputCols=["feature1", "feature2"], outputCol="features"),
                 RandomForestClassifier(labelCol="label", numTrees=100, maxDepth=12)]).fit(data)`,
      {
        output: (o) => outputs.push(o),
        progress: (text) => {
          progress.push(text);
          if (!interruptedAt && /tasks/.test(text)) {
            interruptedAt = Date.now() + 1_500;
            setTimeout(() => cells.kernel.interrupt(), 1_500);
          }
        },
      },
    );
    const result = await running;
    assert.ok(interruptedAt > 0, `no progress was shown: ${JSON.stringify(outputs)}`);
    assert.equal(result.status, 'interrupted', JSON.stringify(outputs));
    // Spark stops a cancelled job's running tasks when they next look (at their next row): 16 partitions
    // keep a task of the forest short (with 2, a task ran on for up to 5 s after its job was cancelled).
    const ended = await waitForTasksEnded(interruptedAt, 10_000);
    assert.equal(ended.activeTasks, 0);
    assert.ok(ended.endedAfterMs <= 2_000, `tasks ran ${ended.endedAfterMs} ms after the interrupt`);
    assert.ok(
      progress.some((p) => /stages \d+\/\d+ · tasks \d+\/\d+/.test(p)),
      progress.join('\n'),
    );
  });
});
