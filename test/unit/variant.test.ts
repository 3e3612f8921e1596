import assert from 'node:assert/strict';
import { javaDouble, javaFloat, plainDecimal, variantToJson } from '../../src/core/arrow/variant.js';

const hex = (text: string) => Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));

/** A variant value with an empty dictionary. */
const EMPTY_METADATA = hex('010000');
const primitive = (type: number, payload = '') => hex((type << 2).toString(16).padStart(2, '0') + payload);

describe("VARIANT values as Spark's to_json writes them", () => {
  it('decodes an object with an array, in the order the object stores its fields', () => {
    // parse_json('{"a":1,"b":[true,null,2.5]}') as Spark 4.2.1 encodes it.
    assert.equal(
      variantToJson(hex('020200010002100c010303000102080400200119000000'), hex('01020001026162')),
      '{"a":1,"b":[true,null,2.5]}',
    );
  });

  it('writes numbers as Java does: decimals plain without trailing zeros, doubles and floats shortest, 1.0E20', () => {
    assert.equal(plainDecimal(150n, 2), '1.5');
    assert.equal(plainDecimal(10000n, 2), '100');
    assert.equal(plainDecimal(-12340n, 3), '-12.34');
    assert.equal(plainDecimal(123456789012345678901234567890n, 0), '123456789012345678901234567890');
    assert.equal(plainDecimal(5n, 3), '0.005');
    assert.equal(plainDecimal(0n, 5), '0');
    assert.deepEqual([1, 1e10, 1e20, 1e-5, 1e7, 2.5, 1234567.5, 0.001, -0.0, 1.2345678901234568e40].map(javaDouble), [
      '1.0',
      '1.0E10',
      '1.0E20',
      '1.0E-5',
      '1.0E7',
      '2.5',
      '1234567.5',
      '0.001',
      '-0.0',
      '1.2345678901234568E40',
    ]);
    assert.deepEqual([NaN, Infinity, -Infinity].map(javaDouble), ['"NaN"', '"Infinity"', '"-Infinity"']);
    assert.equal(javaFloat(Math.fround(0.1)), '0.1');
    assert.equal(javaFloat(Math.fround(1e10)), '1.0E10');
  });

  it('decodes every primitive: ints, decimals, date, timestamps, binary, strings with escapes, uuid', () => {
    assert.equal(variantToJson(primitive(3, 'ff'), EMPTY_METADATA), '-1');
    assert.equal(variantToJson(primitive(6, 'ffffffffffffff7f'), EMPTY_METADATA), '9223372036854775807');
    assert.equal(variantToJson(primitive(8, '029600000000'.slice(0, 10)), EMPTY_METADATA), '1.5', 'decimal4 150 scale 2');
    assert.equal(variantToJson(primitive(11, '464d0000'), EMPTY_METADATA), '"2024-02-29"', '19782 days');
    // 2024-01-02 03:04:05.123 UTC in microseconds
    const micros = 1704164645123000n.toString(16).padStart(16, '0').match(/../g)!.reverse().join('');
    assert.equal(variantToJson(primitive(12, micros), EMPTY_METADATA), '"2024-01-02 03:04:05.123+00:00"');
    assert.equal(variantToJson(primitive(13, micros), EMPTY_METADATA), '"2024-01-02 03:04:05.123"');
    assert.equal(variantToJson(primitive(15, '030000000102ff'), EMPTY_METADATA), '"AQL/"');
    assert.equal(
      variantToJson(primitive(20, '00112233445566778899aabbccddeeff'), EMPTY_METADATA),
      '"00112233-4455-6677-8899-aabbccddeeff"',
    );
    const text = 'a"b\\c\n\u0001\u001f\u007f/é😀';
    const bytes = new TextEncoder().encode(text);
    const shortString = hex(((bytes.length << 2) | 1).toString(16).padStart(2, '0') + Buffer.from(bytes).toString('hex'));
    assert.equal(variantToJson(shortString, EMPTY_METADATA), '"a\\"b\\\\c\\n\\u0001\\u001F\u007f/é😀"');
  });

  it('says so when the bytes are not a variant', () => {
    assert.throws(() => variantToJson(hex('0c'), hex('020000')), /Malformed variant value: metadata version 2/);
    assert.throws(() => variantToJson(primitive(6, 'ff'), EMPTY_METADATA), /truncated/);
  });
});
