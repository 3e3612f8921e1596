import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { readWorkbenchFile } from '../../src/core/databases/databaseSources.js';
import { specForEnvironment } from '../../src/core/environments/environmentSpec.js';
import { renderSpecForEnvironment } from '../../src/core/environments/renderedSpec.js';
import { chooseEnvironment, environmentDatabases, tokenVariable } from '../../src/core/environments/environments.js';
import { lastSuccessIn, pushGatewayUrl, runMetricsText } from '../../src/core/metrics/runMetrics.js';
import { checkPipelineSpec } from '../../src/core/pipelines/pipelineSpec.js';
import type { PipelineRunSummary } from '../../src/core/pipelines/pipelineRun.js';

const FILE = `databases:
  crm:
    url: jdbc:postgresql://127.0.0.1:5432/crm
    user: reader
environments:
  dev:
    default: true
    schema: retail_dev
    variables:
      min_amount: 10
  prod:
    production: true
    remote: sc://spark.example.com:443/;use_ssl=true
    catalog: main
    schema: retail
    storage: s3a://lake/retail/storage
    conf:
      spark.sql.shuffle.partitions: 64
    variables:
      min_amount: 100
    databases:
      crm:
        url: jdbc:postgresql://crm.example.com:5432/crm
        user: spark
`;

const under = (text: string, problem: { start: number; end: number }) => text.slice(problem.start, problem.end);

describe('environments (spark-workbench.yml)', () => {
  it('reads each environment: its server, production flag, catalog, schema, storage, settings, variables and databases', () => {
    const { environments, problems } = readWorkbenchFile(FILE);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      environments.map(({ name, remote, production, isDefault, catalog, schema, storage, conf, variables }) => ({
        name,
        remote,
        production,
        isDefault,
        catalog,
        schema,
        storage,
        conf,
        variables,
      })),
      [
        {
          name: 'dev',
          remote: undefined,
          production: false,
          isDefault: true,
          catalog: undefined,
          schema: 'retail_dev',
          storage: undefined,
          conf: {},
          variables: { min_amount: '10' },
        },
        {
          name: 'prod',
          remote: 'sc://spark.example.com:443/;use_ssl=true',
          production: true,
          isDefault: false,
          catalog: 'main',
          schema: 'retail',
          storage: 's3a://lake/retail/storage',
          conf: { 'spark.sql.shuffle.partitions': '64' },
          variables: { min_amount: '100' },
        },
      ],
    );
    const { databases } = readWorkbenchFile(FILE);
    const prod = environments[1]!;
    assert.deepEqual(
      environmentDatabases(databases, prod).map((d) => [d.name, d.url, d.user]),
      [['crm', 'jdbc:postgresql://crm.example.com:5432/crm', 'spark']],
    );
    assert.deepEqual(
      environmentDatabases(databases, environments[0]).map((d) => d.url),
      ['jdbc:postgresql://127.0.0.1:5432/crm'],
    );
  });

  it('reports each mistake at its text: a token in the file or the URL, unknown fields with the nearest one, two defaults, bad names', () => {
    const text = `environments:
  dev:
    default: true
    token: abc
    shema: retail
  stage:
    default: true
    remote: sc://spark:15002/;token=secret
    schema: retail-stage
    conf:
      shuffle.partitions: 4
    production: yes please
  9prod: {}
`;
    const { problems } = readWorkbenchFile(text);
    assert.deepEqual(
      problems.map((p) => [under(text, p), p.message]),
      [
        [
          'token',
          'A token never goes in a file: set it with "Spark: Set Token…" (the editor) or $SPARK_WORKBENCH_TOKEN_DEV (the CLI).',
        ],
        [
          'shema',
          "Unknown field 'shema' of an environment. Did you mean 'schema'? Fields: remote, production, default, catalog, schema, storage, conf, variables, databases.",
        ],
        [
          'sc://spark:15002/;token=secret',
          'The URL holds a token: take it out (a token never goes in a file; the CLI reads $SPARK_WORKBENCH_TOKEN_STAGE).',
        ],
        ['yes please', "'production' is true or false."],
        ['retail-stage', "'schema' of the environment 'stage' must be a name of letters, digits and _."],
        ['shuffle.partitions', "'shuffle.partitions': Spark settings start with 'spark.'."],
        ['9prod', "'9prod' cannot name an environment: start with a letter; then letters, digits, _ and -."],
        ['stage', "Only one environment is the default: 'dev' already is."],
      ],
    );
    const stage = readWorkbenchFile(text).environments.find((e) => e.name === 'stage')!;
    assert.equal(stage.remote, undefined, 'a URL with a token is never used');
  });

  it("the workspace file's JSON schema (completion and hover) takes the same environments and refuses a token", () => {
    const schema = JSON.parse(readFileSync('schemas/spark-workbench.schema.json', 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(parse(FILE)), JSON.stringify(validate.errors));
    assert.equal(validate(parse('environments:\n  dev:\n    token: abc\n')), false);
    assert.equal(validate(parse('environments:\n  dev:\n    conf:\n      shuffle: 1\n')), false);
  });

  it('chooses the named environment, else the default; an unknown name says the nearest', () => {
    const { environments } = readWorkbenchFile(FILE);
    assert.equal(chooseEnvironment(environments, undefined)?.name, 'dev');
    assert.equal(chooseEnvironment(environments, 'PROD')?.name, 'prod');
    assert.throws(
      () => chooseEnvironment(environments, 'prd'),
      /There is no environment 'prd': did you mean 'prod'\? Environments: dev, prod\./,
    );
    assert.throws(() => chooseEnvironment([], 'dev'), /declares no environments/);
    assert.equal(chooseEnvironment([], undefined), undefined);
    assert.equal(tokenVariable('stage-eu'), 'SPARK_WORKBENCH_TOKEN_STAGE_EU');
  });

  it("applies to a spec, and renders it for spark-pipelines: Spark's fields only, comments kept, libraries found from elsewhere", () => {
    const root = join('/', 'work', 'retail');
    const specPath = join(root, 'spark-pipeline.yml');
    const specText = `# The retail pipeline.
name: retail
storage: file:///tmp/retail/storage
schema: retail_local
configuration:
  min_amount: "0"
  retail.raw: file:///tmp/raw
libraries:
  - glob:
      include: transformations/**
`;
    const prod = readWorkbenchFile(FILE).environments[1]!;
    const spec = checkPipelineSpec(specText, specPath).spec!;
    const applied = specForEnvironment(spec, prod);
    assert.deepEqual([applied.catalog, applied.database, applied.storage], ['main', 'retail', 's3a://lake/retail/storage']);
    assert.deepEqual(applied.configuration, {
      min_amount: '100',
      'retail.raw': 'file:///tmp/raw',
      'spark.sql.shuffle.partitions': '64',
    });
    assert.equal(specForEnvironment(spec, undefined), spec);

    const out = join(root, 'deploy', 'prod', 'spark-pipeline.yml');
    const rendered = renderSpecForEnvironment(specText, specPath, prod, out);
    assert.equal(
      rendered,
      `# Rendered by spark-workbench for the environment 'prod' from ../../spark-pipeline.yml:
# edit that file and spark-workbench.yml, then render again.

# The retail pipeline.
name: retail
storage: s3a://lake/retail/storage
configuration:
  min_amount: "100"
  retail.raw: file:///tmp/raw
  spark.sql.shuffle.partitions: "64"
libraries:
  - glob:
      include: ../../transformations/**
catalog: main
database: retail
`,
    );
    const check = checkPipelineSpec(rendered, out);
    assert.deepEqual(
      check.problems.map((p) => p.message),
      ["No file matches '../../transformations/**'."],
      'valid but for the folder this test does not create',
    );
  });
});

describe('run metrics (Prometheus text format)', () => {
  const summary = (outcome: PipelineRunSummary['outcome']): PipelineRunSummary =>
    ({
      outcome,
      dry: false,
      durationMs: 12_500,
      errors: [],
      datasets: [
        { name: 'orders', kind: 'materializedView', state: 'completed', rows: 200, durationMs: 4_000 },
        { name: 'weird "name"\\x', kind: 'materializedView', state: 'failed' },
      ],
      quality: [
        {
          dataset: 'orders',
          source: 'orders',
          durationMs: 1,
          results: [
            { check: { severity: 'error' }, status: 'failed', samples: [], message: '' },
            { check: { severity: 'warn' }, status: 'failed', samples: [], message: '' },
            { check: { severity: 'warn' }, status: 'passed', samples: [], message: '' },
            { check: { severity: 'error' }, status: 'error', samples: [], message: '' },
          ],
        },
      ],
    }) as unknown as PipelineRunSummary;
  const labels = { pipeline: 'retail', target: 'prod' };

  it("writes the run's series with labels escaped and no timestamps; a failed run keeps the last success", () => {
    const text = runMetricsText(summary('completed'), labels, 1_700_000_000_000, undefined);
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(lines.includes('spark_workbench_pipeline_run_success{pipeline="retail",target="prod"} 1'));
    assert.ok(lines.includes('spark_workbench_pipeline_run_duration_seconds{pipeline="retail",target="prod"} 12.5'));
    assert.ok(
      lines.includes('spark_workbench_pipeline_last_success_timestamp_seconds{pipeline="retail",target="prod"} 1700000000'),
    );
    assert.ok(lines.includes('spark_workbench_pipeline_dataset_rows{pipeline="retail",target="prod",dataset="orders"} 200'));
    assert.ok(
      lines.includes(
        'spark_workbench_pipeline_dataset_state{pipeline="retail",target="prod",dataset="weird \\"name\\"\\\\x",state="failed"} 1',
      ),
    );
    assert.ok(lines.includes('spark_workbench_pipeline_quality_failures{pipeline="retail",target="prod",severity="error"} 1'));
    assert.ok(lines.includes('spark_workbench_pipeline_quality_failures{pipeline="retail",target="prod",severity="warn"} 1'));
    assert.ok(lines.includes('spark_workbench_pipeline_quality_check_errors{pipeline="retail",target="prod"} 1'));
    assert.ok(lines.includes('spark_workbench_pipeline_quality_checks{pipeline="retail",target="prod"} 4'));
    assert.ok(
      lines.every((line) => /^[a-z_]+(\{.*\})? \S+$/.test(line)),
      'a name, labels and a value: no timestamp',
    );
    assert.ok(text.endsWith('\n'));

    const kept = lastSuccessIn(text, labels);
    assert.equal(kept, 1_700_000_000);
    assert.equal(lastSuccessIn(text, { pipeline: 'retail', target: 'dev' }), undefined);
    const failed = runMetricsText(summary('failed'), labels, 1_700_000_600_000, kept);
    assert.match(failed, /spark_workbench_pipeline_run_success\{pipeline="retail",target="prod"\} 0\n/);
    assert.match(
      failed,
      /spark_workbench_pipeline_last_success_timestamp_seconds\{pipeline="retail",target="prod"\} 1700000000\n/,
    );
    assert.doesNotMatch(runMetricsText(summary('failed'), labels, 1, undefined), /last_success/);

    // A step of a schedule keeps series of its own, and its own last success.
    const stepped = runMetricsText(summary('completed'), { ...labels, step: 'ingestion' }, 1_700_000_900_000, undefined);
    assert.match(stepped, /spark_workbench_pipeline_run_success\{pipeline="retail",target="prod",step="ingestion"\} 1\n/);
    assert.equal(lastSuccessIn(stepped, { ...labels, step: 'ingestion' }), 1_700_000_900);
    assert.equal(lastSuccessIn(stepped, labels), undefined);
  });

  it("names the Pushgateway's group by pipeline and target", () => {
    assert.equal(
      pushGatewayUrl('http://127.0.0.1:9091/', { pipeline: 'retail/x', target: 'prod' }),
      'http://127.0.0.1:9091/metrics/job/spark_workbench/pipeline/retail%2Fx/target/prod',
    );
    assert.equal(
      pushGatewayUrl('http://127.0.0.1:9091', { pipeline: 'retail', target: 'prod', step: 'processing' }),
      'http://127.0.0.1:9091/metrics/job/spark_workbench/pipeline/retail/target/prod/step/processing',
    );
  });
});
