import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int64, tableFromArrays, tableFromIPC, Utf8, vectorFromArray, makeTable, type Table } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { openResultFile, type ResultFileFormat } from '../../src/core/results/resultFileWriter.js';

function sample(): Table {
  return makeTable({
    id: vectorFromArray([1n, 2n, 3n, 4n], new Int64()).data[0]!,
    name: vectorFromArray(['a', 'b, "quoted"', null, 'line\nbreak'], new Utf8()).data[0]!,
    score: vectorFromArray([1.5, null, -0, 1e300], new Float64()).data[0]!,
  } as never) as unknown as Table;
}

describe('result files', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'sw-export-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function exportBatches(format: ResultFileFormat, table: Table, split = 2): Promise<string> {
    const target = join(folder, `out.${format}`);
    const writer = await openResultFile(target, format);
    for (const batch of table.batches) {
      for (let start = 0; start < batch.numRows; start += split) await writer.write(batch.slice(start, start + split));
    }
    await writer.finish(table.schema);
    return target;
  }

  it('CSV: header, quoting, nulls as empty fields, batch by batch', async () => {
    const text = readFileSync(await exportBatches('csv', sample()), 'utf8');
    assert.equal(text, 'id,name,score\r\n1,a,1.5\r\n2,"b, ""quoted""",\r\n3,,-0.0\r\n4,"line\nbreak",1e+300\r\n');
  });

  it('JSON: one array of objects with exact values', async () => {
    const rows = JSON.parse(readFileSync(await exportBatches('json', sample()), 'utf8')) as unknown[];
    assert.deepEqual(rows, [
      { id: 1, name: 'a', score: 1.5 },
      { id: 2, name: 'b, "quoted"', score: null },
      { id: 3, name: null, score: 0 },
      { id: 4, name: 'line\nbreak', score: 1e300 },
    ]);
  });

  it('Arrow: an IPC file with every row and the types kept', async () => {
    const table = tableFromIPC(readFileSync(await exportBatches('arrow', sample())));
    assert.equal(table.numRows, 4);
    assert.deepEqual(
      table.schema.fields.map((f) => String(f.type)),
      ['Int64', 'Utf8', 'Float64'],
    );
    assert.equal(table.getChild('name')!.get(1), 'b, "quoted"');
  });

  it('Parquet: readable back with every row', async () => {
    const bytes = readFileSync(await exportBatches('parquet', sample()));
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString(), 'PAR1');
    const table = tableFromIPC(readParquet(bytes).intoIPCStream());
    assert.equal(table.numRows, 4);
    assert.deepEqual(table.getChild('id')!.toArray(), BigInt64Array.from([1n, 2n, 3n, 4n]));
  });

  for (const format of ['csv', 'json', 'arrow', 'parquet'] as const) {
    it(`${format}: a result with no rows still gives a valid file`, async () => {
      const empty = tableFromArrays({ x: Int32Array.from([]) });
      const target = join(folder, `empty.${format}`);
      const writer = await openResultFile(target, format);
      await writer.finish(empty.schema);
      const bytes = readFileSync(target);
      if (format === 'csv') assert.equal(bytes.toString(), 'x\r\n');
      if (format === 'json') assert.deepEqual(JSON.parse(bytes.toString()), []);
      if (format === 'arrow') assert.equal(tableFromIPC(bytes).numRows, 0);
      if (format === 'parquet') assert.equal(tableFromIPC(readParquet(bytes).intoIPCStream()).numRows, 0);
    });
  }

  it('an aborted export leaves no file behind, not even a partial one', async () => {
    const target = join(folder, 'aborted.csv');
    const writer = await openResultFile(target, 'csv');
    await writer.write(sample().batches[0]!);
    await writer.abort();
    assert.equal(existsSync(target), false);
    assert.deepEqual(readdirSync(folder), []);
  });
});
