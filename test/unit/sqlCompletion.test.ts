import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogCache, type CatalogNames } from '../../src/core/sql/completion/catalogCache.js';
import { SqlContextWorker } from '../../src/core/sql/completion/contextWorkerClient.js';
import { nameAt, typedName } from '../../src/core/sql/completion/sqlContext.js';
import { sqlName } from '../../src/core/sql/completion/sqlCompletions.js';
import { markdownText } from '../../src/core/util/markdownText.js';
import { SqlLanguageFeatures } from '../../src/vscode/sql/sqlLanguageFeatures.js';

/** A catalog: spark_catalog.sales.{orders, customers}, a temporary view, and a few functions. */
function fakeCatalog(): { names: CatalogNames; calls: string[] } {
  const calls: string[] = [];
  const tables: Record<string, { name: string; type: string; temporary: boolean; comment?: string }[]> = {
    'spark_catalog.sales': [
      { name: 'orders', type: 'MANAGED', temporary: false, comment: 'One row per order: *paid* or not' },
      { name: 'customers', type: 'VIEW', temporary: false },
      { name: 'recent', type: 'TEMPORARY', temporary: true },
    ],
    'spark_catalog.hr': [{ name: 'staff', type: 'MANAGED', temporary: false }],
  };
  const columns: Record<string, { name: string; dataType: string }[]> = {
    'spark_catalog.sales.orders': [
      { name: 'order_id', dataType: 'bigint' },
      { name: 'amount', dataType: 'decimal(10,2)' },
      { name: 'customer id', dataType: 'string' },
    ],
    'spark_catalog.sales.customers': [{ name: 'id', dataType: 'string' }],
    '..recent': [{ name: 'day', dataType: 'date' }],
    'spark_catalog.hr.staff': [{ name: 'name', dataType: 'string' }],
  };
  const names: CatalogNames = {
    currentNamespace: async () => (calls.push('current'), { catalog: 'spark_catalog', schema: 'sales' }),
    catalogs: async () => ['spark_catalog'],
    schemas: async (catalog) => (catalog === 'spark_catalog' ? ['hr', 'sales'] : []),
    tables: async (catalog, schema) => (calls.push(`tables ${catalog}.${schema}`), tables[`${catalog}.${schema}`] ?? []),
    columns: async (catalog, schema, table) => (
      calls.push(`columns ${catalog}.${schema}.${table}`),
      columns[`${catalog}.${schema}.${table}`] ?? []
    ),
    functions: async () => ['abs', 'sum', 'date_trunc'],
    describeFunction: async (name) => `Function: ${name}\nUsage: ${name}(expr) - Returns the absolute value.`,
  };
  return { names, calls };
}

const WORKER = join(process.cwd(), 'dist', 'sqlContextWorker.js');

describe('completion and hover in SQL files', function () {
  this.timeout(30_000);
  let grammar: SqlContextWorker;
  before(function () {
    if (!existsSync(WORKER)) throw new Error('dist/sqlContextWorker.js is missing: run `npm run build` first.');
    grammar = new SqlContextWorker(WORKER);
  });
  after(() => grammar.dispose());

  const document = (text: string) => ({ uri: 'file:///q.sql', fileName: '/q.sql', languageId: 'sql', version: 1, text });

  async function labels(text: string, cursor = text.indexOf('|')) {
    const features = new SqlLanguageFeatures(grammar, () => cache);
    const cache = new CatalogCache(fakeCatalog().names);
    const items = await features.complete(document(text.replace('|', '')), cursor, new AbortController().signal);
    return items;
  }

  it('after FROM: the tables of the current schema, its temporary views, schemas and catalogs', async () => {
    const items = await labels('SELECT * FROM |');
    const byKind = (kind: string) => items.filter((i) => i.kind === kind).map((i) => i.label);
    assert.deepEqual(byKind('table'), ['orders']);
    assert.deepEqual(byKind('view'), ['customers', 'recent']);
    assert.deepEqual(byKind('schema'), ['hr', 'sales']);
    assert.deepEqual(byKind('catalog'), ['spark_catalog']);
    assert.deepEqual(items.find((i) => i.label === 'recent')?.detail, 'temporary view');
  });

  it('after `schema.` and `catalog.schema.`: that schema’s tables, replacing only the part typed', async () => {
    const text = 'SELECT * FROM hr.st|';
    const items = await labels(text);
    assert.deepEqual(
      items.filter((i) => i.kind === 'table').map((i) => i.label),
      ['staff'],
    );
    assert.deepEqual(items[0]!.replace, { start: text.indexOf('st'), end: text.indexOf('|') });
    const three = await labels('SELECT * FROM spark_catalog.hr.|');
    assert.deepEqual(
      three.filter((i) => i.kind === 'table').map((i) => i.label),
      ['staff'],
    );
  });

  it('after `alias.`: the columns of the aliased table only, quoted where needed, no keywords', async () => {
    const items = await labels('SELECT o.| FROM orders o JOIN customers c ON o.order_id = c.id');
    assert.deepEqual(
      items.map((i) => [i.label, i.kind, i.detail, i.insertText]),
      [
        ['order_id', 'column', 'bigint · o', undefined],
        ['amount', 'column', 'decimal(10,2) · o', undefined],
        ['customer id', 'column', 'string · o', '`customer id`'],
      ],
    );
  });

  it('in a select list: columns of every table the statement reads, then functions and keywords', async () => {
    const items = await labels('SELECT | FROM orders o JOIN recent r ON true');
    const columns = items.filter((i) => i.kind === 'column').map((i) => `${i.label} (${i.detail})`);
    assert.deepEqual(columns, [
      'order_id (bigint · o)',
      'amount (decimal(10,2) · o)',
      'customer id (string · o)',
      'day (date · r)',
    ]);
    assert.ok(items.some((i) => i.kind === 'function' && i.label === 'date_trunc'));
    assert.ok(items.some((i) => i.kind === 'keyword' && i.label === 'CASE'));
    assert.ok(items[0]!.sortText! < items.find((i) => i.kind === 'function')!.sortText!, 'columns sort first');
  });

  it('after USE: the schemas; in the second statement of a file, its own tables', async () => {
    assert.deepEqual(
      (await labels('USE |')).filter((i) => i.kind === 'schema').map((i) => i.label),
      ['hr', 'sales'],
    );
    const items = await labels('SELECT 1;\nSELECT c.| FROM customers c;\nSELECT 3');
    assert.deepEqual(
      items.map((i) => i.label),
      ['id'],
    );
  });

  it('while disconnected: keywords only (typing never connects)', async () => {
    const features = new SqlLanguageFeatures(grammar, () => undefined);
    const items = await features.complete(document('SELECT * FROM '), 14, new AbortController().signal);
    assert.ok(items.length > 0 && items.every((i) => i.kind === 'keyword'));
  });

  it('caches catalog lookups per connection, and forgets them (not the functions) after DDL', async () => {
    const { names, calls } = fakeCatalog();
    const cache = new CatalogCache(names);
    const features = new SqlLanguageFeatures(grammar, () => cache);
    const text = 'SELECT o. FROM orders o';
    for (let i = 0; i < 3; i++) await features.complete(document(text), 9, new AbortController().signal);
    assert.deepEqual(calls, ['current', 'tables spark_catalog.sales', 'columns spark_catalog.sales.orders']);
    cache.invalidate();
    await features.complete(document(text), 9, new AbortController().signal);
    assert.equal(calls.length, 6);
  });

  it('hover: a table’s columns and types, a column’s type, a function’s usage', async () => {
    const cache = new CatalogCache(fakeCatalog().names);
    const features = new SqlLanguageFeatures(grammar, () => cache);
    const text = 'SELECT o.amount, abs(o.amount) FROM sales.orders o';
    const at = (word: string, nth = 0) => {
      let index = -1;
      for (let i = 0; i <= nth; i++) index = text.indexOf(word, index + 1);
      return index + 1;
    };
    const signal = new AbortController().signal;
    const table = await features.hover(document(text), at('orders'), signal);
    assert.equal(table?.markdown.split('\n')[0], '**spark\\_catalog\\.sales\\.orders** · managed');
    assert.equal(table?.markdown.split('\n')[2], 'One row per order: \\*paid\\* or not', 'its COMMENT, as text');
    assert.match(table!.markdown, /\| customer id \| string \|/);
    assert.deepEqual(
      [table!.start, table!.end],
      [text.indexOf('sales.orders'), text.indexOf('sales.orders') + 'sales.orders'.length],
    );
    const column = await features.hover(document(text), at('amount'), signal);
    assert.equal(column?.markdown, '**amount** · decimal\\(10,2\\)\n\ncolumn of spark\\_catalog\\.sales\\.orders');
    const fn = await features.hover(document(text), at('abs'), signal);
    assert.match(fn!.markdown, /^```text\nFunction: abs\nUsage: abs\(expr\)/);
  });
});

describe('names around the cursor', () => {
  it('reads the dotted name being typed, with backquoted parts', () => {
    assert.deepEqual(typedName('SELECT * FROM sales.ord'), { qualifier: ['sales'], word: 'ord', wordStart: 20 });
    assert.deepEqual(typedName('FROM `my db`.`t'), { qualifier: ['my db'], word: 't', wordStart: 13 });
    assert.deepEqual(typedName('SELECT '), { qualifier: [], word: '', wordStart: 7 });
    assert.deepEqual(nameAt('SELECT a.b FROM x', 9), { parts: ['a', 'b'], start: 7, end: 10 });
    assert.equal(nameAt('SELECT 42', 8), undefined, 'a number is no name');
  });

  it('quotes names that need it, and shows Spark’s names in Markdown as plain text', () => {
    assert.equal(sqlName('orders'), 'orders');
    assert.equal(sqlName('order id'), '`order id`');
    assert.equal(sqlName('we`ird'), '`we``ird`');
    assert.equal(markdownText('<img src=x>*[a](b)*'), '\\<img src=x\\>\\*\\[a\\]\\(b\\)\\*');
  });
});
