import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { rowsOf, toDisplayText } from '../../src/core/arrow/sparkValues.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkCatalog } from '../../src/core/connect/sparkCatalog.js';
import { CatalogCache } from '../../src/core/sql/completion/catalogCache.js';
import { LiveCatalogNames } from '../../src/core/sql/completion/liveCatalogNames.js';
import { tableHover } from '../../src/core/sql/completion/sqlCompletions.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { attachDatabases } from '../../src/core/databases/databaseCatalogs.js';
import { readWorkbenchFile } from '../../src/core/databases/databaseSources.js';
import { pipelineEnvironment } from '../../src/core/pipelines/pipelineEnvironment.js';
import { runPipeline } from '../../src/core/pipelines/pipelineRun.js';
import { pipelineProject } from '../support/pipelineProject.js';
import { startPostgres, type PostgresServer } from '../support/postgresServer.js';
import { cli } from '../support/runCli.js';
import { testServer } from '../support/sparkTestServer.js';

const ORDERS = 1_000_000;

/** Each row as display text by column name, as the results grid shows it. */
function shown(table: Table): Record<string, string>[] {
  const names = table.schema.fields.map((f) => f.name);
  return [...rowsOf(table)].map((row) => Object.fromEntries(names.map((name, i) => [name, toDisplayText(row[i]!)])));
}

describe("databases through Spark's JDBC catalog (a real PostgreSQL)", function () {
  this.timeout(300_000);
  let pg: PostgresServer;
  let client: SparkConnectClient;

  before(async () => {
    pg = await startPostgres();
    pg.psql('postgres', 'CREATE DATABASE crm');
    pg.psql(
      'crm',
      `CREATE TABLE customers (
         id int PRIMARY KEY, name text, signup date, balance numeric(38,10), last_seen timestamptz,
         profile jsonb, tags text[], scores int[], ext_id uuid, avatar bytea);
       INSERT INTO customers VALUES
         (1, 'Ada', '2024-01-31', 12345678901234567890.0123456789, '2024-03-01 12:30:00.123456+00',
          '{"tier": "gold", "since": 2019}', ARRAY['a','b'], ARRAY[1,2,3], 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10'),
         (2, 'Zoë "quoted"', NULL, -0.0000000001, NULL, NULL, ARRAY[]::text[], NULL, NULL, NULL);
       CREATE TABLE orders AS
         SELECT g AS id, (g % 1000) + 1 AS customer_id, ((g % 9973) / 100.0)::numeric(12,2) AS amount
         FROM generate_series(1, ${ORDERS}) g;
       ALTER TABLE orders ADD PRIMARY KEY (id);
       ANALYZE;`,
    );
    client = new SparkConnectClient(testServer().url);
    const { databases, problems } = readWorkbenchFile(
      `databases:\n  crm:\n    url: ${pg.jdbcUrl('crm')}\n    user: ${pg.user}\n  crm_locked:\n    url: ${pg.jdbcUrl('crm')}\n    user: ${pg.user}\n`,
    );
    assert.deepEqual(problems, []);
    await attachDatabases(client, databases, async (name) => (name === 'crm' ? pg.password : 'not-the-password'));
  });

  after(async () => {
    await client?.close();
    await pg?.stop();
  });

  /** The SparkError a query fails with (the test fails if it runs). */
  const failureOf = (sql: string): Promise<SparkError> =>
    client
      .sql(sql)
      .toTable()
      .then(
        () => assert.fail(`the query ran: ${sql}`),
        (error: unknown) => error as SparkError,
      );

  it('lists the database, its schemas, tables and column types as the Catalog view reads them, before any query', async () => {
    const catalog = new SparkCatalog(client);
    const catalogs = await catalog.listCatalogs();
    assert.ok(catalogs.includes('crm') && catalogs.includes('crm_locked'), catalogs.join(', '));
    assert.ok((await catalog.listNamespaces('crm')).includes('public'));
    assert.deepEqual((await catalog.listTables('crm', 'public')).map((t) => t.name).sort(), ['customers', 'orders']);
    assert.deepEqual(
      (await catalog.listColumns('crm', 'public', 'customers')).map((c) => `${c.name} ${c.dataType}`),
      [
        'id int',
        'name string',
        'signup date',
        'balance decimal(38,10)',
        'last_seen timestamp',
        'profile string',
        'tags array<string>',
        'scores array<int>',
        'ext_id string',
        'avatar binary',
      ],
    );
  });

  it('completion and hover know its tables and columns, as they know the lake', async () => {
    const names = new CatalogCache(new LiveCatalogNames(client));
    assert.ok((await names.catalogs()).includes('crm'));
    assert.deepEqual((await names.tables('crm', 'public')).map((t) => t.name).sort(), ['customers', 'orders']);
    const table = await names.resolve(['crm', 'public', 'customers']);
    assert.ok(table, 'crm.public.customers resolves');
    const hover = await tableHover(names, table);
    assert.match(hover, /\*\*crm\\\.public\\\.customers\*\*/);
    assert.match(hover, /\| balance \| decimal\\\(38,10\\\) \|/);
  });

  it('reads its types exactly, NULLs included', async () => {
    const rows = shown(await client.sql('SELECT * FROM crm.public.customers ORDER BY id').toTable());
    assert.deepEqual(rows[0], {
      id: '1',
      name: 'Ada',
      signup: '2024-01-31',
      balance: '12345678901234567890.0123456789',
      last_seen: rows[0]!.last_seen,
      profile: '{"tier": "gold", "since": 2019}',
      tags: '["a", "b"]',
      scores: '[1, 2, 3]',
      ext_id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      avatar: "X'00FF10'",
    });
    // The instant, whatever the session's time zone: 2024-03-01 12:30:00.123456 UTC.
    const instant = await client.sql('SELECT unix_micros(last_seen) AS us FROM crm.public.customers WHERE id = 1').toTable();
    assert.equal(String(instant.get(0)!.toJSON().us), String(Date.UTC(2024, 2, 1, 12, 30, 0) * 1000 + 123_456));
    assert.deepEqual(rows[1], {
      id: '2',
      name: 'Zoë "quoted"',
      signup: 'NULL',
      balance: '-0.0000000001',
      last_seen: 'NULL',
      profile: 'NULL',
      tags: '[]',
      scores: 'NULL',
      ext_id: 'NULL',
      avatar: 'NULL',
    });
  });

  it('reads a million rows in four partitions, with the count and sum PostgreSQL gives', async () => {
    const [expectedCount, expectedSum] = pg.psql('crm', 'SELECT count(*), sum(amount) FROM orders').split('|');
    const parts = shown(
      await client
        .sql(
          `SELECT spark_partition_id() AS part, count(*) AS n, sum(amount) AS total
           FROM crm.public.orders WITH ('partitionColumn' = 'id', 'lowerBound' = '1', 'upperBound' = '${ORDERS}', 'numPartitions' = '4')
           GROUP BY 1 ORDER BY 1`,
        )
        .toTable(),
    );
    assert.equal(parts.length, 4, JSON.stringify(parts));
    assert.equal(String(parts.reduce((sum, p) => sum + Number(p.n), 0)), expectedCount);
    const total = parts.reduce((sum, p) => sum + BigInt(p.total!.replace('.', '')), 0n);
    assert.equal(`${total / 100n}.${String(total % 100n).padStart(2, '0')}`, expectedSum);
  });

  it('pushes filters, limits and aggregates down to the database, as Explain shows', async () => {
    const plan = async (sql: string) => (await client.explain(sql, 'formatted')).replace(/\s+/g, ' ');
    assert.match(await plan('SELECT id FROM crm.public.orders WHERE amount > 50 LIMIT 5'), /PushedFilters: \[.*amount > 50/);
    assert.match(await plan('SELECT id FROM crm.public.orders WHERE amount > 50 LIMIT 5'), /PushedLimit: LIMIT 5/);
    assert.match(
      await plan('SELECT customer_id, count(*) FROM crm.public.orders GROUP BY customer_id'),
      /PushedAggregates: \[COUNT\(\*\)\]/,
    );
  });

  it('a wrong password fails with a clear error that never shows the password', async () => {
    const failure = await failureOf('SELECT count(*) FROM crm_locked.public.orders');
    assert.ok(failure instanceof SparkError);
    assert.equal(failure.errorClass, 'FAILED_JDBC.CONNECTION');
    // Spark says only "Couldn't connect to the database"; the database's own reason comes with it.
    assert.match(failure.message, /Cause: .*password authentication failed for user "workbench"/);
    // Spark redacts the whole URL; the query's database is named instead.
    assert.match(
      failure.message,
      /Failed JDBC the database crm_locked \(jdbc:postgresql:\/\/127\.0\.0\.1:\d+\/crm\) on the operation/,
    );
    // The message is not an enumerable property: JSON alone would never show it.
    const everything = `${failure.message}\n${failure.stack ?? ''}\n${JSON.stringify(failure)}`;
    assert.doesNotMatch(everything, /not-the-password/);
    assert.ok(!everything.includes(pg.password));
  });

  it('the CLI reads the databases of the nearest spark-workbench.yml, the password from the environment', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-databases-cli-'));
    try {
      writeFileSync(
        join(folder, 'spark-workbench.yml'),
        `databases:\n  crm:\n    url: ${pg.jdbcUrl('crm')}\n    user: ${pg.user}\n`,
      );
      mkdirSync(join(folder, 'reports'));
      const args = ['sql', 'SELECT count(*) AS n FROM crm.public.orders', '--remote', testServer().url, '--format', 'csv'];
      const counted = await cli(args, { SPARK_WORKBENCH_DB_CRM_PASSWORD: pg.password }, join(folder, 'reports'));
      assert.equal(counted.code, 0, counted.stderr);
      assert.equal(counted.stdout.trim().split('\n').at(-1), String(ORDERS));
      const denied = await cli(args, { SPARK_WORKBENCH_DB_CRM_PASSWORD: 'zz-not-it-zz' }, join(folder, 'reports'));
      assert.equal(denied.code, 1);
      assert.match(denied.stderr, /FAILED_JDBC\.CONNECTION.*password authentication failed/s);
      assert.doesNotMatch(denied.stderr + denied.stdout, /zz-not-it-zz/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("ships a driver the server was started without over Spark Connect (AddArtifacts): H2's, from Maven Central", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-h2-'));
    const { databases, problems } = readWorkbenchFile(
      `databases:\n  h2db:\n    url: jdbc:h2:file:${join(folder, 'db')}\n    user: sa\n    driver: com.h2database:h2:2.3.232\n    driverClass: org.h2.Driver\n`,
    );
    assert.deepEqual(problems, []);
    const without = new SparkConnectClient(testServer().url);
    const shipped = new SparkConnectClient(testServer().url);
    try {
      await attachDatabases(without, databases, async () => undefined);
      const failure = await without
        .sql('SHOW NAMESPACES IN h2db')
        .toTable()
        .then(
          () => assert.fail('the server had the H2 driver already: this test proves nothing'),
          (error: unknown) => error as SparkError,
        );
      assert.match(failure.message, /h2db/);
      await attachDatabases(shipped, databases, async () => undefined, {
        cacheDir: join(folder, 'drivers'),
        onFailure: (message) => assert.fail(message),
      });
      await shipped.sql('CREATE TABLE h2db.PUBLIC.numbers AS SELECT id, id * 2 AS doubled FROM range(10)').toTable();
      const summed = await shipped.sql('SELECT count(*) AS n, sum(doubled) AS total FROM h2db.PUBLIC.numbers').toTable();
      assert.deepEqual(summed.get(0)!.toJSON(), { n: 10n, total: 90n });
    } finally {
      await without.close();
      await shipped.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('publishing a dataset to a database table after a run', () => {
    let folder: string;
    const targets = () => {
      const file = readWorkbenchFile(readFileSync(join(folder, 'spark-workbench.yml'), 'utf8'));
      assert.deepEqual(file.problems, []);
      return file;
    };
    /** Runs the pipeline with `rows` rows and `extra` as its third column, publishing as its spark-workbench.yml says. */
    /** The project with `rows` rows and `extra` as its third column (the spec written afresh). */
    const project = (rows: number, extra = 'CAST(id AS STRING) AS label') =>
      pipelineProject(folder, { name: 'publishing', configuration: { 'totals.rows': String(rows), 'totals.extra': extra } });
    /** Runs it, publishing as its spark-workbench.yml says. */
    const run = (rows: number, extra?: string) =>
      runPipeline(
        pipelineEnvironment(
          client,
          async () => [],
          () => Promise.reject(new Error('no Python')),
        ),
        { ...project(rows, extra), publish: targets().publish },
      );

    before(async () => {
      pg.psql('postgres', 'CREATE DATABASE analytics');
      folder = mkdtempSync(join(tmpdir(), 'sw-publish-'));
      pipelineProject(folder, {
        name: 'publishing',
        files: {
          'transformations/totals.sql':
            'CREATE MATERIALIZED VIEW published_totals AS SELECT id, id * 2 AS doubled, ${totals.extra} FROM range(${totals.rows});\n',
        },
        configuration: { 'totals.rows': '1', 'totals.extra': '1 AS label' },
      });
      writeFileSync(
        join(folder, 'spark-workbench.yml'),
        `databases:\n  analytics:\n    url: ${pg.jdbcUrl('analytics')}\n    user: ${pg.user}\npublish:\n  published_totals: analytics.public.totals\n`,
      );
      await attachDatabases(client, targets().databases, async () => pg.password);
    });
    after(() => folder && rmSync(folder, { recursive: true, force: true }));

    it('the first run creates the table', async () => {
      const summary = await run(50_000);
      assert.equal(summary.outcome, 'completed', summary.message);
      assert.deepEqual(
        summary.published?.map((p) => [p.dataset, p.target, p.rows]),
        [['published_totals', 'analytics.public.totals', 50_000]],
      );
      assert.equal(
        pg.psql('analytics', 'SELECT count(*), sum(doubled), max(label::int) FROM public.totals'),
        `50000|${49_999 * 50_000}|49999`,
      );
    });

    it('the CLI run swaps the new table in: a second connection reads the old table or the new, never part of one', async () => {
      // Replaced in the same run: the CLI finds spark-workbench.yml beside the spec (the working folder is elsewhere).
      project(120_000);
      const reader = pg.watch('analytics', 'SELECT count(*) FROM public.totals');
      const ran = await cli(
        ['pipeline', 'run', folder, '--remote', testServer().url],
        { SPARK_WORKBENCH_DB_ANALYTICS_PASSWORD: pg.password },
        tmpdir(),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const seen = await reader.stop();
      assert.equal(ran.code, 0, ran.stderr);
      assert.match(ran.stderr, /Published published_totals to analytics\.public\.totals: 120,000 rows\./);
      assert.equal(seen.errors, '', 'the reader never failed (the table was always there)');
      assert.deepEqual(
        [...new Set(seen.rows)],
        ['50000', '120000'],
        `the reader saw the old table, then the new (${seen.rows.length} reads)`,
      );
      assert.equal(
        pg.psql('analytics', "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"),
        'totals',
      );
    });

    it('a publish that fails says why, fails the run and leaves the previous table', async () => {
      const summary = await run(7, "map('k', id) AS label");
      assert.equal(summary.outcome, 'failed');
      assert.match(
        summary.message ?? '',
        /^Publishing published_totals to analytics\.public\.totals failed, and the table there is as it was: Can't get JDBC type for map<string,bigint>\.$/,
      );
      assert.deepEqual(summary.published, []);
      assert.equal(pg.psql('analytics', 'SELECT count(*), max(label) FROM public.totals'), '120000|99999');
      assert.equal(
        pg.psql('analytics', "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"),
        'totals',
      );
    });
  });

  describe('the database down (last: it stops the server)', () => {
    it('a database that is down fails the query at once, with the reason', async () => {
      await pg.stop();
      const started = Date.now();
      const failure = await failureOf('SELECT count(*) FROM crm.public.orders');
      assert.equal(failure.errorClass, 'FAILED_JDBC.CONNECTION');
      assert.match(failure.message, /Cause: Connection to 127\.0\.0\.1:\d+ refused/);
      assert.ok(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`);
    });
  });
});
