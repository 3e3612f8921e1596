import assert from 'node:assert/strict';
import { DateDay, Decimal, Field, Float64, Int64, Schema, TimestampMicrosecond, Utf8, Bool, List } from 'apache-arrow';
import { chartFieldsOf, type ChartField } from '../../../src/core/charts/chartFields.js';
import { suggestChart } from '../../../src/core/charts/chartSuggestion.js';

const field = (name: string, type: ChartField['type']): ChartField => ({ name, type });
const encodingOf = (fields: ChartField[]) => {
  const suggestion = suggestChart(fields);
  assert.ok(suggestion.reason === undefined, `no suggestion: ${JSON.stringify(suggestion)}`);
  return suggestion.spec as unknown as { mark: { type: string }; encoding: Record<string, Record<string, unknown>> };
};

describe('chart suggestion from a schema', () => {
  it('reads Spark column types as Vega-Lite measurement types', () => {
    const schema = new Schema([
      new Field('day', new DateDay()),
      new Field('at', new TimestampMicrosecond('Etc/UTC')),
      new Field('at_ntz', new TimestampMicrosecond()),
      new Field('n', new Int64()),
      new Field('x', new Float64()),
      new Field('price', new Decimal(2, 10, 128)),
      new Field('name', new Utf8()),
      new Field('flag', new Bool()),
      new Field('tags', new List(new Field('item', new Utf8()))),
    ]);
    assert.deepEqual(
      chartFieldsOf(schema).map((f) => `${f.name}:${f.type}:${f.storage}`),
      [
        'day:temporal:date',
        'at:temporal:timestamp',
        'at_ntz:temporal:timestamp_ntz',
        'n:quantitative:integer',
        'x:quantitative:float',
        'price:quantitative:decimal',
        'name:nominal:string',
        'flag:nominal:boolean',
        'tags:other:other',
      ],
    );
  });

  it('time + number → a line of the summed number over time, colored by a category when there is one', () => {
    const spec = encodingOf([field('region', 'nominal'), field('day', 'temporal'), field('revenue', 'quantitative')]);
    assert.equal(spec.mark.type, 'line');
    assert.deepEqual(spec.encoding.x, { field: 'day', type: 'temporal' });
    assert.deepEqual(spec.encoding.y, { field: 'revenue', type: 'quantitative', aggregate: 'sum' });
    assert.deepEqual(spec.encoding.color, { field: 'region', type: 'nominal' });
  });

  it('category + number → bars of the sum per category, largest first', () => {
    const spec = encodingOf([field('region', 'nominal'), field('revenue', 'quantitative')]);
    assert.equal(spec.mark.type, 'bar');
    assert.deepEqual(spec.encoding.x, { field: 'region', type: 'nominal', sort: '-y' });
    assert.deepEqual(spec.encoding.y, { field: 'revenue', type: 'quantitative', aggregate: 'sum' });
  });

  it('two numbers → a scatter plot of the first two', () => {
    const spec = encodingOf([field('a', 'quantitative'), field('b', 'quantitative'), field('c', 'quantitative')]);
    assert.equal(spec.mark.type, 'point');
    assert.deepEqual(spec.encoding.x, { field: 'a', type: 'quantitative' });
    assert.deepEqual(spec.encoding.y, { field: 'b', type: 'quantitative' });
  });

  it('one number → a histogram (binned x, counted y)', () => {
    const spec = encodingOf([field('tags', 'other'), field('latency', 'quantitative')]);
    assert.equal(spec.mark.type, 'bar');
    assert.deepEqual(spec.encoding.x, { field: 'latency', type: 'quantitative', bin: true });
    assert.deepEqual(spec.encoding.y, { aggregate: 'count', type: 'quantitative' });
  });

  it('only categories → counts per category; nothing plottable → a reason, not a broken chart', () => {
    const spec = encodingOf([field('name', 'nominal')]);
    assert.deepEqual(spec.encoding.y, { aggregate: 'count', type: 'quantitative' });
    const none = suggestChart([field('tags', 'other')]);
    assert.ok('reason' in none && typeof none.reason === 'string' && /no number, date or text/.test(none.reason));
  });
});

describe('chart suggestion for a large result', () => {
  it('two numbers → a binned density map (count per cell), which Spark can aggregate', () => {
    const suggestion = suggestChart([field('a', 'quantitative'), field('b', 'quantitative')], { large: true });
    assert.ok(suggestion.reason === undefined);
    assert.deepEqual(suggestion.spec, {
      mark: { type: 'rect', tooltip: true },
      encoding: {
        x: { field: 'a', type: 'quantitative', bin: { maxbins: 40 } },
        y: { field: 'b', type: 'quantitative', bin: { maxbins: 40 } },
        color: { aggregate: 'count', type: 'quantitative' },
      },
    });
  });
});

describe('chart suggestion: measures before keys', () => {
  const int = (name: string): ChartField => ({ name, type: 'quantitative', storage: 'integer' });
  const float = (name: string): ChartField => ({ name, type: 'quantitative', storage: 'float' });
  const day: ChartField = { name: 'day', type: 'temporal', storage: 'date' };

  it('SELECT id, id % 10 AS category, rand() * 100 AS value, … AS day: the value over days, coloured by category', () => {
    const suggestion = suggestChart([int('id'), int('category'), float('value'), day], {
      profiles: { id: { rows: 1000, distinct: 1000 }, category: { rows: 1000, distinct: 10 } },
    });
    assert.ok(suggestion.reason === undefined);
    assert.deepEqual(suggestion.spec.encoding, {
      x: { field: 'day', type: 'temporal' },
      y: { field: 'value', type: 'quantitative', aggregate: 'sum' },
      color: { field: 'category', type: 'nominal' },
    });
  });

  it('a column named like a key is not summed, even without rows to look at', () => {
    const suggestion = suggestChart([
      int('order_id'),
      int('customerId'),
      float('amount'),
      { name: 'region', type: 'nominal', storage: 'string' },
    ]);
    assert.ok(suggestion.reason === undefined);
    assert.equal((suggestion.spec.encoding as { y: { field: string } }).y.field, 'amount');
  });

  it('integers that are all distinct are a key; a handful of integer values is a category', () => {
    const suggestion = suggestChart([int('n'), int('bucket'), int('qty')], {
      profiles: { n: { rows: 500, distinct: 500 }, bucket: { rows: 500, distinct: 4 }, qty: { rows: 500, distinct: 60 } },
    });
    assert.ok(suggestion.reason === undefined);
    assert.deepEqual(suggestion.spec.encoding, {
      x: { field: 'bucket', type: 'nominal', sort: '-y' },
      y: { field: 'qty', type: 'quantitative', aggregate: 'sum' },
    });
  });

  it('a result of keys only still gets a chart of them; a few rows say nothing about a column', () => {
    const keysOnly = suggestChart([int('id')], { profiles: { id: { rows: 100, distinct: 100 } } });
    assert.ok(keysOnly.reason === undefined);
    assert.equal((keysOnly.spec.encoding as { x: { field: string; bin: boolean } }).x.field, 'id');
    const few = suggestChart([int('a'), int('b')], { profiles: { a: { rows: 5, distinct: 5 }, b: { rows: 5, distinct: 2 } } });
    assert.ok(few.reason === undefined);
    assert.equal((few.spec.mark as { type: string }).type, 'point', 'two numbers as before');
  });
});
