import assert from 'node:assert/strict';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkCatalog } from '../../src/core/connect/sparkCatalog.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { locateSparkError } from '../../src/core/sql/errorLocation.js';
import { FaultProxy } from '../support/faultProxy.js';
import { testServer, waitForSparkIdle } from '../support/sparkTestServer.js';

async function expectSparkError(promise: Promise<unknown>): Promise<SparkError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SparkError, `expected a SparkError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

/** Reads every batch of column 0 (bigint ids) and checks each id in [0, n) arrives exactly once. */
async function collectIds(
  execution: AsyncIterable<import('../../src/core/connect/queryExecution.js').ResultEvent>,
  n: number,
  onBatch?: (index: number) => void,
) {
  const seen = new Uint8Array(n);
  let rows = 0;
  let duplicates = 0;
  let batchIndex = 0;
  for await (const event of execution) {
    if (event.type !== 'batch') continue;
    const ids = event.batch.getChildAt(0)!.data[0]!.values as BigInt64Array;
    const offset = event.batch.getChildAt(0)!.data[0]!.offset;
    for (let i = 0; i < event.batch.numRows; i++) {
      const id = Number(ids[offset + i]);
      if (seen[id]) duplicates++;
      seen[id] = 1;
      rows++;
    }
    onBatch?.(batchIndex++);
  }
  return { rows, duplicates, missing: seen.reduce((m, v) => m + (v ? 0 : 1), 0) };
}

describe('Spark Connect client against a real Spark server', function () {
  this.timeout(120_000);
  let client: SparkConnectClient;

  before(() => {
    client = new SparkConnectClient(testServer().url, { clientVersion: 'test' });
  });
  after(async () => {
    await client.close();
  });

  it('reports the server version and gates features on it', async () => {
    const version = await client.sparkVersion();
    assert.match(version.text, /^4\.\d+\.\d+/);
    assert.ok(version.atLeast(4, 0));
  });

  it('streams range(1,000,000) with the exact count and sum, batch by batch', async () => {
    const execution = client.sql('SELECT id FROM range(1000000)');
    let rows = 0;
    let sum = 0n;
    let batches = 0;
    let sawSchemaFirst = false;
    for await (const event of execution) {
      if (event.type === 'schema') sawSchemaFirst = batches === 0;
      if (event.type !== 'batch') continue;
      batches++;
      const values = event.batch.getChildAt(0)!.toArray() as BigInt64Array;
      for (const value of values) sum += value;
      rows += event.batch.numRows;
    }
    assert.ok(sawSchemaFirst, 'the schema arrives before the first batch');
    assert.equal(rows, 1_000_000);
    assert.equal(sum, 499_999_500_000n);
    assert.ok(batches > 1, `expected several Arrow batches, got ${batches}`);
    assert.equal(execution.stats.rows, 1_000_000);
  });

  it('decodes a command result (LocalRelation) without a second operation', async () => {
    const execution = client.sql('SHOW DATABASES');
    const operations: string[] = [];
    let rows = 0;
    for await (const event of execution) {
      if (event.type === 'operation') operations.push(event.operationId);
      if (event.type === 'batch') rows += event.batch.numRows;
    }
    assert.equal(operations.length, 1, 'a command runs as one operation');
    assert.ok(rows >= 1);
  });

  it('runs a query as sql_command then fetches its relation, honouring maxRows', async () => {
    const table = await client.sql('SELECT id FROM range(100000)', { maxRows: 25 }).toTable();
    assert.equal(table.numRows, 25);
    assert.deepEqual([...(table.getChildAt(0)!.toArray() as BigInt64Array)].slice(0, 3), [0n, 1n, 2n]);
  });

  it('gives an analysis error its class, SQL state and query context', async () => {
    const sql = 'SELECT id,\n       nope\nFROM range(3)';
    const error = await expectSparkError(client.sql(sql).toTable());
    assert.equal(error.kind, 'spark');
    assert.equal(error.errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
    assert.equal(error.sqlState, '42703');
    assert.equal(error.messageParameters.objectName, '`nope`');
    const context = error.sqlContext;
    assert.ok(context, 'a query context');
    assert.equal(context.fragment, 'nope');
    assert.equal(sql.slice(context.startIndex, context.stopIndex + 1), 'nope');
    assert.deepEqual(locateSparkError(sql, error), { start: sql.indexOf('nope'), end: sql.indexOf('nope') + 4 });
  });

  it('gives a parse error its line and position', async () => {
    const sql = 'SELECT id\nFROM range(3)\nWHERE id = = 1';
    const error = await expectSparkError(client.sql(sql).toTable());
    assert.equal(error.errorClass, 'PARSE_SYNTAX_ERROR');
    assert.equal(error.sqlState, '42601');
    assert.deepEqual(error.parsePosition, { line: 3, column: 11 });
    const span = locateSparkError(sql, error);
    assert.ok(span);
    assert.equal(sql.slice(span.start, span.start + 1), '=');
  });

  it('reattaches when the server ends streams early (1 MiB / 1 s limits) and loses no row', async () => {
    const n = 300_000;
    const execution = client.sql(`SELECT id, repeat('x', 64) AS pad FROM range(${n})`);
    const result = await collectIds(execution, n);
    assert.deepEqual(result, { rows: n, duplicates: 0, missing: 0 });
    assert.ok(execution.stats.reattaches > 0, `expected reattaches, stats: ${JSON.stringify(execution.stats)}`);
  });

  it('reassembles chunked Arrow batches byte for byte', async () => {
    const n = 50_000;
    const execution = client.sql(`SELECT id, concat('value-', id) AS s FROM range(${n})`, { arrowChunkSizeBytes: 4096 });
    const result = await collectIds(execution, n);
    assert.deepEqual(result, { rows: n, duplicates: 0, missing: 0 });
    assert.ok(execution.stats.chunkedBatches > 0, `expected chunked batches, stats: ${JSON.stringify(execution.stats)}`);
  });

  it('survives a connection cut mid-stream by a proxy: retries, reattaches, exact rows', async () => {
    const proxy = new FaultProxy(testServer().port);
    const port = await proxy.listen();
    const viaProxy = new SparkConnectClient(testServer().url.replace(`:${testServer().port}`, `:${port}`));
    try {
      const n = 500_000;
      const execution = viaProxy.sql(`SELECT id, repeat('y', 32) AS pad FROM range(${n})`);
      const result = await collectIds(execution, n, (batch) => {
        if (batch === 3) proxy.cutAll();
      });
      assert.equal(proxy.cuts, 1);
      assert.deepEqual(result, { rows: n, duplicates: 0, missing: 0 });
      assert.ok(execution.stats.retries >= 1, `expected a retry, stats: ${JSON.stringify(execution.stats)}`);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  // The query streams 40M rows past a 1,000-row broadcast: Spark's tasks check for a kill once per batch
  // of streamed rows, so a kill lands within milliseconds. (With 200k × 200k, one batch is seconds of
  // work, and the job ran on for up to 3 s after a correct interrupt: Spark's granularity, not ours.)
  it('interrupts a long query: the stream ends as cancelled and the Spark job stops within 2 s', async () => {
    const abort = new AbortController();
    const execution = client.sql('SELECT sum(hash(a.id, b.id)) FROM range(40000000) a CROSS JOIN range(1000) b', {
      signal: abort.signal,
    });
    let cancelledAt = 0;
    const error = await expectSparkError(
      (async () => {
        for await (const event of execution) {
          if (event.type === 'progress' && event.progress.stages.some((s) => s.numTasks > 0) && !cancelledAt) {
            cancelledAt = Date.now();
            abort.abort();
          }
        }
      })(),
    );
    assert.ok(cancelledAt > 0, 'the job started (progress arrived) before cancelling');
    assert.equal(error.kind, 'cancelled');
    // The job has stopped when the server JVM goes idle.
    const { busyTicks, idleAfterMs } = await waitForSparkIdle(testServer().pid, cancelledAt, 2_000);
    assert.ok(busyTicks <= 2, `Spark still busy (${busyTicks} CPU ticks in 250 ms) ${idleAfterMs} ms after cancel`);
    const state = (await client.operationStates([execution.operationId!]))?.get(execution.operationId!);
    assert.notEqual(state, 'succeeded');
    // The cores are free again: a small query answers at once.
    const table = await client.sql('SELECT count(*) FROM range(1000)').toTable();
    assert.equal(table.getChildAt(0)!.get(0), 1000n);
  });

  it('interrupts by tag and interrupts all', async () => {
    const execution = client.sql('SELECT sum(hash(a.id, b.id)) FROM range(40000000) a CROSS JOIN range(1000) b', {
      tags: ['my-tag'],
    });
    let interrupted: string[] | undefined;
    const error = await expectSparkError(
      (async () => {
        for await (const event of execution) {
          if (event.type === 'progress' && event.progress.stages.some((s) => s.numTasks > 0) && !interrupted) {
            interrupted = await client.interruptTag('my-tag');
          }
        }
      })(),
    );
    assert.deepEqual(interrupted, [execution.operationId], 'the tagged operation, and only it, was interrupted');
    assert.match(error.errorClass ?? error.message, /OPERATION_CANCELED|cancel/i);
    assert.deepEqual(await client.interruptAll(), []);
  });

  it('reads, sets and unsets session configuration', async () => {
    await client.setConfig({ 'spark.sql.shuffle.partitions': '3', 'spark.workbench.test': 'yes' });
    const values = await client.getConfig(['spark.sql.shuffle.partitions', 'spark.workbench.test']);
    assert.equal(values.get('spark.sql.shuffle.partitions'), '3');
    assert.equal(values.get('spark.workbench.test'), 'yes');
    const all = await client.getAllConfig('spark.workbench.');
    assert.equal(all.get('spark.workbench.test'), 'yes');
    await client.unsetConfig(['spark.workbench.test']);
    assert.equal((await client.getConfig(['spark.workbench.test'])).get('spark.workbench.test'), undefined);
    await client.setConfig({ 'spark.sql.shuffle.partitions': '2' });
  });

  it('analyzes without running: schema, explain in every mode, DDL parsing', async () => {
    const schema = await client.schemaOf('SELECT id, CAST(id AS STRING) AS s FROM range(3)');
    assert.equal(schema?.kind.case, 'struct');
    const fields =
      schema?.kind.case === 'struct' ? schema.kind.value.fields.map((f) => `${f.name}:${f.dataType?.kind.case}`) : [];
    assert.deepEqual(fields, ['id:long', 's:string']);
    for (const mode of ['simple', 'extended', 'codegen', 'cost', 'formatted'] as const) {
      const plan = await client.explain('SELECT id * 2 FROM range(10) WHERE id > 3', mode);
      assert.match(plan, /Physical Plan|Range/, `explain ${mode}`);
    }
    assert.match(await client.explain('SELECT 1', 'extended'), /Parsed Logical Plan/);
    const parsed = await client.parseDdl('a INT, b ARRAY<STRING>');
    assert.equal(parsed?.kind.case, 'struct');
  });

  it('lists catalogs, namespaces, tables and columns', async () => {
    await client.sql('CREATE NAMESPACE IF NOT EXISTS workbench_test').toTable();
    await client.sql('DROP TABLE IF EXISTS workbench_test.orders').toTable();
    await client
      .sql('CREATE TABLE workbench_test.orders (id BIGINT, amount DECIMAL(12,2), placed TIMESTAMP) USING parquet')
      .toTable();
    const catalog = new SparkCatalog(client);
    assert.ok((await catalog.listCatalogs()).includes('spark_catalog'));
    assert.ok((await catalog.listNamespaces('spark_catalog')).includes('workbench_test'));
    const tables = await catalog.listTables('spark_catalog', 'workbench_test');
    const orders = tables.find((t) => t.name === 'orders');
    assert.ok(orders, 'orders is listed');
    assert.equal(orders.isTemporary, false);
    const columns = await catalog.listColumns('spark_catalog', 'workbench_test', 'orders');
    await client.sql("CREATE OR REPLACE TEMPORARY VIEW workbench_recent AS SELECT 1 AS n, 'x' AS label").toTable();
    const temporary = (await catalog.listTables('spark_catalog', 'workbench_test')).find((t) => t.name === 'workbench_recent');
    assert.equal(temporary?.isTemporary, true, 'temporary views are listed too');
    assert.deepEqual(
      (await catalog.listColumns('', '', 'workbench_recent')).map((c) => [c.name, c.dataType]),
      [
        ['n', 'int'],
        ['label', 'string'],
      ],
    );
    assert.deepEqual(
      columns.map((c) => [c.name, c.dataType]),
      [
        ['id', 'bigint'],
        ['amount', 'decimal(12,2)'],
        ['placed', 'timestamp'],
      ],
    );
  });

  it('rejects a wrong token and a missing token with clear sentences', async () => {
    const { port } = testServer();
    const wrong = new SparkConnectClient(`sc://127.0.0.1:${port}/;token=not-the-token`);
    const missing = new SparkConnectClient(`sc://127.0.0.1:${port}`);
    try {
      const rejected = await expectSparkError(wrong.sparkVersion());
      assert.equal(rejected.kind, 'unauthenticated');
      assert.equal(rejected.message, `The Spark server at 127.0.0.1:${port} rejected the token.`);
      assert.ok(!rejected.message.includes('not-the-token'));
      const absent = await expectSparkError(missing.sql('SELECT 1').toTable());
      assert.equal(absent.kind, 'unauthenticated');
      assert.match(absent.message, /requires a token/);
    } finally {
      await wrong.close();
      await missing.close();
    }
  });

  it('says plainly when nothing listens on the port', async () => {
    const { freePort } = await import('../support/sparkTestServer.js');
    const port = await freePort();
    const { RetryPolicy, DEFAULT_RETRY_POLICY } = await import('../../src/core/connect/retryPolicy.js');
    const nobody = new SparkConnectClient(`sc://127.0.0.1:${port}`, {
      retryPolicy: new RetryPolicy({ ...DEFAULT_RETRY_POLICY, maxRetries: 2 }),
    });
    try {
      const error = await expectSparkError(nobody.sql('SELECT 1').toTable());
      assert.equal(error.kind, 'unavailable');
      assert.equal(
        error.message,
        `Cannot reach the Spark server at 127.0.0.1:${port}: connection refused (is the server running?).`,
      );
    } finally {
      await nobody.close();
    }
  });
});
