import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startExampleSources, type ExampleSources } from '../../examples/retail/exampleSources.js';
import { writeRetailData } from '../../examples/retail/generator.js';
import { runNotebookCommand } from '../../src/cli/notebookCommand.js';
import { runPipelineCommand } from '../../src/cli/pipelineCommand.js';
import { chartInSpark, schemaOnlySql } from '../../src/core/charts/chartData.js';
import { chartFieldsOf } from '../../src/core/charts/chartFields.js';
import { chartRowsOf } from '../../src/core/charts/chartRows.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { attachDatabases } from '../../src/core/databases/databaseCatalogs.js';
import { LocalSparkCluster, type LocalClusterState } from '../../src/core/localSpark/localSparkCluster.js';
import { SparkUiJobs } from '../../src/core/localSpark/sparkUiJobs.js';
import type { PipelineRunSummary } from '../../src/core/pipelines/pipelineRun.js';
import { placeRetailSpec } from '../support/retailExample.js';
import { projectRoot, runtimeDir, testServer, waitForTasksEnded } from '../support/sparkTestServer.js';

/**
 * The cluster tier: what runs on the local server runs unchanged on a Spark standalone cluster (a master,
 * two workers, a Connect server submitted to the master, all on loopback), and gives the same answers.
 */
describe('on a Spark standalone cluster (master, two workers, Connect server)', function () {
  this.timeout(600_000);
  // Set by the cluster fixture, whose global setup runs after this file is loaded.
  let cluster: LocalClusterState;
  let clusterRemote: string;
  let clusterUi: number;
  const log: string[] = [];
  const folders: string[] = [];
  const suffix = Date.now() % 100_000;
  let local: SparkConnectClient;
  let onCluster: SparkConnectClient;
  let sources: ExampleSources;
  let raw: string;

  /** A copy of the retail example writing to its own schema and storage, reading the shared raw files. */
  function copyExample(database: string): { spec: string; storage: string; models: string } {
    const folder = mkdtempSync(join(tmpdir(), 'sw-cluster-'));
    folders.push(folder);
    cpSync(join(projectRoot(), 'examples', 'retail'), folder, { recursive: true });
    const spec = join(folder, 'spark-pipeline.yml');
    const storage = join(folder, 'storage');
    const models = `${pathToFileURL(storage).href}/models/churn`;
    placeRetailSpec(spec, { storage, raw, models, database, api: sources.api.url });
    return { spec, storage, models };
  }

  function runExample(client: SparkConnectClient, spec: string, refresh?: string[]): Promise<PipelineRunSummary> {
    return runPipelineCommand(
      client,
      spec,
      false,
      { format: 'text', distDir: join(projectRoot(), 'dist'), ...(refresh ? { refresh } : { fullRefreshAll: true }) },
      new AbortController().signal,
      (line) => log.push(line),
    );
  }

  async function rows(client: SparkConnectClient, sql: string): Promise<Record<string, unknown>[]> {
    return (await client.sql(sql).toTable()).toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
  }

  /**
   * Rows, and two order-independent sums of every row's hash: equal digests mean the same rows. The
   * time a row was processed (curated_transactions' `processed_date`, `current_timestamp()`) is left out.
   */
  async function digest(client: SparkConnectClient, table: string): Promise<string> {
    const columns = (await client.sql(`SELECT * FROM ${table} LIMIT 0`).toTable()).schema.fields
      .map((field) => field.name)
      .filter((name) => name !== 'processed_date')
      .map((name) => `\`${name}\``)
      .join(', ');
    const [row] = await rows(
      client,
      `SELECT count(*) AS n, coalesce(sum(CAST(xxhash64(${columns}) AS DECIMAL(38, 0))), 0) AS s,
              coalesce(bit_xor(hash(${columns})), 0) AS x FROM ${table}`,
    );
    return `${String(row!.n)} rows, ${String(row!.s)}/${String(row!.x)}`;
  }

  /** Each executor (not the driver) as Spark's status API reports it. */
  async function executors(): Promise<{ id: string; totalTasks: number; activeTasks: number }[]> {
    const base = `http://127.0.0.1:${clusterUi}/api/v1/applications`;
    const [app] = (await (await fetch(base)).json()) as { id: string }[];
    const all = (await (await fetch(`${base}/${app!.id}/executors`)).json()) as {
      id: string;
      totalTasks: number;
      activeTasks: number;
    }[];
    return all.filter((e) => e.id !== 'driver');
  }
  const executorTasks = async () => new Map((await executors()).map((e) => [e.id, e.totalTasks]));
  const executorActiveTasks = async () => new Map((await executors()).map((e) => [e.id, e.activeTasks]));

  const localDb = `cluster_ref_${suffix}`;
  const clusterDb = `cluster_run_${suffix}`;
  let reference: ReturnType<typeof copyExample>;
  let onClusterProject: ReturnType<typeof copyExample>;
  let localRun: PipelineRunSummary;
  let clusterRun: PipelineRunSummary;

  before(async () => {
    cluster = JSON.parse(process.env.SPARK_CLUSTER_STATE!) as LocalClusterState;
    clusterRemote = process.env.SPARK_CLUSTER_REMOTE!;
    clusterUi = cluster.connect.uiPort!;
    local = new SparkConnectClient(testServer().url);
    const jobs = new SparkUiJobs(clusterUi);
    jobs.prime();
    onCluster = new SparkConnectClient(clusterRemote, { jobControl: jobs });
    sources = await startExampleSources({
      exampleRoot: join(projectRoot(), 'examples', 'retail'),
      pgPort: 0,
      apiPort: 0,
      log: (line) => log.push(line),
    });
    raw = mkdtempSync(join(tmpdir(), 'sw-cluster-raw-'));
    folders.push(raw);
    writeRetailData(raw, { rows: 5_000, csvFiles: 4, jsonFiles: 3 });
    reference = copyExample(localDb);
    onClusterProject = copyExample(clusterDb);
    for (const client of [local, onCluster]) await attachDatabases(client, sources.databases, async () => sources.password);
  });

  after(async () => {
    for (const [client, db] of [
      [local, localDb],
      [onCluster, clusterDb],
    ] as const)
      await client
        ?.sql(`DROP SCHEMA IF EXISTS ${db} CASCADE`)
        .toTable()
        .catch(() => undefined);
    await local?.close();
    await onCluster?.close();
    await sources?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('has two workers, each running one executor of the Connect server', async () => {
    const workers = await new LocalSparkCluster(join(runtimeDir(), 'clusters'), join(runtimeDir(), 'servers')).workers(cluster);
    assert.equal(workers.length, 2);
    for (const worker of workers) {
      assert.equal(worker.state, 'ALIVE');
      assert.equal(worker.coresused, 1, `${worker.id} runs an executor on its core`);
    }
    assert.equal((await executorTasks()).size, 2);
    const [row] = await rows(onCluster, 'SELECT 1 AS one');
    assert.equal(row!.one, 1);
  });

  it('runs the retail example pipeline: every table the same rows as on the local server, by digest; both workers worked', async () => {
    const tasksBefore = await executorTasks();
    localRun = await runExample(local, reference.spec);
    assert.equal(localRun.outcome, 'completed', localRun.message);
    clusterRun = await runExample(onCluster, onClusterProject.spec);
    assert.equal(clusterRun.outcome, 'completed', `${clusterRun.message}\n${log.slice(-30).join('\n')}`);
    const tables = (await rows(onCluster, `SHOW TABLES IN ${clusterDb}`)).map((r) => String(r.tableName)).sort();
    assert.deepEqual(tables, (await rows(local, `SHOW TABLES IN ${localDb}`)).map((r) => String(r.tableName)).sort());
    assert.ok(tables.length >= 10, tables.join(', '));
    const differences: string[] = [];
    for (const table of tables) {
      const [expected, actual] = [await digest(local, `${localDb}.${table}`), await digest(onCluster, `${clusterDb}.${table}`)];
      if (expected !== actual) differences.push(`${table}: local ${expected}, cluster ${actual}`);
      assert.ok(!expected.startsWith('0 rows') || table === 'customer_churn_scores', `${table} has rows`);
    }
    assert.deepEqual(differences, []);
    const tasksAfter = await executorTasks();
    for (const [id, total] of tasksAfter)
      assert.ok(total - (tasksBefore.get(id) ?? 0) > 0, `executor ${id} ran tasks of the pipeline`);
  });

  it('gives the same data-quality results as the local server, check by check', () => {
    const outcomes = (run: PipelineRunSummary) =>
      run.quality.flatMap((dataset) =>
        dataset.results.map(
          (r) =>
            `${dataset.dataset.split('.').pop()} ${r.check.name}: ${r.status} ${r.failing ?? ''}/${r.checked ?? ''} ${r.dropped ?? ''}`,
        ),
      );
    assert.ok(outcomes(clusterRun).length >= 10, outcomes(clusterRun).join('\n'));
    assert.deepEqual(outcomes(clusterRun).sort(), outcomes(localRun).sort());
  });

  it('trains the churn model headless (churn_model.ipynb), then the pipeline scores every customer with it', async () => {
    const executed = join(onClusterProject.storage, 'churn_model.executed.ipynb');
    const notebookClient = new SparkConnectClient(clusterRemote);
    const trained = await runNotebookCommand(
      notebookClient,
      join(projectRoot(), 'examples', 'retail', 'churn_model.ipynb'),
      {
        parameters: [
          { name: 'models', value: onClusterProject.models },
          { name: 'database', value: clusterDb },
        ],
        out: executed,
        distDir: join(projectRoot(), 'dist'),
      },
      new AbortController().signal,
      (line) => log.push(line),
    ).finally(() => notebookClient.close());
    assert.equal(trained.failure, undefined, JSON.stringify(trained.failure));
    assert.ok(existsSync(executed));
    const scored = await runExample(onCluster, onClusterProject.spec, ['customer_churn_scores']);
    assert.equal(scored.outcome, 'completed', scored.message);
    const [counts] = await rows(
      onCluster,
      `SELECT (SELECT count(*) FROM ${clusterDb}.customer_churn_scores) AS scored,
              (SELECT count(*) FROM ${clusterDb}.customer_features WHERE as_of = (SELECT max(as_of) FROM ${clusterDb}.customer_features)) AS customers,
              (SELECT count(*) FROM ${clusterDb}.customer_churn_scores WHERE churn_probability BETWEEN 0 AND 1) AS valid`,
    );
    assert.ok(Number(counts!.scored) > 0);
    assert.equal(Number(counts!.scored), Number(counts!.customers));
    assert.equal(Number(counts!.valid), Number(counts!.scored));
  });

  it('draws a chart by pushdown: the same aggregated rows as on the local server', async () => {
    const sql = `SELECT * FROM ${clusterDb}.curated_transactions`;
    const spec = {
      mark: 'bar',
      encoding: {
        x: { field: 'segment', type: 'nominal' },
        y: { field: 'amount', type: 'quantitative', aggregate: 'sum' },
      },
    };
    const chart = async (client: SparkConnectClient, query: string) => {
      const runSql = (text: string) => client.sql(text).toTable();
      const fields = chartFieldsOf((await runSql(schemaOnlySql(query))).schema);
      const pushed = await chartInSpark({ sql: query, spec, fields }, runSql);
      assert.equal(pushed.kind, 'aggregated', pushed.kind === 'unsupported' ? pushed.reason : '');
      if (pushed.kind !== 'aggregated') return [];
      return chartRowsOf(pushed.table)
        .map((row) =>
          JSON.stringify(row, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(6)) : value)),
        )
        .sort();
    };
    const onClusterRows = await chart(onCluster, sql);
    assert.ok(onClusterRows.length > 1, onClusterRows.join('\n'));
    assert.deepEqual(onClusterRows, await chart(local, `SELECT * FROM ${localDb}.curated_transactions`));
  });

  it("a cancelled query leaves the workers idle within 2 s (no task on any executor, by Spark's status API)", async () => {
    const execution = onCluster.sql('SELECT sum(hash(a.id, b.id)) FROM range(40000000) a CROSS JOIN range(1000) b');
    let cancelledAt = 0;
    let busyAtCancel = new Map<string, number>();
    let watch: ReturnType<typeof waitForTasksEnded> | undefined;
    const run = (async () => {
      for await (const event of execution) {
        if (!cancelledAt && event.type === 'progress' && event.progress.inflightTasks > 0) {
          // Let the tasks get going on both executors before the cancel.
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          busyAtCancel = await executorActiveTasks();
          cancelledAt = Date.now();
          execution.cancel();
          // Watched from the cancel on, not from when the client hears of it.
          watch = waitForTasksEnded(cancelledAt, 2_000, clusterUi);
        }
      }
    })();
    await assert.rejects(run, (error: unknown) => error instanceof SparkError && error.kind === 'cancelled');
    assert.ok(cancelledAt > 0 && watch, 'the query was cancelled while its tasks ran');
    assert.deepEqual([...busyAtCancel.values()], [1, 1], 'each executor ran a task of the query when it was cancelled');
    const { activeTasks, endedAfterMs } = await watch;
    console.log(`      cancel: the executors' last task ended ${endedAfterMs} ms after it`);
    assert.equal(activeTasks, 0, `${activeTasks} tasks still run ${endedAfterMs} ms after the cancel`);
    assert.ok(endedAfterMs <= 2_000);
    const [row] = await rows(onCluster, 'SELECT count(*) AS n FROM range(1000)');
    assert.equal(Number(row!.n), 1000, 'the session goes on after the cancel');
  });
});
