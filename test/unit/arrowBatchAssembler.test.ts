import assert from 'node:assert/strict';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { ArrowBatchAssembler } from '../../src/core/connect/arrowBatchAssembler.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('chunked Arrow batch reassembly', () => {
  it('passes an unchunked batch through as it is', () => {
    const assembler = new ArrowBatchAssembler();
    const data = bytes(1, 2, 3);
    assert.equal(assembler.push({ data, chunkIndex: undefined, numChunksInBatch: undefined }), data);
    assert.equal(assembler.push({ data, chunkIndex: 0n, numChunksInBatch: 1n }), data);
    assert.equal(assembler.incomplete, false);
  });

  it('joins chunks in order, one batch after another', () => {
    const assembler = new ArrowBatchAssembler();
    assert.equal(assembler.push({ data: bytes(1, 2), chunkIndex: 0n, numChunksInBatch: 3n }), undefined);
    assert.equal(assembler.incomplete, true);
    assert.equal(assembler.push({ data: bytes(3), chunkIndex: 1n, numChunksInBatch: 3n }), undefined);
    assert.deepEqual(assembler.push({ data: bytes(4, 5), chunkIndex: 2n, numChunksInBatch: 3n }), bytes(1, 2, 3, 4, 5));
    assert.equal(assembler.incomplete, false);
    assert.equal(assembler.push({ data: bytes(9), chunkIndex: 0n, numChunksInBatch: 2n }), undefined);
    assert.deepEqual(assembler.push({ data: bytes(8), chunkIndex: 1n, numChunksInBatch: 2n }), bytes(9, 8));
  });

  it('rejects chunks out of order, of a different batch, or starting mid-batch', () => {
    assert.throws(
      () => new ArrowBatchAssembler().push({ data: bytes(1), chunkIndex: 1n, numChunksInBatch: 2n }),
      /before chunk 0/,
    );
    const skipped = new ArrowBatchAssembler();
    skipped.push({ data: bytes(1), chunkIndex: 0n, numChunksInBatch: 3n });
    assert.throws(() => skipped.push({ data: bytes(2), chunkIndex: 2n, numChunksInBatch: 3n }), /chunk 1 was expected/);
    const mixed = new ArrowBatchAssembler();
    mixed.push({ data: bytes(1), chunkIndex: 0n, numChunksInBatch: 3n });
    assert.throws(() => mixed.push({ data: bytes(2), chunkIndex: 1n, numChunksInBatch: 4n }), /started with 3/);
  });

  it('rebuilds a real Arrow IPC stream cut into pieces', () => {
    const table = tableFromArrays({
      id: Int32Array.from({ length: 1000 }, (_, i) => i),
      label: Array.from({ length: 1000 }, (_, i) => `row-${i}`),
    });
    const ipc = tableToIPC(table, 'stream');
    const size = Math.ceil(ipc.byteLength / 7);
    const assembler = new ArrowBatchAssembler();
    let whole: Uint8Array | undefined;
    for (let i = 0; i < 7; i++) {
      whole = assembler.push({ data: ipc.subarray(i * size, (i + 1) * size), chunkIndex: BigInt(i), numChunksInBatch: 7n });
    }
    assert.ok(whole);
    const back = tableFromIPC(whole);
    assert.equal(back.numRows, 1000);
    assert.equal(back.getChild('label')!.get(999), 'row-999');
    assert.equal(back.getChild('id')!.get(500), 500);
  });
});
