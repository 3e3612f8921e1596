import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retriedFlowsOf, trackFlowState, type FlowStates } from '../../src/core/pipelines/datasetStates.js';
import { parsePipelineEvent } from '../../src/core/pipelines/pipelineEvents.js';
import { pythonDefinitions, sameDataset, sqlDefinitions } from '../../src/core/pipelines/pipelineGraph.js';
import { qualified } from '../../src/core/pipelines/pipelineGraph.js';
import { checkPipelineSpec, findPipelineSpec, matchLibrary } from '../../src/core/pipelines/pipelineSpec.js';
import { SqlContextWorker } from '../../src/core/sql/completion/contextWorkerClient.js';

/** A pipeline folder with a few definition files. */
function project(): { folder: string; spec: string } {
  const folder = mkdtempSync(join(tmpdir(), 'sw-pipeline-'));
  mkdirSync(join(folder, 'transformations', 'nested'), { recursive: true });
  writeFileSync(join(folder, 'transformations', 'a.sql'), 'CREATE MATERIALIZED VIEW a AS SELECT 1');
  writeFileSync(join(folder, 'transformations', 'nested', 'b.py'), '');
  writeFileSync(join(folder, 'transformations', 'notes.txt'), '');
  writeFileSync(join(folder, 'single.sql'), '');
  return { folder, spec: join(folder, 'spark-pipeline.yml') };
}

const at = (text: string, snippet: string) => [text.indexOf(snippet), text.indexOf(snippet) + snippet.length];

describe('pipeline specs, checked as Spark checks them and more', () => {
  let folder: string;
  let spec: string;
  beforeEach(() => ({ folder, spec } = project()));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('accepts a valid spec and lists its definition files in order, .py and .sql only', () => {
    const text =
      'name: shop\nstorage: file:///tmp/shop\ncatalog: spark_catalog\nschema: sales\nconfiguration:\n  a.b: "1"\nlibraries:\n  - glob:\n      include: single.sql\n';
    const check = checkPipelineSpec(text, spec);
    assert.deepEqual(check.problems, []);
    assert.deepEqual(check.spec, {
      name: 'shop',
      storage: 'file:///tmp/shop',
      catalog: 'spark_catalog',
      database: 'sales',
      configuration: { 'a.b': '1' },
      libraries: [{ include: 'single.sql', start: text.indexOf('single.sql'), end: text.indexOf('single.sql') + 10 }],
    });
    assert.deepEqual(check.files, ['single.sql']);
  });

  it('finds the missing required fields, an unknown field (offering the close one), and a relative storage (offering the absolute URI)', () => {
    const text = 'nmae: shop\nstorage: ./state\n';
    const check = checkPipelineSpec(text, spec);
    assert.equal(check.spec, undefined);
    const byCode = Object.fromEntries(check.problems.map((p) => [p.code, p]));
    assert.deepEqual(
      [byCode.PIPELINE_SPEC_UNEXPECTED_FIELD?.start, byCode.PIPELINE_SPEC_UNEXPECTED_FIELD?.end],
      at(text, 'nmae'),
    );
    assert.match(byCode.PIPELINE_SPEC_UNEXPECTED_FIELD!.message, /Did you mean 'name'\?/);
    assert.deepEqual(byCode.PIPELINE_SPEC_UNEXPECTED_FIELD!.fix, { title: "Rename to 'name'", start: 0, end: 4, text: 'name' });
    assert.equal(byCode.PIPELINE_SPEC_MISSING_REQUIRED_FIELD?.message, "The spec needs a 'name' field.");
    assert.deepEqual(
      [byCode.PIPELINE_STORAGE_ROOT_INVALID?.start, byCode.PIPELINE_STORAGE_ROOT_INVALID?.end],
      at(text, './state'),
    );
    assert.equal(byCode.PIPELINE_STORAGE_ROOT_INVALID!.fix?.text, `file://${join(folder, 'state')}`);
  });

  it('checks configuration values are text (offering quotes) and glob patterns are files or folder/**', () => {
    const text =
      'name: s\nstorage: file:///x\nconfiguration:\n  spark.sql.shuffle.partitions: 4\nlibraries:\n  - glob:\n      include: transformations/**/*.sql\n';
    const check = checkPipelineSpec(text, spec);
    const byCode = Object.fromEntries(check.problems.map((p) => [p.code, p]));
    assert.deepEqual(
      [byCode.PIPELINE_SPEC_DICT_VALUE_NOT_STRING?.start, byCode.PIPELINE_SPEC_DICT_VALUE_NOT_STRING?.end],
      [text.indexOf('4\n'), text.indexOf('4\n') + 1],
    );
    assert.equal(byCode.PIPELINE_SPEC_DICT_VALUE_NOT_STRING!.fix?.text, '"4"');
    assert.deepEqual(
      [byCode.PIPELINE_SPEC_INVALID_GLOB_PATTERN?.start, byCode.PIPELINE_SPEC_INVALID_GLOB_PATTERN?.end],
      at(text, 'transformations/**/*.sql'),
    );
  });

  it('finds what Spark finds only at run time: a missing file, a folder matching nothing, a file that is neither .py nor .sql', () => {
    const text =
      'name: s\nstorage: file:///x\nlibraries:\n  - glob:\n      include: missing.sql\n  - glob:\n      include: empty/**\n  - glob:\n      include: transformations/**\n';
    const check = checkPipelineSpec(text, spec);
    const messages = check.problems.map((p) => [p.severity, text.slice(p.start, p.end), p.message]);
    assert.deepEqual(messages, [
      ['error', 'missing.sql', "There is no file 'missing.sql' next to the spec."],
      ['warning', 'empty/**', "No file matches 'empty/**'."],
      ['error', 'transformations/**', "'transformations/notes.txt' is neither a .py nor a .sql file; Spark refuses it."],
    ]);
    assert.deepEqual(check.files, ['transformations/a.sql', 'transformations/nested/b.py']);
    assert.deepEqual(matchLibrary(folder, 'transformations/**').kind, 'folder');
  });

  it('reports YAML syntax errors at their place, and both database and schema as a warning', () => {
    const broken = checkPipelineSpec('name: s\nstorage: [file:///x\n', spec);
    assert.equal(broken.spec, undefined);
    assert.match(broken.problems[0]!.message, /^YAML: /);
    const both = checkPipelineSpec('name: s\nstorage: file:///x\ndatabase: a\nschema: b\n', spec);
    assert.deepEqual(
      both.problems.map((p) => [p.severity, p.message]),
      [['warning', "Both 'database' and 'schema' are set: Spark uses 'database' and ignores 'schema'."]],
    );
    assert.equal(both.spec?.database, 'a');
  });

  it('finds the spec up the folder tree, and refuses a folder holding both names', () => {
    writeFileSync(spec, 'name: s\nstorage: file:///x\n');
    assert.equal(findPipelineSpec(join(folder, 'transformations', 'nested')), spec);
    writeFileSync(join(folder, 'spark-pipeline.yaml'), '');
    assert.throws(() => findPipelineSpec(folder), /Both spark-pipeline\.yml and spark-pipeline\.yaml/);
  });
});

describe('pipeline graphs and events', function () {
  this.timeout(30_000);
  let grammar: SqlContextWorker;
  before(() => (grammar = new SqlContextWorker(join(process.cwd(), 'dist', 'sqlContextWorker.js'))));
  after(() => grammar.dispose());

  it('reads datasets and flows, and what each flow reads, from SQL definitions', async () => {
    const text = [
      '-- raw',
      'CREATE STREAMING TABLE raw_orders AS SELECT * FROM STREAM(source_orders);',
      'CREATE OR REFRESH MATERIALIZED VIEW daily (d DATE, n BIGINT) COMMENT "a AS b" AS',
      '  WITH recent AS (SELECT * FROM raw_orders) SELECT d, count(*) FROM recent JOIN sales.customers c ON true GROUP BY d;',
      'CREATE TEMPORARY VIEW v AS SELECT * FROM daily LATERAL VIEW stack(1, d) s AS x;',
      'CREATE STREAMING TABLE all_orders;',
      'CREATE FLOW backfill AS INSERT INTO all_orders BY NAME SELECT * FROM STREAM raw_orders;',
      'SET x = 1;',
    ].join('\n');
    const graph = await sqlDefinitions('t/a.sql', text, (q) => grammar.tablesRead(q));
    assert.deepEqual(
      graph.datasets.map((d) => [d.name, d.kind, d.location.line]),
      [
        ['raw_orders', 'streamingTable', 2],
        ['daily', 'materializedView', 3],
        ['v', 'temporaryView', 5],
        ['all_orders', 'streamingTable', 6],
      ],
    );
    assert.deepEqual(
      graph.flows.map((f) => [f.name, f.target, f.reads]),
      [
        ['raw_orders', 'raw_orders', ['source_orders']],
        ['daily', 'daily', ['raw_orders', 'sales.customers']],
        ['v', 'v', ['daily']],
        ['backfill', 'all_orders', ['raw_orders']],
      ],
    );
  });

  it('reads tables named with three parts (a database catalog), in order, and not in strings or calls', async () => {
    const reads = (q: string) => grammar.tablesRead(q);
    assert.deepEqual(await reads('SELECT * FROM crm.public.customers'), ['crm.public.customers']);
    assert.deepEqual(
      await reads(
        "SELECT * FROM lake_orders o JOIN crm . `public` . `my table` c ON o.id = c.id LEFT JOIN spark_catalog.default.daily d ON true WHERE x = 'FROM a.b.c' -- JOIN x.y.z\n",
      ),
      ['lake_orders', 'crm.public.my table', 'spark_catalog.default.daily'],
    );
    assert.deepEqual(await reads('SELECT * FROM a.b.func(1)'), []);
  });

  it("takes the Python helper's report as datasets and flows", () => {
    const graph = pythonDefinitions({
      outputs: [{ name: 'raw', type: 'StreamingTable', file: 't/r.py', line: 7 }],
      flows: [{ name: 'raw', target: 'raw', reads: ['files'], file: 't/r.py', line: 7 }],
    });
    assert.deepEqual(graph.datasets, [{ name: 'raw', kind: 'streamingTable', location: { file: 't/r.py', line: 7 } }]);
    assert.deepEqual(graph.flows[0]?.reads, ['files']);
  });

  it('names a flow that failed and then completed within a run (Spark retried it), with its first error', () => {
    const when = new Date(0);
    const states: FlowStates = new Map();
    const failures = new Map<string, string>();
    for (const sentence of [
      'Flow spark_catalog.db.orders_a is RUNNING.',
      'Flow spark_catalog.db.orders_b is RUNNING.',
      "Flow 'spark_catalog.db.orders_b' has FAILED. Error: Race while writing batch 0\nat org.apache.spark…",
      'Flow spark_catalog.db.orders_a has COMPLETED.',
      'Flow spark_catalog.db.orders_b is RUNNING.',
      'Flow spark_catalog.db.orders_b has COMPLETED.',
    ]) {
      const event = parsePipelineEvent(sentence, when);
      trackFlowState(states, event);
      if (event.kind === 'flow' && event.state === 'failed')
        failures.set(event.flow, `${failures.get(event.flow) ?? ''}${event.message}\n`);
    }
    assert.deepEqual(retriedFlowsOf(failures, states), [
      {
        flow: 'spark_catalog.db.orders_b',
        firstError: "Flow 'spark_catalog.db.orders_b' has FAILED. Error: Race while writing batch 0",
      },
    ]);
    failures.set('spark_catalog.db.never', 'failed for good\n');
    states.set('spark_catalog.db.never', { state: 'failed' });
    assert.equal(retriedFlowsOf(failures, states).length, 1, 'a flow that stayed failed is not a retried one');
  });

  it("parses Spark's run events, and matches the names it reports to the names written", () => {
    const when = new Date(0);
    assert.deepEqual(parsePipelineEvent('Flow spark_catalog.retail.daily is RUNNING.', when), {
      kind: 'flow',
      flow: 'spark_catalog.retail.daily',
      state: 'running',
      time: when,
      message: 'Flow spark_catalog.retail.daily is RUNNING.',
    });
    assert.equal((parsePipelineEvent("Flow 'x' has FAILED.", when) as { state: string }).state, 'failed');
    const unresolved = parsePipelineEvent(
      "Failed to resolve flow: 'spark_catalog.default.c'.\nError: [UNRESOLVED_COLUMN] nope; line 4 pos 7;",
      when,
    );
    assert.deepEqual(
      [unresolved.kind, (unresolved as { upstream: boolean }).upstream, (unresolved as { detail: string }).detail],
      ['unresolved', false, '[UNRESOLVED_COLUMN] nope; line 4 pos 7;'],
    );
    assert.equal(
      (parsePipelineEvent("Failed to resolve flow due to upstream failure: 'd'.", when) as { upstream: boolean }).upstream,
      true,
    );
    assert.deepEqual(parsePipelineEvent('Run is COMPLETED.', when), {
      kind: 'run',
      state: 'completed',
      time: when,
      message: 'Run is COMPLETED.',
    });
    assert.ok(sameDataset('spark_catalog.retail.daily', 'daily'));
    assert.ok(sameDataset('spark_catalog.retail.daily', 'retail.DAILY'));
    assert.ok(!sameDataset('spark_catalog.retail.daily', 'other.daily'));
    assert.equal(qualified({ catalog: 'spark_catalog', database: 'retail' }, 'daily'), '`spark_catalog`.`retail`.`daily`');
  });
});
