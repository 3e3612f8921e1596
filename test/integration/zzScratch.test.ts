import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { attachDatabases } from '../../src/core/databases/databaseCatalogs.js';
import { readWorkbenchFile } from '../../src/core/databases/databaseSources.js';
import { startPostgres } from '../support/postgresServer.js';
import { testServer } from '../support/sparkTestServer.js';
import { rowsOf } from '../../src/core/arrow/sparkValues.js';

describe('scratch', function () {
  this.timeout(300_000);
  it('tries', async () => {
    const pg = await startPostgres();
    pg.psql('postgres', 'CREATE DATABASE analytics');
    const client = new SparkConnectClient(testServer().url);
    const { databases } = readWorkbenchFile(`databases:\n  analytics:\n    url: ${pg.jdbcUrl('analytics')}\n    user: ${pg.user}\n`);
    await attachDatabases(client, databases, async () => pg.password);
    const run = async (sql: string) => {
      try {
        const t = await client.sql(sql).toTable();
        console.log('OK', sql.slice(0, 120), JSON.stringify([...rowsOf(t)].slice(0, 5), (_, v) => (typeof v === 'bigint' ? String(v) : v)));
      } catch (e) {
        console.log('FAIL', sql.slice(0, 120), String((e as Error).message).slice(0, 600));
      }
    };
    await run(`CREATE TABLE default.src AS SELECT id, id * 2 AS v, CAST(id AS STRING) AS s, current_date() AS d FROM range(1000)`);
    await run(`CREATE TABLE analytics.public.t__staging AS SELECT * FROM default.src`);
    await run(`SHOW TABLES IN analytics.public LIKE 't'`);
    await run(`ALTER TABLE analytics.public.t__staging RENAME TO analytics.public.t`);
    await run(`ALTER TABLE analytics.public.t__staging RENAME TO public.t`);
    await run(`SHOW TABLES IN analytics.public`);
    console.log(pg.psql('analytics', '\\d t'));
    await run(`CREATE TABLE analytics.public.t__staging AS SELECT id, v FROM default.src WHERE id < 10`);
    const block = `DO $$BEGIN DROP TABLE IF EXISTS "public"."t__previous"; ALTER TABLE "public"."t" RENAME TO "t__previous"; ALTER TABLE "public"."t__staging" RENAME TO "t"; DROP TABLE "public"."t__previous"; END$$`;
    await run(`SELECT count(*) AS n FROM analytics.public.t WITH ('sessionInitStatement' = '${block}', 'pushDownAggregate' = 'true')`);
    console.log(pg.psql('analytics', '\\d t'));
    console.log(pg.psql('analytics', 'SELECT count(*) FROM t'));
    await client.close();
    await pg.stop();
  });
});
