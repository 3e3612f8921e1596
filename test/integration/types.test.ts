import assert from 'node:assert/strict';
import { rowsOf, sparkTypeName, toDisplayText, toJsonValue, type SparkValue } from '../../src/core/arrow/sparkValues.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { testServer } from '../support/sparkTestServer.js';

/** Each case: a Spark SQL expression, its Spark type name, and the exact JSON and display text expected. */
const CASES: { expr: string; type: string; json: unknown; text: string }[] = [
  { expr: 'CAST(127 AS TINYINT)', type: 'tinyint', json: 127, text: '127' },
  { expr: 'CAST(-32768 AS SMALLINT)', type: 'smallint', json: -32768, text: '-32768' },
  { expr: '2147483647', type: 'int', json: 2147483647, text: '2147483647' },
  { expr: '9223372036854775807', type: 'bigint', json: '9223372036854775807', text: '9223372036854775807' },
  { expr: '-9007199254740991', type: 'bigint', json: -9007199254740991, text: '-9007199254740991' },
  { expr: 'CAST(1.5 AS FLOAT)', type: 'float', json: 1.5, text: '1.5' },
  { expr: 'CAST(0.1 AS DOUBLE)', type: 'double', json: 0.1, text: '0.1' },
  { expr: "CAST('NaN' AS DOUBLE)", type: 'double', json: 'NaN', text: 'NaN' },
  { expr: "CAST('Infinity' AS DOUBLE)", type: 'double', json: 'Infinity', text: 'Infinity' },
  { expr: "CAST('-Infinity' AS DOUBLE)", type: 'double', json: '-Infinity', text: '-Infinity' },
  {
    expr: "CAST('99999999999999999999.999999999999999999' AS DECIMAL(38,18))",
    type: 'decimal(38,18)',
    json: '99999999999999999999.999999999999999999',
    text: '99999999999999999999.999999999999999999',
  },
  {
    expr: "CAST('-0.000000000000000001' AS DECIMAL(38,18))",
    type: 'decimal(38,18)',
    json: '-0.000000000000000001',
    text: '-0.000000000000000001',
  },
  {
    expr: "CAST('-12345678901234567890123456789012345678' AS DECIMAL(38,0))",
    type: 'decimal(38,0)',
    json: '-12345678901234567890123456789012345678',
    text: '-12345678901234567890123456789012345678',
  },
  { expr: 'CAST(0 AS DECIMAL(5,3))', type: 'decimal(5,3)', json: '0.000', text: '0.000' },
  {
    expr: '\'héllo, "wörld"\n<img src=x onerror=alert(1)>\'',
    type: 'string',
    json: 'héllo, "wörld"\n<img src=x onerror=alert(1)>',
    text: 'héllo, "wörld"\n<img src=x onerror=alert(1)>',
  },
  { expr: "''", type: 'string', json: '', text: '' },
  { expr: "X'00FF10'", type: 'binary', json: 'AP8Q', text: "X'00FF10'" },
  { expr: 'true', type: 'boolean', json: true, text: 'true' },
  { expr: "DATE'1969-12-31'", type: 'date', json: '1969-12-31', text: '1969-12-31' },
  { expr: "DATE'0001-01-01'", type: 'date', json: '0001-01-01', text: '0001-01-01' },
  { expr: "DATE'9999-12-31'", type: 'date', json: '9999-12-31', text: '9999-12-31' },
  {
    expr: "TIMESTAMP'1969-12-31 23:59:59.999999'",
    type: 'timestamp',
    json: '1969-12-31T23:59:59.999999Z',
    text: '1969-12-31 23:59:59.999999 UTC',
  },
  {
    expr: "TIMESTAMP'2024-02-29 12:34:56.000001'",
    type: 'timestamp',
    json: '2024-02-29T12:34:56.000001Z',
    text: '2024-02-29 12:34:56.000001 UTC',
  },
  {
    expr: "TIMESTAMP_NTZ'2024-01-02 03:04:05.123456'",
    type: 'timestamp_ntz',
    json: '2024-01-02T03:04:05.123456',
    text: '2024-01-02 03:04:05.123456',
  },
  {
    expr: "INTERVAL '-1-2' YEAR TO MONTH",
    type: 'interval year to month',
    json: "INTERVAL '-1-2' YEAR TO MONTH",
    text: "INTERVAL '-1-2' YEAR TO MONTH",
  },
  {
    expr: "INTERVAL '3 04:05:06.000007' DAY TO SECOND",
    type: 'interval day to second',
    json: "INTERVAL '3 04:05:06.000007' DAY TO SECOND",
    text: "INTERVAL '3 04:05:06.000007' DAY TO SECOND",
  },
  {
    expr: 'make_interval(1, 2, 3, 4, 5, 6, 7.000008)',
    type: 'interval',
    json: '14 months 25 days 18367.000008 seconds',
    text: '14 months 25 days 18367.000008 seconds',
  },
  { expr: 'array(1, NULL, 3)', type: 'array<int>', json: [1, null, 3], text: '[1, NULL, 3]' },
  { expr: "array('a, b', 'c')", type: 'array<string>', json: ['a, b', 'c'], text: '["a, b", "c"]' },
  {
    expr: "map(1, 'one', 2, NULL)",
    type: 'map<int,string>',
    json: [
      { key: 1, value: 'one' },
      { key: 2, value: null },
    ],
    text: '{1 -> "one", 2 -> NULL}',
  },
  {
    expr: "named_struct('id', 7, 'tags', array(named_struct('k', 'x', 'm', map('a', CAST(1.25 AS DECIMAL(4,2))))), 'none', CAST(NULL AS INT))",
    type: 'struct<id:int,tags:array<struct<k:string,m:map<string,decimal(4,2)>>>,none:int>',
    json: { id: 7, tags: [{ k: 'x', m: [{ key: 'a', value: '1.25' }] }], none: null },
    text: '{id: 7, tags: [{k: "x", m: {"a" -> 1.25}}], none: NULL}',
  },
  { expr: 'CAST(NULL AS DECIMAL(10,2))', type: 'decimal(10,2)', json: null, text: 'NULL' },
  { expr: 'NULL', type: 'void', json: null, text: 'NULL' },
];

describe('every Spark type round-trips with full fidelity', function () {
  this.timeout(60_000);
  let client: SparkConnectClient;
  before(() => (client = new SparkConnectClient(testServer().url)));
  after(() => client.close());

  it('reads each type exactly (JSON form, display text and type name)', async () => {
    const sql = `SELECT ${CASES.map((c, i) => `${c.expr} AS c${i}`).join(',\n  ')}`;
    const table = await client.sql(sql).toTable();
    const [row] = [...rowsOf(table)];
    assert.ok(row);
    CASES.forEach((c, i) => {
      const value: SparkValue = row[i]!;
      assert.equal(sparkTypeName(table.schema.fields[i]!.type), c.type, `type of ${c.expr}`);
      assert.deepEqual(toJsonValue(value), c.json, `JSON of ${c.expr}`);
      assert.equal(toDisplayText(value), c.text, `text of ${c.expr}`);
    });
  });

  it("shows VARIANT values as the JSON text Spark's to_json gives, nested ones too", async () => {
    await client.setConfig({ 'spark.sql.session.timeZone': 'UTC' });
    const variants = [
      `parse_json('{"a":1,"b":[true,null,2.5]}')`,
      `parse_json('{"b":1,"a":2,"c":{"z":1,"y":2}}')`,
      `parse_json('{"B":1,"a":2,"é":3,"aa":4,"":5}')`,
      `parse_json('1e10')`,
      `parse_json('123456789012345678901234567890')`,
      `parse_json('9223372036854775808')`,
      `parse_json('12345678901234567890123456789012345678901')`,
      `parse_json('1.50')`,
      `parse_json('-12.340')`,
      `parse_json('"\\u00e9 \\" \\\\ \\n \\u0001 😀"')`,
      `parse_json('[]')`,
      `parse_json('null')`,
      `cast(date'2024-01-02' as variant)`,
      `cast(date'-0044-03-15' as variant)`,
      `cast(timestamp'2024-01-02 03:04:05' as variant)`,
      `cast(timestamp'2024-01-02 03:04:05.123' as variant)`,
      `cast(timestamp_ntz'2024-01-02 03:04:05.000001' as variant)`,
      `cast(1.50BD as variant)`,
      `cast(100.00 as variant)`,
      `cast(1.0D as variant)`,
      `cast(1e20D as variant)`,
      `cast(1e-5D as variant)`,
      `cast(10000000.0D as variant)`,
      `cast(double('NaN') as variant)`,
      `cast(float(0.1) as variant)`,
      `cast(X'0102FF' as variant)`,
      `cast(-7Y as variant)`,
      `cast(32000S as variant)`,
      `to_variant_object(map('b', 1, 'a', 2))`,
      `to_variant_object(named_struct('s', 'x', 'n', array(1, 2), 'd', 1.25BD))`,
    ];
    const sql = variants.map((v) => `SELECT ${v} AS v, to_json(${v}) AS j`).join('\nUNION ALL\n');
    const table = await client.sql(`SELECT v, j, named_struct('inner', v) AS nested FROM (${sql})`).toTable();
    assert.equal(sparkTypeName(table.schema.fields[0]!.type), 'variant');
    assert.equal(sparkTypeName(table.schema.fields[2]!.type), 'struct<inner:variant>');
    let checked = 0;
    for (const [v, j, nested] of rowsOf(table)) {
      assert.equal(toDisplayText(v!), j, `variant ${checked}: ${variants[checked]}`);
      assert.equal(toJsonValue(v!), j);
      assert.equal(toDisplayText(nested!), `{inner: ${j as string}}`);
      checked++;
    }
    assert.equal(checked, variants.length);
  });

  it('keeps values exact across many batches, with nulls at every level', async () => {
    const n = 20_000;
    const table = await client
      .sql(
        `SELECT id, IF(id % 7 = 0, NULL, CAST(id AS DECIMAL(20,4)) / 8) AS d,
                IF(id % 11 = 0, NULL, TIMESTAMP'2000-01-01 00:00:00' + make_dt_interval(0, 0, 0, id / 1000000)) AS ts,
                IF(id % 13 = 0, NULL, array(id, IF(id % 2 = 0, NULL, -id))) AS a
         FROM range(${n})`,
      )
      .toTable();
    assert.ok(table.batches.length >= 1);
    let checked = 0;
    for (const row of rowsOf(table)) {
      const [id, d, ts, a] = row as [SparkValue, SparkValue, SparkValue, SparkValue];
      const k = Number(id as bigint);
      // decimal(20,4) / 8 has scale 6 by Spark's division rules: k/8 = k * 125000 / 10^6 exactly.
      const sixths = (BigInt(k) * 125000n).toString().padStart(7, '0');
      assert.equal(toJsonValue(d), k % 7 === 0 ? null : `${sixths.slice(0, -6)}.${sixths.slice(-6)}`);
      const micros = BigInt(Date.UTC(2000, 0, 1)) * 1000n + BigInt(k);
      assert.equal(
        toJsonValue(ts),
        k % 11 === 0 ? null : `2000-01-01T00:00:00.${(micros % 1_000_000n).toString().padStart(6, '0')}Z`,
      );
      assert.deepEqual(toJsonValue(a), k % 13 === 0 ? null : [k, k % 2 === 0 ? null : -k]);
      checked++;
    }
    assert.equal(checked, n);
  });
});
