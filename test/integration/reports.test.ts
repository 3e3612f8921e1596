import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { openOffline, type OfflinePage } from '../support/offlinePage.js';
import { pipelineProject } from '../support/pipelineProject.js';
import { assertCliSchema } from '../support/cliSchemas.js';
import { cli } from '../support/runCli.js';
import { projectRoot, testServer } from '../support/sparkTestServer.js';

const HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1">';

/**
 * Run reports written by the CLI after a real run, then opened offline in Chromium: every section
 * there, the figures Spark's, the failing samples and the trend over the runs, no request, no script.
 */
describe('run reports: one HTML page per run, opened offline', function () {
  this.timeout(300_000);
  const database = `reports_it_${Date.now() % 100000}`;
  const folder = mkdtempSync(join(tmpdir(), 'sw-reports-it-'));
  const shots = join(projectRoot(), 'test-results', 'reports');
  const runtime = mkdtempSync(join(tmpdir(), 'sw-reports-home-'));
  let client: SparkConnectClient;
  let opened: OfflinePage | undefined;
  let specPath: string;

  before(async () => {
    mkdirSync(shots, { recursive: true });
    client = new SparkConnectClient(testServer().url);
    ({ specPath } = pipelineProject(folder, {
      name: 'orders',
      database,
      files: {
        'transformations/orders.sql': `CREATE MATERIALIZED VIEW orders (
  CONSTRAINT amount_positive EXPECT (amount > 0)
) AS SELECT id, CASE WHEN id % 10 = 0 THEN -1 ELSE id END AS amount,
  CASE WHEN id = 3 THEN '${HOSTILE.replace(/'/g, "''")}' ELSE concat('customer-', id) END AS customer
FROM range(200);

CREATE MATERIALIZED VIEW customers AS SELECT customer, sum(amount) AS total FROM orders GROUP BY customer;
`,
      },
    }));
    writeFileSync(
      join(folder, 'spark-quality.yml'),
      `datasets:\n  customers:\n    - not_null: customer\n    - between: total\n      min: 0\n      max: 150\n`,
    );
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });
  after(async () => {
    await client
      ?.sql(`DROP SCHEMA IF EXISTS ${database} CASCADE`)
      .toTable()
      .catch(() => undefined);
    await client?.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(runtime, { recursive: true, force: true });
  });

  const run = (out: string) =>
    cli(['pipeline', 'run', specPath, '--remote', testServer().url, '--report', 'html', '--out', out], {
      SPARK_WORKBENCH_HOME: runtime,
    });

  it('pipeline run --report html: the graph with states, datasets with Spark’s rows, quality with samples and the trend, events; no request', async () => {
    const first = await run(join(folder, 'run1.html'));
    assert.equal(first.code, 1, `a failed error-severity check fails the run's exit status\n${first.stderr}`);
    const out = join(folder, 'run2.html');
    const second = await run(out);
    assert.match(second.stderr, /Wrote the HTML report to .*run2\.html/);
    const html = readFileSync(out, 'utf8');
    assert.doesNotMatch(html, /<script/i, 'a report runs no script');
    assert.doesNotMatch(html, /token/i);

    opened = await openOffline(out);
    const { page } = opened;
    await page.screenshot({ path: join(shots, 'run.png'), fullPage: true });
    assert.deepEqual(opened.requests, []);
    assert.deepEqual(opened.consoleErrors, []);
    for (const id of ['graph', 'datasets', 'quality', 'trend', 'events'])
      assert.equal(await page.locator(`section#${id}`).count(), 1, `the ${id} section`);
    assert.match(await page.locator('.headline').innerText(), /^Run completed in \d+\.\d s$/);
    // The graph: both datasets, completed, with their rows.
    assert.equal(await page.locator('svg.graph g.node.completed').count(), 2);
    const rows = await client.sql(`SELECT count(*) FROM ${database}.customers`).toTable();
    const customers = Number(rows.getChildAt(0)!.get(0));
    const datasetRows = await page.locator('#datasets tbody tr').allInnerTexts();
    assert.ok(
      datasetRows.some((r) => /customers\s+materialized view\s+completed\s+200/.test(r) && customers === 200),
      datasetRows.join('\n'),
    );
    // Quality: the expectation's 20 failing rows of 200, the between check's failing totals, samples as text.
    const quality = await page.locator('#quality').innerText();
    assert.match(quality, /amount_positive[\s\S]*failed[\s\S]*20 of 200/);
    assert.match(quality, /\ntransformations\/orders\.sql:2:3|\ttransformations\/orders\.sql:2:3/);
    assert.match(quality, /spark-quality\.yml:4:7/);
    assert.match(quality, /between[\s\S]*failed/);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('body[data-pwned]').count(), 0);
    // The trend: the first run and this one.
    assert.equal(await page.locator('#trend tbody tr').count(), 2);
    assert.ok((await page.locator('#trend svg rect.bar').count()) >= 2);
    assert.match(await page.locator('#events').innerText(), /COMPLETED\s+\S*customers/);
    assert.match(await page.locator('footer').innerText(), /on Spark 4\.\d+\.\d+ at 127\.0\.0\.1:\d+/);
  });

  it('--format json and --report json print the documented shapes (their JSON schemas)', async () => {
    const out = join(folder, 'quality.json');
    const run = await cli(
      ['pipeline', 'run', specPath, '--remote', testServer().url, '--format', 'json', '--report', 'json', '--out', out],
      { SPARK_WORKBENCH_HOME: runtime },
    );
    const summary = JSON.parse(run.stdout) as { outcome: string; datasets: unknown[] };
    assertCliSchema('pipeline-run', summary);
    assert.equal(summary.outcome, 'completed');
    assertCliSchema('quality-report', JSON.parse(readFileSync(out, 'utf8')));
    const dry = await cli(['pipeline', 'dry-run', specPath, '--remote', testServer().url, '--format', 'json'], {
      SPARK_WORKBENCH_HOME: runtime,
    });
    assertCliSchema('pipeline-run', JSON.parse(dry.stdout));
  });

  it('a failed run reports its error at its file and line', async () => {
    writeFileSync(
      join(folder, 'transformations', 'broken.sql'),
      'CREATE MATERIALIZED VIEW broken AS SELECT amountt FROM orders;\n',
    );
    const out = join(folder, 'failed.html');
    const failed = await run(out);
    rmSync(join(folder, 'transformations', 'broken.sql'));
    assert.equal(failed.code, 1);
    opened = await openOffline(out);
    await opened.page.screenshot({ path: join(shots, 'failed.png'), fullPage: true });
    assert.match(await opened.page.locator('.headline').innerText(), /^Run failed/);
    assert.match(await opened.page.locator('#errors').innerText(), /transformations\/broken\.sql:1:\d+[\s\S]*amountt/);
    assert.equal(await opened.page.locator('svg.graph g.node.failed').count(), 1);
  });

  it('quality check --report html writes the quality part alone', async () => {
    const out = join(folder, 'quality.html');
    const checked = await cli(
      [
        'quality',
        'check',
        join(folder, 'spark-quality.yml'),
        '--table',
        `${database}.customers`,
        '--remote',
        testServer().url,
        '--report',
        'html',
        '--out',
        out,
      ],
      { SPARK_WORKBENCH_HOME: runtime },
    );
    assert.equal(checked.code, 1, checked.stderr);
    opened = await openOffline(out);
    assert.deepEqual(opened.requests, []);
    assert.equal(await opened.page.locator('section#graph').count(), 0);
    assert.match(await opened.page.locator('#quality').innerText(), /not_null[\s\S]*passed[\s\S]*between[\s\S]*failed/);
    assert.match(await opened.page.locator('.headline').innerText(), /^2 checks, 1 not passed$/);
  });
});
