import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { checkPipelineSpec } from '../../src/core/pipelines/pipelineSpec.js';
import { pipelineProject } from '../support/pipelineProject.js';
import { promtool } from '../support/promtool.js';
import { cli } from '../support/runCli.js';
import { projectRoot, runtimeDir, testServer } from '../support/sparkTestServer.js';

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Environments (spark-workbench.yml's `environments:`) through the CLI against the real test server:
 * one pipeline run on two environments writes to two schemas with each one's variables; production
 * needs --yes; the spec rendered per environment runs with Spark's own spark-pipelines; the run's
 * Prometheus metrics parse with promtool and hold the run's figures; no token in any file written.
 */
describe('environments, run metrics and alert rules', function () {
  this.timeout(600_000);
  const suffix = Date.now() % 100000;
  const schemas = { dev: `env_dev_${suffix}`, prod: `env_prod_${suffix}`, stage: `env_stage_${suffix}` };
  const folder = mkdtempSync(join(tmpdir(), 'sw-environments-it-'));
  const home = mkdtempSync(join(tmpdir(), 'sw-environments-home-'));
  let client: SparkConnectClient;
  const token = () => testServer().token!;
  /** The environments reach the test server by URL, its token from each environment's variable. */
  const tokens = () => ({
    SPARK_WORKBENCH_TOKEN_DEV: token(),
    SPARK_WORKBENCH_TOKEN_PROD: token(),
    SPARK_WORKBENCH_TOKEN_STAGE: token(),
  });
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    cli(['pipeline', ...args], { SPARK_WORKBENCH_HOME: home, ...tokens(), ...env }, folder);

  before(async () => {
    client = new SparkConnectClient(testServer().url);
    pipelineProject(folder, {
      name: 'orders',
      database: `env_default_${suffix}`,
      configuration: { 'orders.min': '0', 'orders.label': 'the spec' },
      files: {
        'transformations/orders.sql': `CREATE MATERIALIZED VIEW orders (
  CONSTRAINT amount_positive EXPECT (amount > 0)
) AS SELECT id, CASE WHEN id % 10 = 0 THEN -1 ELSE id END AS amount, '\${orders.label}' AS label
FROM range(200) WHERE id >= \${orders.min};
`,
      },
    });
    writeFileSync(
      join(folder, 'spark-quality.yml'),
      `datasets:\n  orders:\n    - between: amount\n      min: 0\n      max: 1000\n`,
    );
    const remote = `sc://127.0.0.1:${testServer().port}`;
    const storage = (name: string) => `file://${join(folder, `storage-${name}`)}`;
    writeFileSync(
      join(folder, 'spark-workbench.yml'),
      `# dev is the default; prod asks for --yes.
environments:
  dev:
    default: true
    remote: ${remote}
    schema: ${schemas.dev}
    storage: ${storage('dev')}
    variables:
      orders.min: 150
      orders.label: development
  prod:
    production: true
    remote: ${remote}
    schema: ${schemas.prod}
    storage: ${storage('prod')}
    conf:
      spark.sql.shuffle.partitions: "3"
    variables:
      orders.min: 100
      orders.label: production
  stage:
    remote: ${remote}
    schema: ${schemas.stage}
    storage: ${storage('stage')}
    variables:
      orders.min: 190
      orders.label: staging
`,
    );
  });
  after(async () => {
    for (const schema of Object.values(schemas))
      await client
        ?.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        .toTable()
        .catch(() => undefined);
    await client?.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const tableOf = async (schema: string) =>
    (await client.sql(`SELECT count(*) AS n, min(id) AS low, min(label) AS label FROM ${schema}.orders`).toTable())
      .get(0)!
      .toJSON();

  it('the same pipeline on two environments writes to two schemas, each with its own variables', async () => {
    const dev = await run(['run']);
    assert.equal(dev.code, 1, `the default environment (dev) ran; the failed error check sets the status\n${dev.stderr}`);
    assert.match(dev.stderr, /orders\s+materializedView completed\s+50/);
    const prod = await run(['run', '--target', 'prod', '--yes', '--metrics-file', join(folder, 'prod.prom')]);
    assert.match(prod.stderr, /orders\s+materializedView completed\s+100/, prod.stderr);
    assert.deepEqual(await tableOf(schemas.dev), { n: 50n, low: 150n, label: 'development' });
    assert.deepEqual(await tableOf(schemas.prod), { n: 100n, low: 100n, label: 'production' });
    const defaultSchema = await client.sql(`SHOW SCHEMAS LIKE 'env_default_${suffix}'`).toTable();
    assert.equal(defaultSchema.numRows, 0, "the spec's own schema was not written");
  });

  it('a production environment refuses a run, and a full refresh, without --yes', async () => {
    await client.sql(`DROP SCHEMA IF EXISTS ${schemas.prod} CASCADE`).toTable();
    const refused = await run(['run', '--target', 'prod', '--full-refresh-all']);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /'prod' is a production environment: pass --yes to run the pipeline there \(this full refresh resets its tables/,
    );
    assert.doesNotMatch(refused.stderr, /Usage:/, 'the refusal is one line, not the help');
    assert.equal((await client.sql(`SHOW SCHEMAS LIKE '${schemas.prod}'`).toTable()).numRows, 0, 'nothing ran');
    const dry = await run(['dry-run', '--target', 'prod']);
    assert.equal(dry.code, 0, `a dry run writes nothing and needs no --yes\n${dry.stderr}`);
    const unknown = await run(['run', '--target', 'prd']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /There is no environment 'prd': did you mean 'prod'\? Environments: dev, prod, stage\./);
    const both = await run(['run', '--target', 'dev', '--remote', testServer().url]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--target and --remote go separately/);
  });

  it("the spec rendered for an environment runs unchanged with Spark's own spark-pipelines", async () => {
    // A project of its own: Spark's parser does not take the expectation clause orders.sql declares.
    const plain = join(folder, 'plain');
    const { specPath: plainSpec } = pipelineProject(plain, {
      name: 'orders',
      database: `env_default_${suffix}`,
      configuration: { 'orders.min': '0', 'orders.label': 'the spec' },
      files: {
        'transformations/orders.sql': `CREATE MATERIALIZED VIEW orders AS
SELECT id, '\${orders.label}' AS label FROM range(200) WHERE id >= \${orders.min};
`,
      },
    });
    const out = join(plain, 'rendered', 'spark-pipeline.yml');
    mkdirSync(join(plain, 'rendered'));
    const rendered = await cli(
      ['pipeline', 'render', plainSpec, '--target', 'stage', '--out', out],
      { SPARK_WORKBENCH_HOME: home },
      folder,
    );
    assert.equal(rendered.code, 0, rendered.stderr);
    const text = readFileSync(out, 'utf8');
    const check = checkPipelineSpec(text, out);
    assert.deepEqual(check.problems, [], 'the rendered spec has only fields Spark knows');
    assert.equal(check.spec!.database, schemas.stage);
    assert.deepEqual(check.files, ['../transformations/orders.sql'], 'its library is found from the other folder');
    assert.equal(check.spec!.configuration['orders.label'], 'staging');
    const venv = join(runtimeDir(), 'pyspark-4.2.1', 'venv');
    // Spark's own CLI needs the schema to exist (spark-workbench's runs create it).
    await client.sql(`CREATE SCHEMA IF NOT EXISTS ${schemas.stage}`).toTable();
    // pyspark turns TLS on whenever a token is set, unless the host is named localhost.
    const remote = `sc://localhost:${testServer().port}/;token=${token()}`;
    const sparkPipelines = spawnSync(join(venv, 'bin', 'spark-pipelines'), ['--remote', remote, 'run', '--spec', out], {
      env: { ...process.env, PATH: `${join(venv, 'bin')}:${process.env.PATH}`, SPARK_REMOTE: '' },
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(sparkPipelines.status, 0, `${sparkPipelines.stdout.slice(-3000)}\n${sparkPipelines.stderr.slice(-3000)}`);
    assert.match(sparkPipelines.stderr + sparkPipelines.stdout, /Run is COMPLETED/);
    assert.deepEqual(await tableOf(schemas.stage), { n: 10n, low: 190n, label: 'staging' });
  });

  it("--metrics-file: Prometheus' text format with the run's figures, kept last success across a failure; --metrics-push", async () => {
    const file = join(folder, 'stage.prom');
    const pushed: { method: string; url: string; type: string; body: string }[] = [];
    const gateway: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        pushed.push({ method: request.method!, url: request.url!, type: String(request.headers['content-type']), body });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    try {
      const ok = await run(['run', '--target', 'stage', '--metrics-file', file, '--metrics-push', gatewayUrl]);
      assert.match(ok.stderr, /Wrote the run's metrics to .*stage\.prom/);
      const text = readFileSync(file, 'utf8');
      promtool(['check', 'metrics'], text);
      const value = (series: string) => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        assert.ok(line, `${series} in\n${text}`);
        return Number(line.split(' ')[1]);
      };
      const labels = 'pipeline="orders",target="stage"';
      assert.equal(value(`spark_workbench_pipeline_run_success{${labels}}`), 1);
      assert.equal(
        value(`spark_workbench_pipeline_dataset_rows{${labels},dataset="orders"}`),
        10,
        "Spark's rows: ids 190 to 199",
      );
      assert.equal(
        value(`spark_workbench_pipeline_quality_failures{${labels},severity="warn"}`),
        1,
        'the expectation: id 190 is -1',
      );
      assert.equal(
        value(`spark_workbench_pipeline_quality_failures{${labels},severity="error"}`),
        1,
        'the between check: -1 < 0',
      );
      assert.doesNotMatch(text, /\} \S+ \d+$/m, 'no sample has a timestamp');
      const succeededAt = value(`spark_workbench_pipeline_last_success_timestamp_seconds{${labels}}`);
      assert.ok(Math.abs(succeededAt - Date.now() / 1000) < 120);
      assert.deepEqual(
        pushed.map((p) => [p.method, p.url, p.type]),
        [['PUT', '/metrics/job/spark_workbench/pipeline/orders/target/stage', 'text/plain; version=0.0.4']],
      );
      assert.equal(
        pushed[0]!.body.replace(/_end_timestamp_seconds\{[^}]*\} \S+/, ''),
        text.replace(/_end_timestamp_seconds\{[^}]*\} \S+/, ''),
      );

      // A failing run: success 0, the last success kept from the file, no partial file left beside it.
      writeFileSync(
        join(folder, 'transformations', 'broken.sql'),
        'CREATE MATERIALIZED VIEW broken AS SELECT nope FROM orders;\n',
      );
      try {
        const failed = await run(['run', '--target', 'stage', '--metrics-file', file]);
        assert.equal(failed.code, 1, failed.stderr);
      } finally {
        rmSync(join(folder, 'transformations', 'broken.sql'));
      }
      const after = readFileSync(file, 'utf8');
      promtool(['check', 'metrics'], after);
      assert.match(after, new RegExp(`spark_workbench_pipeline_run_success\\{${labels}\\} 0\\n`));
      assert.match(after, new RegExp(`spark_workbench_pipeline_run_outcome\\{${labels},outcome="failed"\\} 1\\n`));
      assert.match(
        after,
        new RegExp(
          `spark_workbench_pipeline_last_success_timestamp_seconds\\{${labels}\\} ${String(succeededAt).replace('.', '\\.')}\\n`,
        ),
      );
      assert.deepEqual(
        readdirSync(folder).filter((name) => name.includes('partial')),
        [],
      );
    } finally {
      gateway.close();
    }
  });

  it('deploy/prometheus/alerts.yml passes promtool check rules, and its unit tests (alerts.test.yml) pass', () => {
    const rules = join(projectRoot(), 'deploy', 'prometheus');
    assert.match(promtool(['check', 'rules', 'alerts.yml'], undefined, rules), /SUCCESS: 4 rules found/);
    assert.match(promtool(['test', 'rules', 'alerts.test.yml'], undefined, rules), /SUCCESS/);
  });

  it('no file the runs wrote holds the token', () => {
    const written = [...filesUnder(folder), ...filesUnder(home)].filter((path) => existsSync(path));
    assert.ok(written.length > 5, written.join('\n'));
    const holding = written.filter((path) => readFileSync(path).includes(token()));
    assert.deepEqual(holding, []);
  });
});
