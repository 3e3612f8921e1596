import assert from 'node:assert/strict';
import { namedArguments } from '../../src/core/connect/sqlArguments.js';
import {
  parameterMarkers,
  parameterNames,
  parseParameterValue,
  wallClockMicros,
  epochDays,
} from '../../src/core/sql/sqlParameters.js';

describe('named parameters', () => {
  it('finds :name markers outside quotes, backticks and comments, and not casts or variant paths', () => {
    const sql = [
      'SELECT :a, \':nope\', `:nope`, "x:nope", v:field, c::int, arr[0]:x',
      '-- :nope',
      '/* :nope */ WHERE d = :day AND (:a > 1) AND s IN(:s_1)',
    ].join('\n');
    assert.deepEqual(
      parameterMarkers(sql).map((m) => [m.name, sql.slice(m.start, m.end)]),
      [
        ['a', ':a'],
        ['day', ':day'],
        ['a', ':a'],
        ['s_1', ':s_1'],
      ],
    );
    assert.deepEqual(parameterNames(sql), ['a', 'day', 's_1']);
  });

  it('reads typed values: null, booleans, exact decimals, bigints, doubles, dates, wall-clock timestamps, text', () => {
    assert.deepEqual(parseParameterValue('NULL'), { type: 'null' });
    assert.deepEqual(parseParameterValue(' true '), { type: 'boolean', value: true });
    assert.deepEqual(parseParameterValue('42'), { type: 'long', value: 42n });
    assert.deepEqual(parseParameterValue('-9223372036854775808'), { type: 'long', value: -(2n ** 63n) });
    assert.deepEqual(parseParameterValue('9223372036854775808'), {
      type: 'decimal',
      value: '9223372036854775808',
      precision: 19,
      scale: 0,
    });
    assert.deepEqual(parseParameterValue('12.50'), { type: 'decimal', value: '12.50', precision: 4, scale: 2 });
    assert.deepEqual(parseParameterValue('-0.05'), { type: 'decimal', value: '-0.05', precision: 2, scale: 2 });
    assert.deepEqual(parseParameterValue('1e3'), { type: 'double', value: 1000 });
    assert.deepEqual(parseParameterValue('2024-02-29'), { type: 'date', value: '2024-02-29' });
    assert.deepEqual(parseParameterValue('2023-02-29'), { type: 'string', value: '2023-02-29' }, 'not a date: kept as typed');
    assert.deepEqual(parseParameterValue('2024-01-02T03:04:05.5'), { type: 'timestampNtz', value: '2024-01-02 03:04:05.5' });
    assert.deepEqual(parseParameterValue("DATE '2024-03-01'"), { type: 'date', value: '2024-03-01' });
    assert.deepEqual(parseParameterValue("'it''s'"), { type: 'string', value: "it's" });
    assert.deepEqual(parseParameterValue("O'Brien; DROP TABLE x --"), { type: 'string', value: "O'Brien; DROP TABLE x --" });
    assert.throws(() => parseParameterValue("DATE '2024-13-01'"), /not a valid date/);
    assert.throws(() => parseParameterValue('1'.repeat(39) + '.5'), /more than 38 digits/);
  });

  it('sends each value as a typed literal, never as SQL text', () => {
    assert.equal(epochDays('1970-01-02'), 1);
    assert.equal(epochDays('1969-12-31'), -1);
    assert.equal(wallClockMicros('1970-01-01 00:00:01.000002'), 1_000_002n);
    assert.deepEqual(namedArguments({ d: { type: 'date', value: '2024-02-29' }, s: { type: 'string', value: "it's" } }), {
      d: { exprType: { case: 'literal', value: { literalType: { case: 'date', value: 19782 } } } },
      s: { exprType: { case: 'literal', value: { literalType: { case: 'string', value: "it's" } } } },
    });
  });
});
