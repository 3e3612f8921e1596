import assert from 'node:assert/strict';
import { tableFromArrays, tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { ArrowBatchAssembler, concatBytes } from '../../src/core/connect/arrowBatchAssembler.js';

const bytes = (...values: number[]) => new Uint8Array(values);

type Chunk = { data: Uint8Array; chunkIndex: bigint | undefined; numChunksInBatch: bigint | undefined };
const chunk = (data: Uint8Array, chunkIndex: bigint | undefined, numChunksInBatch: bigint | undefined): Chunk => ({
  data,
  chunkIndex,
  numChunksInBatch,
});

/** Cuts `data` into `count` consecutive, nearly equal views (the last may be shorter or empty). */
function cut(data: Uint8Array, count: number): Uint8Array[] {
  const size = Math.ceil(data.byteLength / count);
  return Array.from({ length: count }, (_, i) => data.subarray(i * size, Math.min((i + 1) * size, data.byteLength)));
}

/** Feeds the pieces as one chunked batch; asserts nothing comes out before the last piece. */
function feed(assembler: ArrowBatchAssembler, pieces: readonly Uint8Array[]): Uint8Array {
  const total = BigInt(pieces.length);
  let whole: Uint8Array | undefined;
  pieces.forEach((piece, i) => {
    whole = assembler.push(chunk(piece, BigInt(i), total));
    if (i < pieces.length - 1) {
      assert.equal(whole, undefined, `chunk ${i} of ${pieces.length} completed the batch too early`);
      assert.equal(assembler.incomplete, true);
    }
  });
  assert.ok(whole, 'the last chunk completes the batch');
  assert.equal(assembler.incomplete, false);
  return whole;
}

function sampleTable(rows: number, offset = 0): Table {
  return tableFromArrays({
    id: Int32Array.from({ length: rows }, (_, i) => i + offset),
    amount: Float64Array.from({ length: rows }, (_, i) => (i + offset) * 1.5),
    label: Array.from({ length: rows }, (_, i) => `row-${i + offset}-${'é'.repeat(i % 4)}`),
  });
}

function assertSameTable(actual: Table, expected: Table): void {
  assert.equal(actual.numRows, expected.numRows);
  assert.deepEqual(
    actual.schema.fields.map((f) => [f.name, String(f.type)]),
    expected.schema.fields.map((f) => [f.name, String(f.type)]),
  );
  for (const field of expected.schema.fields) {
    assert.deepEqual(
      Array.from(actual.getChild(field.name)!.toArray() as ArrayLike<unknown>),
      Array.from(expected.getChild(field.name)!.toArray() as ArrayLike<unknown>),
      `column ${field.name}`,
    );
  }
}

describe('chunked Arrow batch reassembly', () => {
  describe('unchunked batches', () => {
    it('pass through as the very same array, whatever the unchunked markers', () => {
      const assembler = new ArrowBatchAssembler();
      const data = bytes(1, 2, 3);
      assert.equal(assembler.push(chunk(data, undefined, undefined)), data);
      assert.equal(assembler.incomplete, false);
      assert.equal(assembler.push(chunk(data, 0n, 1n)), data);
      assert.equal(assembler.push(chunk(data, undefined, 1n)), data);
      assert.equal(assembler.push(chunk(data, 0n, undefined)), data);
      assert.equal(assembler.incomplete, false);
    });

    it('pass through empty data too', () => {
      const empty = new Uint8Array(0);
      assert.equal(new ArrowBatchAssembler().push(chunk(empty, undefined, undefined)), empty);
    });

    it('keep no state between them', () => {
      const assembler = new ArrowBatchAssembler();
      for (let i = 0; i < 5; i++) {
        const data = bytes(i);
        assert.equal(assembler.push(chunk(data, undefined, undefined)), data);
        assert.equal(assembler.incomplete, false);
      }
    });
  });

  describe('chunked batches', () => {
    it('joins chunks in order, one batch after another', () => {
      const assembler = new ArrowBatchAssembler();
      assert.equal(assembler.incomplete, false);
      assert.equal(assembler.push(chunk(bytes(1, 2), 0n, 3n)), undefined);
      assert.equal(assembler.incomplete, true);
      assert.equal(assembler.push(chunk(bytes(3), 1n, 3n)), undefined);
      assert.equal(assembler.incomplete, true);
      assert.deepEqual(assembler.push(chunk(bytes(4, 5), 2n, 3n)), bytes(1, 2, 3, 4, 5));
      assert.equal(assembler.incomplete, false);
      assert.equal(assembler.push(chunk(bytes(9), 0n, 2n)), undefined);
      assert.equal(assembler.incomplete, true);
      assert.deepEqual(assembler.push(chunk(bytes(8), 1n, 2n)), bytes(9, 8));
      assert.equal(assembler.incomplete, false);
    });

    it('does not carry bytes of one batch into the next, even with a different chunk count', () => {
      const assembler = new ArrowBatchAssembler();
      assert.deepEqual(feed(assembler, [bytes(1), bytes(2), bytes(3), bytes(4)]), bytes(1, 2, 3, 4));
      const unchunked = bytes(7, 7);
      assert.equal(assembler.push(chunk(unchunked, undefined, undefined)), unchunked);
      assert.deepEqual(feed(assembler, [bytes(10, 11), bytes(12)]), bytes(10, 11, 12));
      assert.deepEqual(feed(assembler, [bytes(20), bytes(21), bytes(22)]), bytes(20, 21, 22));
    });

    it('is byte-exact for views into a larger buffer, with empty chunks, and copies', () => {
      const backing = Uint8Array.from({ length: 256 }, (_, i) => i);
      const pieces = [backing.subarray(10, 20), backing.subarray(100, 100), backing.subarray(200, 256), backing.subarray(0, 1)];
      const whole = feed(new ArrowBatchAssembler(), pieces);
      const expected = [...backing.slice(10, 20), ...backing.slice(200, 256), 0];
      assert.equal(whole.byteLength, 67);
      assert.deepEqual(Array.from(whole), expected);
      backing.fill(255);
      assert.deepEqual(Array.from(whole), expected, 'the result does not alias the chunks');
    });

    it('accepts many one-byte chunks', () => {
      const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
      const pieces = Array.from(data, (b) => bytes(b));
      assert.deepEqual(feed(new ArrowBatchAssembler(), pieces), data);
    });
  });

  describe('errors', () => {
    it('rejects a chunk before chunk 0', () => {
      assert.throws(() => new ArrowBatchAssembler().push(chunk(bytes(1), 1n, 2n)), {
        message: 'Arrow batch chunk 1 of 2 arrived before chunk 0.',
      });
      const assembler = new ArrowBatchAssembler();
      feed(assembler, [bytes(1), bytes(2)]);
      assert.throws(() => assembler.push(chunk(bytes(3), 2n, 3n)), /chunk 2 of 3 arrived before chunk 0/);
    });

    it('rejects a skipped chunk', () => {
      const assembler = new ArrowBatchAssembler();
      assembler.push(chunk(bytes(1), 0n, 3n));
      assert.throws(() => assembler.push(chunk(bytes(2), 2n, 3n)), {
        message: 'Arrow batch chunk 2 arrived where chunk 1 was expected.',
      });
    });

    it('rejects a repeated chunk', () => {
      const assembler = new ArrowBatchAssembler();
      assembler.push(chunk(bytes(1), 0n, 3n));
      assembler.push(chunk(bytes(2), 1n, 3n));
      assert.throws(() => assembler.push(chunk(bytes(2), 1n, 3n)), /chunk 1 arrived where chunk 2 was expected/);
      const restarted = new ArrowBatchAssembler();
      restarted.push(chunk(bytes(1), 0n, 3n));
      assert.throws(() => restarted.push(chunk(bytes(1), 0n, 3n)), /chunk 0 arrived where chunk 1 was expected/);
    });

    it('rejects a chunk whose count differs from its batch', () => {
      const assembler = new ArrowBatchAssembler();
      assembler.push(chunk(bytes(1), 0n, 3n));
      assert.throws(() => assembler.push(chunk(bytes(2), 1n, 4n)), {
        message: 'Arrow batch chunk says 4 chunks, but its batch started with 3.',
      });
      const shrunk = new ArrowBatchAssembler();
      shrunk.push(chunk(bytes(1), 0n, 3n));
      assert.throws(() => shrunk.push(chunk(bytes(2), 1n, 2n)), /says 2 chunks, but its batch started with 3/);
    });

    it('rejects an unchunked batch in the middle of a chunked one', () => {
      const assembler = new ArrowBatchAssembler();
      assembler.push(chunk(bytes(1), 0n, 2n));
      assert.throws(() => assembler.push(chunk(bytes(2), undefined, undefined)), /says 1 chunks, but its batch started with 2/);
      assert.equal(assembler.incomplete, true, 'the half batch is still reported');
    });

    it('reports a half-received batch as incomplete', () => {
      const assembler = new ArrowBatchAssembler();
      assembler.push(chunk(bytes(1), 0n, 5n));
      assembler.push(chunk(bytes(2), 1n, 5n));
      assert.equal(assembler.incomplete, true);
    });
  });

  describe('concatBytes', () => {
    it('concatenates views in order', () => {
      assert.deepEqual(concatBytes([]), new Uint8Array(0));
      assert.deepEqual(concatBytes([bytes(1, 2)]), bytes(1, 2));
      const backing = bytes(0, 1, 2, 3, 4, 5);
      assert.deepEqual(concatBytes([backing.subarray(4), bytes(), backing.subarray(1, 3)]), bytes(4, 5, 1, 2));
    });
  });

  describe('real Arrow IPC streams', () => {
    it('rebuilds a stream cut into 7 pieces', () => {
      const table = tableFromArrays({
        id: Int32Array.from({ length: 1000 }, (_, i) => i),
        label: Array.from({ length: 1000 }, (_, i) => `row-${i}`),
      });
      const ipc = tableToIPC(table, 'stream');
      const whole = feed(new ArrowBatchAssembler(), cut(ipc, 7));
      assert.deepEqual(whole, ipc);
      const back = tableFromIPC(whole);
      assert.equal(back.numRows, 1000);
      assert.equal(back.getChild('label')!.get(999), 'row-999');
      assert.equal(back.getChild('id')!.get(500), 500);
    });

    for (const pieces of [1, 2, 3, 5, 16, 64]) {
      it(`decodes every value after cutting the stream into ${pieces} piece(s)`, () => {
        const table = sampleTable(777);
        const ipc = tableToIPC(table, 'stream');
        const whole = feed(new ArrowBatchAssembler(), cut(ipc, pieces));
        assert.equal(whole.byteLength, ipc.byteLength);
        assert.deepEqual(whole, ipc);
        assertSameTable(tableFromIPC(whole), table);
      });
    }

    it('decodes two consecutive chunked batches each as its own stream', () => {
      const first = sampleTable(300);
      const second = sampleTable(50, 10_000);
      const assembler = new ArrowBatchAssembler();
      const a = feed(assembler, cut(tableToIPC(first, 'stream'), 4));
      const b = feed(assembler, cut(tableToIPC(second, 'stream'), 3));
      assertSameTable(tableFromIPC(a), first);
      assertSameTable(tableFromIPC(b), second);
      assert.equal(tableFromIPC(b).getChild('id')!.get(0), 10_000);
    });
  });
});
