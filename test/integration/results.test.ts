import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Schema } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { rowsOf, toJsonValue } from '../../src/core/arrow/sparkValues.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { openResultFile, type ResultFileFormat } from '../../src/core/results/resultFileWriter.js';
import { sortedAndFilteredQuery } from '../../src/core/results/resultRequery.js';
import { testServer } from '../support/sparkTestServer.js';

/** The results viewer's Spark-side pieces against the real server: re-query with sort/filter, and exports. */
describe('results against real Spark', function () {
  this.timeout(120_000);
  let client: SparkConnectClient;
  let folder: string;

  before(() => {
    client = new SparkConnectClient(testServer().url);
    folder = mkdtempSync(join(tmpdir(), 'sw-results-'));
  });
  after(async () => {
    await client.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function rows(sql: string): Promise<unknown[][]> {
    return [...rowsOf(await client.sql(sql).toTable())].map((row) => row.map(toJsonValue));
  }

  it('re-runs a query with the grid sort and filter applied by Spark, with hostile names and terms', async () => {
    const query = "SELECT id AS `we``ird`, concat('it''s ', CAST(id AS STRING), IF(id = 7, '%_x', '')) AS label FROM range(12);";
    const sql = sortedAndFilteredQuery(query, ['we`ird', 'label'], { column: 'we`ird', descending: true }, 'S 1');
    assert.deepEqual(await rows(sql), [
      [11, "it's 11"],
      [10, "it's 10"],
      [1, "it's 1"],
    ]);
    // LIKE wildcards in the term match only themselves.
    assert.deepEqual(await rows(sortedAndFilteredQuery(query, ['we`ird', 'label'], undefined, '%_')), [[7, "it's 7%_x"]]);
    // NULLs last, as the grid sorts them.
    const withNulls = 'SELECT IF(id % 2 = 0, NULL, id) AS v FROM range(5)';
    assert.deepEqual(await rows(sortedAndFilteredQuery(withNulls, ['v'], { column: 'v', descending: false }, '')), [
      [1],
      [3],
      [null],
      [null],
      [null],
    ]);
  });

  it('exports a result batch by batch to CSV, JSON, Arrow and Parquet with exact values', async () => {
    const sql = `SELECT id, CAST(id AS DECIMAL(20,2)) / 3 AS third, IF(id % 3 = 0, NULL, concat('r', id)) AS label,
                        timestamp_seconds(id * 3600) AS at
                 FROM range(0, 30000, 1, 3)`;
    const expected = await rows(sql);
    for (const format of ['csv', 'json', 'arrow', 'parquet'] as ResultFileFormat[]) {
      const target = join(folder, `export.${format}`);
      const writer = await openResultFile(target, format);
      let schema: Schema | undefined;
      let batches = 0;
      // Three partitions: at least three Arrow batches, so the export really goes batch by batch.
      for await (const event of client.sql(sql)) {
        if (event.type === 'schema') schema = event.schema;
        if (event.type === 'batch') {
          batches++;
          await writer.write(event.batch);
        }
      }
      await writer.finish(schema);
      assert.ok(batches > 1, `${format}: ${batches} batches`);
      const bytes = readFileSync(target);
      if (format === 'json') {
        const parsed = JSON.parse(bytes.toString()) as Record<string, unknown>[];
        assert.deepEqual(
          parsed.map((row) => Object.values(row)),
          expected,
        );
      } else if (format === 'csv') {
        const lines = bytes.toString().split('\r\n');
        assert.equal(lines[0], 'id,third,label,at');
        assert.equal(lines.length, expected.length + 2);
        assert.equal(lines[2], '1,0.333333,r1,1970-01-01 01:00:00.000000 UTC');
        assert.equal(lines[4], '3,1.000000,,1970-01-01 03:00:00.000000 UTC');
      } else {
        const table = tableFromIPC(format === 'arrow' ? bytes : readParquet(bytes).intoIPCStream());
        const back = [...rowsOf(table)].map((row) => row.map(toJsonValue));
        assert.deepEqual(back, expected, `${format} round trip`);
      }
    }
  });
});
