import assert from 'node:assert/strict';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { CatalogCache } from '../../src/core/sql/completion/catalogCache.js';
import { LiveCatalogNames } from '../../src/core/sql/completion/liveCatalogNames.js';
import { tableHover } from '../../src/core/sql/completion/sqlCompletions.js';
import { testServer } from '../support/sparkTestServer.js';

describe('catalog names for completion and hover, from real Spark', function () {
  this.timeout(120_000);
  let client: SparkConnectClient;
  const schema = `catalog_names_${process.pid}`;
  before(async () => {
    client = new SparkConnectClient(testServer().url);
    await client.sql(`CREATE SCHEMA IF NOT EXISTS ${schema}`).toTable();
    await client
      .sql(`CREATE TABLE ${schema}.orders (id BIGINT, amount DECIMAL(10,2)) USING parquet COMMENT 'One row per *paid* order'`)
      .toTable();
  });
  after(async () => {
    await client.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).toTable();
    await client.close();
  });

  it("reads a table's COMMENT, and the hover shows it as text above its columns", async () => {
    const catalog = new CatalogCache(new LiveCatalogNames(client));
    const table = await catalog.resolve([schema, 'orders']);
    assert.equal(table?.table.comment, 'One row per *paid* order');
    const markdown = await tableHover(catalog, table!);
    assert.deepEqual(markdown.split('\n').slice(0, 5), [
      `**spark\\_catalog\\.${schema.replace(/_/g, '\\_')}\\.orders** · managed`,
      '',
      'One row per \\*paid\\* order',
      '',
      '| column | type |',
    ]);
    assert.match(markdown, /\| amount \| decimal\\\(10,2\\\) \|/);
  });
});
