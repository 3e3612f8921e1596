import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { startExampleSources, type ExampleSources } from '../../examples/retail/exampleSources.js';
import { writeRetailData } from '../../examples/retail/generator.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { freeLoopbackPort } from '../../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { promtool } from '../support/promtool.js';
import { cli } from '../support/runCli.js';
import { placeRetailSpec } from '../support/retailExample.js';
import { projectRoot, runtimeDir, testServer } from '../support/sparkTestServer.js';

interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
}

/**
 * Schedules and CI: the GitHub Actions workflow `pipeline init --ci github` writes passes actionlint
 * and its shell steps, run in order on this machine, validate, dry-run and run the pipeline on a local
 * Spark of their own and leave SARIF for code scanning; the Airflow DAGs' Python compiles, has the two
 * DAGs wired by the raw zone's asset, and each task's command runs, in the DAGs' order, against the
 * test server (Airflow itself is not installed here: see docs/deployment.md).
 */
describe('schedules and CI: the GitHub workflow and the Airflow DAGs', function () {
  this.timeout(600_000);
  const work = mkdtempSync(join(tmpdir(), 'sw-schedules-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('pipeline init --ci github', () => {
    const repo = join(work, 'repo');
    let workflowPath: string;
    let actionlint: string;

    before(() => {
      mkdirSync(repo, { recursive: true });
      assert.equal(spawnSync('git', ['init', '-q'], { cwd: repo }).status, 0);
      actionlint = join(work, 'actionlint');
      const built = spawnSync('go', ['build', '-o', actionlint, 'github.com/rhysd/actionlint/cmd/actionlint'], {
        cwd: join(projectRoot(), 'test', 'deploy', 'actionlint'),
        encoding: 'utf8',
      });
      assert.equal(built.status, 0, built.stderr);
    });

    it('asks where the workflow gets the CLI from, and writes nothing until told', async () => {
      const refused = await cli(['pipeline', 'init', 'sales', '--ci', 'github'], {}, repo);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /--ci github needs --cli-package/);
      assert.ok(!existsSync(join(repo, 'sales')));
    });

    it("writes the workflow at the repository's root, and actionlint passes it (and refuses a planted mistake)", async () => {
      const made = await cli(
        ['pipeline', 'init', 'sales', '--ci', 'github', '--cli-package', 'github:example/spark-workbench#v0.1.0'],
        {},
        repo,
      );
      assert.equal(made.code, 0, made.stderr);
      workflowPath = join(repo, '.github', 'workflows', 'spark-pipeline-sales.yml');
      assert.ok(existsSync(workflowPath), made.stderr);
      const lint = spawnSync(actionlint, ['-no-color', workflowPath], { encoding: 'utf8', cwd: repo });
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
      const planted = join(work, 'planted.yml');
      writeFileSync(planted, readFileSync(workflowPath, 'utf8').replace('java-version:', 'java-versio:'));
      const refused = spawnSync(actionlint, ['-no-color', planted], { encoding: 'utf8', cwd: repo });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stdout, /java-versio/);
      // Again on the same project: only the workflow is new, never written over.
      const again = await cli(['pipeline', 'init', 'sales', '--ci', 'github', '--cli-package', 'x'], {}, repo);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /exists already/);
    });

    it("its steps, run in order here, validate, dry-run and run the pipeline on a local Spark and leave SARIF at the check's line", async () => {
      // A failing warn-severity check, so code scanning has an alert to show.
      writeFileSync(
        join(repo, 'sales', 'spark-quality.yml'),
        'datasets:\n  example_numbers:\n    - between: square\n      max: 50\n      severity: warn\n',
      );
      const workflow = parse(readFileSync(workflowPath, 'utf8')) as {
        jobs: { pipeline: { env: Record<string, string>; steps: WorkflowStep[] } };
      };
      const { env, steps } = workflow.jobs.pipeline;
      const uses = steps.filter((s) => s.uses).map((s) => s.uses!.split('@')[0]);
      assert.deepEqual(uses, [
        'actions/checkout',
        'actions/setup-java',
        'actions/setup-python',
        'actions/setup-node',
        'actions/cache',
        'github/codeql-action/upload-sarif',
      ]);
      // The one change: the CLI is this checkout's, on the PATH, instead of `npm install --global`.
      const bin = join(work, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(
        join(bin, 'spark-workbench'),
        `#!/bin/sh\nexec "${process.execPath}" "${join(projectRoot(), 'bin', 'spark-workbench.js')}" "$@"\n`,
      );
      chmodSync(join(bin, 'spark-workbench'), 0o755);
      const shellEnv = {
        ...process.env,
        ...env,
        SPARK_PORT: String(await freeLoopbackPort()),
        PATH: `${bin}:${process.env.PATH}`,
        SPARK_WORKBENCH_HOME: runtimeDir(),
        // Set, if empty (the workflow's steps must not take a developer's server): spark-submit refused to
        // start a server while SPARK_REMOTE was in its environment at all.
        SPARK_REMOTE: '',
      };
      const runSteps = steps.filter((s) => s.run && !s.run.startsWith('npm install'));
      assert.deepEqual(
        runSteps.map((s) => s.run!.split(' ').slice(0, 3).join(' ')),
        [
          'spark-workbench pipeline validate',
          'spark-workbench server start',
          'spark-workbench pipeline dry-run',
          'spark-workbench pipeline run',
          'spark-workbench server stop',
        ],
      );
      const outputs: string[] = [];
      let failed: string | undefined;
      for (const step of runSteps) {
        if (failed && step.if !== 'always()') continue;
        const ran = spawnSync('bash', ['-e', '-c', step.run!], { cwd: repo, env: shellEnv, encoding: 'utf8' });
        outputs.push(`$ ${step.run}\n${ran.stdout}${ran.stderr}`);
        if (ran.status !== 0 && !failed) failed = `${step.name} exited ${ran.status}`;
      }
      // The run's warn-severity failure is an alert, not a failed job: the run exits 0.
      assert.equal(failed, undefined, outputs.join('\n'));
      const sarif = JSON.parse(readFileSync(join(repo, 'spark-quality.sarif'), 'utf8')) as {
        version: string;
        runs: {
          results: {
            level: string;
            locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
          }[];
        }[];
      };
      assert.equal(sarif.version, '2.1.0');
      const alert = sarif.runs[0]!.results.find((r) => r.level === 'warning');
      assert.ok(alert, JSON.stringify(sarif.runs[0]!.results));
      assert.equal(alert.locations[0]!.physicalLocation.artifactLocation.uri, 'sales/spark-quality.yml');
      assert.equal(alert.locations[0]!.physicalLocation.region.startLine, 3);
    });
  });

  describe('the Airflow DAGs (deploy/airflow)', () => {
    const dags = join(projectRoot(), 'deploy', 'airflow', 'dags');
    let python: string;

    before(async () => {
      python = (await new SparkRuntimeInstaller(runtimeDir()).ensureInstalled()).pythonExecutable;
    });

    it('compile, and define the ingestion and processing DAGs, processing scheduled by the asset ingestion updates', () => {
      const compiled = spawnSync(
        python,
        ['-m', 'py_compile', join(dags, 'retail_dags.py'), join(dags, 'spark_workbench_commands.py')],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(compiled.status, 0, compiled.stderr);
      const shape = spawnSync(
        python,
        [
          '-c',
          `import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
dags = {}
for node in ast.walk(tree):
    if isinstance(node, ast.With):
        call = node.items[0].context_expr
        kw = {k.arg: k.value for k in call.keywords}
        tasks = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and getattr(sub.func, "id", "") == "BashOperator":
                skw = {k.arg: k.value for k in sub.keywords}
                tasks[skw["task_id"].value] = ast.unparse(skw.get("outlets")) if "outlets" in skw else None
        dags[kw["dag_id"].value] = {"schedule": ast.unparse(kw["schedule"]), "tasks": tasks}
print(json.dumps(dags))`,
          join(dags, 'retail_dags.py'),
        ],
        { encoding: 'utf8' },
      );
      assert.equal(shape.status, 0, shape.stderr);
      assert.deepEqual(JSON.parse(shape.stdout), {
        retail_ingestion: { schedule: "'0 2 * * *'", tasks: { ingest_raw_zone: '[RAW_ZONE]' } },
        retail_processing: {
          schedule: '[RAW_ZONE]',
          tasks: { build_curated_and_features: null, train_churn_model: null, score_customers: null },
        },
      });
    });

    describe("each task's command, in the DAGs' order, against the test server", () => {
      const suffix = Date.now() % 100_000;
      const schema = `sched_${suffix}`;
      const project = join(work, 'retail');
      const metrics = join(work, 'metrics');
      let sources: ExampleSources;
      let client: SparkConnectClient;

      before(async () => {
        client = new SparkConnectClient(testServer().url);
        sources = await startExampleSources({
          exampleRoot: join(projectRoot(), 'examples', 'retail'),
          pgPort: 0,
          apiPort: 0,
          log: () => {},
        });
        cpSync(join(projectRoot(), 'examples', 'retail'), project, { recursive: true });
        const raw = join(work, 'raw');
        writeRetailData(raw, { rows: 2_000 });
        mkdirSync(metrics, { recursive: true });
        placeRetailSpec(join(project, 'spark-pipeline.yml'), {
          storage: join(work, 'storage'),
          raw,
          api: sources.api.url,
          models: pathToFileURL(join(work, 'models')).href,
        });
        const [crm, analytics] = sources.databases;
        writeFileSync(
          join(project, 'spark-workbench.yml'),
          `databases:
  crm:
    url: ${crm!.url}
    user: ${crm!.user}
  analytics:
    url: ${analytics!.url}
    user: ${analytics!.user}
environments:
  scheduled:
    production: true
    remote: sc://127.0.0.1:${testServer().port}
    schema: ${schema}
    storage: ${pathToFileURL(join(work, 'storage-scheduled')).href}
`,
        );
      });
      after(async () => {
        await client
          ?.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          .toTable()
          .catch(() => undefined);
        await client?.close();
        await sources?.close();
      });

      /** The argument lists spark_workbench_commands.py makes for the DAGs' four tasks. */
      function taskCommands(): string[][] {
        const script = `import json, sys
sys.path.insert(0, sys.argv[1])
import spark_workbench_commands as c
project, target, schema, metrics, models, out = sys.argv[2:8]
print(json.dumps([
    c.pipeline_run(project, target, c.INGESTION_DATASETS, "ingestion", metrics),
    c.pipeline_run(project, target, c.PROCESSING_DATASETS, "processing", metrics),
    c.train_model(project, target, schema, models, out),
    c.pipeline_run(project, target, c.SCORING_DATASETS, "scoring", metrics),
]))`;
        const made = spawnSync(
          python,
          [
            '-c',
            script,
            dags,
            project,
            'scheduled',
            schema,
            metrics,
            pathToFileURL(join(work, 'models')).href,
            join(work, 'churn.ipynb'),
          ],
          { encoding: 'utf8' },
        );
        assert.equal(made.status, 0, made.stderr);
        return JSON.parse(made.stdout) as string[][];
      }

      it('ingestion, processing, training and scoring each exit 0; every customer is scored; each step has its metrics', async () => {
        const commands = taskCommands();
        assert.ok(commands.every((argv) => argv[0] === 'spark-workbench' && argv.includes('--target')));
        for (const argv of commands) {
          const ran = await cli(argv.slice(1), {
            SPARK_WORKBENCH_TOKEN_SCHEDULED: testServer().token,
            SPARK_WORKBENCH_DB_CRM_PASSWORD: sources.password,
            SPARK_WORKBENCH_DB_ANALYTICS_PASSWORD: sources.password,
          });
          assert.equal(ran.code, 0, `${argv.join(' ')}\n${ran.stderr.slice(-3000)}`);
        }
        const table = await client
          .sql(
            `SELECT (SELECT count(*) FROM ${schema}.customer_churn_scores) AS scored,
                    (SELECT count(*) FROM ${schema}.raw_crm_customers) AS customers,
                    (SELECT count(*) FROM ${schema}.curated_transactions) AS curated`,
          )
          .toTable();
        const row = table.toArray()[0] as { scored: bigint; customers: bigint; curated: bigint };
        assert.ok(Number(row.scored) > 0, 'customers scored');
        assert.equal(Number(row.customers), 500);
        assert.equal(Number(row.curated), 2_000);
        for (const step of ['ingestion', 'processing', 'scoring']) {
          const file = join(metrics, `spark_workbench_${step}.prom`);
          const text = readFileSync(file, 'utf8');
          promtool(['check', 'metrics'], text);
          assert.match(
            text,
            new RegExp(`spark_workbench_pipeline_run_success\\{pipeline="retail",target="scheduled",step="${step}"\\} 1\\n`),
          );
        }
      });
    });
  });
});
