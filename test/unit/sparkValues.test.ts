import assert from 'node:assert/strict';
import { tableFromIPC, tableToIPC, vectorFromArray, Field, List, Int32, Struct, Utf8, makeTable } from 'apache-arrow';
import { rowsOf, SparkDecimal, SparkTimestamp, toDisplayText, toJsonValue } from '../../src/core/arrow/sparkValues.js';

describe('Spark values from Arrow', () => {
  it('reads nested lists and structs in a sliced batch at the right rows', () => {
    const tags = vectorFromArray([[1, 2], [], null, [3], [4, 5, 6]], new List(new Field('element', new Int32(), true)));
    const info = vectorFromArray(
      [{ name: 'a', n: 1 }, { name: 'b', n: 2 }, null, { name: 'd', n: 4 }, { name: 'e', n: null }],
      new Struct([new Field('name', new Utf8(), true), new Field('n', new Int32(), true)]),
    );
    const table = tableFromIPC(tableToIPC(makeTable({ tags: tags.data[0]!, info: info.data[0]! } as never) as never, 'stream'));
    const sliced = table.batches[0]!.slice(2, 5);
    assert.deepEqual(
      [...rowsOf(sliced)].map((row) => row.map(toJsonValue)),
      [
        [null, null],
        [[3], { name: 'd', n: 4 }],
        [[4, 5, 6], { name: 'e', n: null }],
      ],
    );
  });

  it('reads booleans and strings at the right rows of a slice', () => {
    const table = tableFromIPC(
      tableToIPC(
        makeTable({
          b: vectorFromArray([true, false, true, true, false, null]).data[0]!,
          s: vectorFromArray(['a', 'bb', null, 'ddd', '', 'f'], new Utf8()).data[0]!,
        } as never) as never,
        'stream',
      ),
    );
    const sliced = table.batches[0]!.slice(1, 5);
    assert.deepEqual(
      [...rowsOf(sliced)],
      [
        [false, 'bb'],
        [true, null],
        [true, 'ddd'],
        [false, ''],
      ],
    );
  });

  it('prints decimals with every digit of their scale and timestamps to the microsecond', () => {
    assert.equal(new SparkDecimal(-5n, 3).toString(), '-0.005');
    assert.equal(new SparkDecimal(150n, 2).toString(), '1.50');
    assert.equal(new SparkDecimal(12n, 0).toString(), '12');
    assert.equal(new SparkTimestamp(-1n, true).toString(), '1969-12-31T23:59:59.999999Z');
    assert.equal(new SparkTimestamp(1_700_000_000_000_001n, false).toString(), '2023-11-14T22:13:20.000001');
    assert.equal(toDisplayText(new SparkTimestamp(0n, true)), '1970-01-01 00:00:00.000000 UTC');
  });

  it('keeps large integers exact in JSON and shows special doubles by name', () => {
    assert.equal(toJsonValue(2n ** 53n + 1n), '9007199254740993');
    assert.equal(toJsonValue(42n), 42);
    assert.equal(toJsonValue(Number.NaN), 'NaN');
    assert.equal(toJsonValue(-Infinity), '-Infinity');
    assert.equal(toDisplayText(-0), '-0.0');
  });
});
