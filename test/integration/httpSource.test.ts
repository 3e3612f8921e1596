import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { NotebookKernel, type CellOutput } from '../../src/core/notebooks/notebookKernel.js';
import { helperConnectionString } from '../../src/core/python/helperConnection.js';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';
import { pipelineEnvironment } from '../../src/core/pipelines/pipelineEnvironment.js';
import { runPipeline } from '../../src/core/pipelines/pipelineRun.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { pipelineProject, pythonDefinition } from '../support/pipelineProject.js';
import { projectRoot, runtimeDir, testServer } from '../support/sparkTestServer.js';

const PAGES = 1_000;
const PER_PAGE = 100;

/** Record r (0-based) of the API: its amount in cents makes the sum exact to check. */
const record = (r: number) => ({ id: r, name: `customer-${r}`, amount: (r % 997) / 100, tags: ['a', r % 2 ? 'odd' : 'even'] });

/**
 * A loopback API: numbered pages of 100 records (`/records?page=N`, 1-based; past the last, an empty
 * page), a 429 with Retry-After on page 7 and a 503 on page 13 the first time each is asked for, a page
 * that answers HTML (`/broken?page=3`), and next-link paging (`/linked?cursor=N`, 10 pages).
 */
function startApi(): Promise<{
  server: Server;
  url: string;
  requests: Map<string, number>;
  slowAskedAt: number[];
  growing: { count: number };
}> {
  const requests = new Map<string, number>();
  const slowAskedAt: number[] = [];
  const growing = { count: 250 };
  const server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://127.0.0.1');
    const key = `${url.pathname}?${url.searchParams.toString()}`;
    const seen = (requests.get(key) ?? 0) + 1;
    requests.set(key, seen);
    if (url.pathname === '/slow') slowAskedAt.push(Date.now());
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const page = Number(url.searchParams.get('page') ?? url.searchParams.get('cursor') ?? 1);
    const records = (p: number, last: number) =>
      p >= 1 && p <= last ? Array.from({ length: PER_PAGE }, (_, i) => record((p - 1) * PER_PAGE + i)) : [];
    if (url.pathname === '/records') {
      if (page === 7 && seen === 1) return json(429, { error: 'slow down' }, { 'Retry-After': '1' });
      if (page === 13 && seen === 1) return json(503, { error: 'try again' });
      return json(200, { data: records(page, PAGES), page });
    }
    if (url.pathname === '/broken') {
      if (page === 3) {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        return response.end('<html><body>Service unavailable</body></html>');
      }
      return json(200, { data: records(page, 5) });
    }
    if (url.pathname === '/slow') {
      // 100 ms a page, 2,000 pages: a read that runs for minutes unless it is stopped.
      setTimeout(() => json(200, { data: records(page, 2_000) }), 100);
      return;
    }
    if (url.pathname === '/cursored') {
      // Opaque cursors: the next page's in the body, none after the 7th page.
      const at = url.searchParams.has('cursor')
        ? Number(Buffer.from(url.searchParams.get('cursor')!, 'base64url').toString())
        : 1;
      const next = at < 7 ? Buffer.from(String(at + 1)).toString('base64url') : null;
      return json(200, { results: records(at, 7), meta: { next_cursor: next } });
    }
    if (url.pathname === '/growing') {
      // Offset paging over a list that grows between the test's runs.
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const upTo = Math.min(offset + limit, growing.count);
      return json(200, { data: Array.from({ length: Math.max(0, upTo - offset) }, (_, i) => record(offset + i)) });
    }
    if (url.pathname === '/linked' && url.searchParams.has('broken') && page === 4) return json(500, { error: 'down' });
    if (url.pathname === '/linked') {
      const broken = url.searchParams.has('broken') ? '&broken=1' : '';
      const next =
        page < 10 ? `http://127.0.0.1:${(server.address() as AddressInfo).port}/linked?cursor=${page + 1}${broken}` : null;
      return json(200, { items: records(page, 10), links: { next } });
    }
    json(404, { error: 'no such path' });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, slowAskedAt, growing }),
    ),
  );
}

describe('HTTP APIs as a Python data source (spark.read.format("http"))', function () {
  this.timeout(300_000);
  let api: Awaited<ReturnType<typeof startApi>>;
  let client: SparkConnectClient;
  let helper: PythonHelper;
  let kernel: NotebookKernel;

  before(async () => {
    api = await startApi();
    client = new SparkConnectClient(testServer().url);
    const runtime = await new SparkRuntimeInstaller(runtimeDir()).ensureHelperPackages();
    helper = new PythonHelper({
      python: runtime.pythonExecutable,
      script: join(projectRoot(), 'python', 'spark_workbench_helper.py'),
      log: () => undefined,
    });
    kernel = new NotebookKernel('http-notebook', {
      client: () => Promise.resolve(client),
      python: (c) => Promise.resolve({ helper, remote: helperConnectionString(c.connection, c.sessionId, c.userId) }),
      storedRows: () => 1000,
    });
  });
  after(async () => {
    helper?.dispose();
    await client?.close();
    api?.server.close();
  });

  /** Runs a Python cell and returns what it printed. */
  async function python(code: string): Promise<{ status: string; text: string }> {
    const outputs: CellOutput[] = [];
    const result = await kernel.run('python', code, { output: (o) => outputs.push(o), progress: () => undefined });
    const printed = outputs.map((o) => (o.kind === 'stream' ? o.text : JSON.stringify(o))).join('');
    return { status: result.status, text: printed };
  }

  it('reads 1,000 numbered pages in four partitions: every record exactly once, through a 429 and a 503', async () => {
    const ran = await python(
      `df = spark.read.format("http").option("url", "${api.url}/records").option("paging", "page").option("records", "data").option("partitions", "4").load()
rows = df.selectExpr("*", "spark_partition_id() AS part").selectExpr("count(*) AS n", "count(DISTINCT id) AS ids", "CAST(sum(round(amount * 100)) AS BIGINT) AS cents", "min(id)", "max(id)", "count(DISTINCT part)").collect()[0]
print("RESULT", rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], df.schema.simpleString())`,
    );
    assert.equal(ran.status, 'ok', ran.text);
    const expectedCents = Array.from({ length: PAGES * PER_PAGE }, (_, r) => r % 997).reduce((a, b) => a + b, 0);
    assert.match(
      ran.text,
      new RegExp(
        `RESULT ${PAGES * PER_PAGE} ${PAGES * PER_PAGE} ${expectedCents} 0 ${PAGES * PER_PAGE - 1} 4 struct<id:bigint,name:string,amount:double,tags:string>`,
      ),
    );
    assert.equal(api.requests.get('/records?page=7'), 2, 'the 429 was retried once');
    assert.equal(api.requests.get('/records?page=13'), 2, 'the 503 was retried once');
  });

  it("travels with the plan: Spark's Python workers read through it without its module installed", async () => {
    const ran = await python(
      `from pyspark.sql.functions import udf

@udf("string")
def module_on_worker(_):
    try:
        import spark_workbench_http  # noqa: F401
        return "importable"
    except ImportError:
        return "not importable"

print("WORKER", spark.range(1).select(module_on_worker("id")).first()[0])
print("READ", spark.read.format("http").option("url", "${api.url}/linked?cursor=1").option("paging", "next").option("nextPath", "links.next").load().count())`,
    );
    assert.equal(ran.status, 'ok', ran.text);
    assert.match(ran.text, /WORKER not importable\nREAD 1000/);
  });

  it('follows next links in the body', async () => {
    const ran = await python(
      `df = spark.read.format("http").option("url", "${api.url}/linked?cursor=1").option("paging", "next").option("nextPath", "links.next").load()
print("RESULT", df.count(), df.selectExpr("max(id)").collect()[0][0])`,
    );
    assert.equal(ran.status, 'ok', ran.text);
    assert.match(ran.text, /RESULT 1000 999/);
  });

  it('follows cursors in the body', async () => {
    const ran = await python(
      `df = spark.read.format("http").option("url", "${api.url}/cursored").option("paging", "cursor").option("cursorPath", "meta.next_cursor").load()
print("RESULT", df.count(), df.selectExpr("count(DISTINCT id)", "max(id)").collect()[0])`,
    );
    assert.equal(ran.status, 'ok', ran.text);
    assert.match(ran.text, /RESULT 700 Row\(count\(DISTINCT id\)=700, max\(id\)=699\)/);
  });

  it('is a SQL view in the session, for SQL files and cells (once the helper registered it)', async () => {
    const ran = await python(
      `spark.sql("CREATE OR REPLACE TEMPORARY VIEW linked_api USING http OPTIONS (url '${api.url}/linked?cursor=1', paging 'next', nextPath 'links.next')")`,
    );
    assert.equal(ran.status, 'ok', ran.text);
    const counted = await client.sql('SELECT count(*) AS n, max(id) AS top FROM linked_api').toTable();
    assert.deepEqual(counted.get(0)!.toJSON(), { n: 1000n, top: 999n });
  });

  it('a page that is not JSON fails the read, naming the URL and what came', async () => {
    const ran = await python(
      `spark.read.format("http").option("url", "${api.url}/broken").option("paging", "page").option("records", "data").load().count()`,
    );
    assert.equal(ran.status, 'error', ran.text);
    assert.match(ran.text, /broken\?page=3: the answer is not JSON \(text\/html\)/);
  });

  it('an interrupted read stops fetching pages within 2 s, and the next cell runs', async () => {
    const slowRequests = () => api.slowAskedAt.length;
    const running = python(
      `spark.read.format("http").option("url", "${api.url}/slow").option("paging", "page").option("records", "data").option("schema", "id BIGINT").load().count()`,
    );
    // Once the partitions are reading pages (the first use of a Python data source starts Spark's workers).
    for (const until = Date.now() + 60_000; slowRequests() < 8 && Date.now() < until;)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(slowRequests() >= 8, 'pages were being read');
    const interruptedAt = Date.now();
    kernel.interrupt();
    const ran = await running;
    assert.equal(ran.status, 'interrupted', ran.text);
    // When the last page was asked for (the cell may end before its tasks do): watched until the API
    // has been quiet for 3 s.
    const lastAsked = () => Math.max(interruptedAt, ...api.slowAskedAt);
    while (Date.now() - lastAsked() < 3_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const lastAskedAt = lastAsked();
    assert.ok(lastAskedAt - interruptedAt <= 2_000, `a page was asked for ${lastAskedAt - interruptedAt} ms after the interrupt`);
    assert.equal((await python('print("next", 1 + 1)')).text.trim(), 'next 2');
  });

  it("a pipeline's Python definition reads the API into a materialized view; a failing page fails the flow", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-http-pipeline-'));
    try {
      const definition = {
        'transformations/customers.py': pythonDefinition(
          '@dp.materialized_view',
          'api_customers',
          `spark.read.format("http").option("url", spark.conf.get("api.first")).option("paging", "next").option("nextPath", "links.next").option("retries", "1").load()`,
        ),
      };
      const run = (first: string) =>
        runPipeline(
          pipelineEnvironment(
            client,
            async () => [],
            async () => helper,
          ),
          pipelineProject(folder, { name: 'http_source', files: definition, configuration: { 'api.first': first } }),
        );
      const counted = async () =>
        (await client.sql('SELECT count(*) AS n, max(id) AS top FROM api_customers').toTable()).get(0)!.toJSON();
      const summary = await run(`${api.url}/linked?cursor=1`);
      assert.equal(summary.outcome, 'completed', JSON.stringify(summary.errors) + (summary.message ?? ''));
      assert.deepEqual(await counted(), { n: 1000n, top: 999n });
      // The API fails on the 4th page: the flow fails with the page and the status. (Spark's overwrite of a
      // file table deletes its files before writing: the materialized view is empty until the next run.)
      const failed = await run(`${api.url}/linked?cursor=1&broken=1`);
      assert.equal(failed.outcome, 'failed');
      assert.match(
        JSON.stringify(failed.errors) + (failed.message ?? ''),
        /linked\?cursor=4&broken=1: HTTP 500 Internal Server Error/,
      );
      assert.equal((await run(`${api.url}/linked?cursor=1`)).outcome, 'completed');
      assert.deepEqual(await counted(), { n: 1000n, top: 999n });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a streaming table reads only the records added since its last run', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-http-stream-'));
    try {
      const project = pipelineProject(folder, {
        name: 'http_stream',
        files: {
          'transformations/events.py': pythonDefinition(
            '@dp.table',
            'api_events',
            `spark.readStream.format("http").option("url", "${api.url}/growing").option("paging", "offset").option("records", "data").option("schema", "id BIGINT, name STRING").load()`,
          ),
        },
      });
      const run = () =>
        runPipeline(
          pipelineEnvironment(
            client,
            async () => [],
            async () => helper,
          ),
          project,
        );
      const counted = async () =>
        (await client.sql('SELECT count(*) AS n, count(DISTINCT id) AS ids, max(id) AS top FROM api_events').toTable())
          .get(0)!
          .toJSON();
      api.growing.count = 250;
      const first = await run();
      assert.equal(first.outcome, 'completed', JSON.stringify(first.errors) + (first.message ?? ''));
      assert.deepEqual(await counted(), { n: 250n, ids: 250n, top: 249n });
      api.growing.count = 370;
      const asked = new Map(api.requests);
      const second = await run();
      assert.equal(second.outcome, 'completed', JSON.stringify(second.errors) + (second.message ?? ''));
      assert.deepEqual(await counted(), { n: 370n, ids: 370n, top: 369n });
      const askedNow = [...api.requests]
        .filter(([key, n]) => key.startsWith('/growing') && n > (asked.get(key) ?? 0))
        .map(([key]) => key);
      assert.ok(askedNow.includes('/growing?offset=200&limit=100'), askedNow.join(', '));
      assert.ok(
        !askedNow.some((key) => /offset=(0|100)&/.test(key)),
        `the second run started where the first stopped: ${askedNow.join(', ')}`,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
