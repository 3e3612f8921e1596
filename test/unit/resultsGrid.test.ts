import assert from 'node:assert/strict';
import { Float64, Int64, makeTable, Utf8, vectorFromArray, type Table } from 'apache-arrow';
import { batchToIpc, schemaToIpc } from '../../src/core/arrow/arrowIpc.js';
import { compareSparkValues } from '../../src/core/arrow/sparkValueOrder.js';
import { SparkDecimal, SparkTimestamp } from '../../src/core/arrow/sparkValues.js';
import { toCsv, toMarkdownTable, toTsv } from '../../src/core/results/copyFormats.js';
import { sortedAndFilteredQuery } from '../../src/core/results/resultRequery.js';
import { ResultStore } from '../../src/webview/results/resultStore.js';

function table(ids: (bigint | null)[], names: (string | null)[], scores: (number | null)[]): Table {
  return makeTable({
    id: vectorFromArray(ids, new Int64()).data[0]!,
    name: vectorFromArray(names, new Utf8()).data[0]!,
    score: vectorFromArray(scores, new Float64()).data[0]!,
  } as never) as unknown as Table;
}

describe('results grid data', () => {
  describe('ResultStore', () => {
    function loaded(): ResultStore {
      const store = new ResultStore();
      const first = table([3n, 1n, null], ['c', 'a', 'x<img src=x onerror=alert(1)>'], [0.5, NaN, 2]);
      const second = table([2n, 5n], ['B', null], [null, -1]);
      store.addIpc(schemaToIpc(first.schema));
      store.addIpc(batchToIpc(first.batches[0]!));
      store.addIpc(batchToIpc(second.batches[0]!));
      return store;
    }
    const column = (store: ResultStore, index: number) =>
      Array.from({ length: store.visibleRows }, (_, position) => store.text(store.rowAt(position), index));

    it('shows headers from a schema-only stream, then rows across batches in arrival order', () => {
      const store = new ResultStore();
      const first = table([1n], ['a'], [1]);
      assert.equal(store.addIpc(schemaToIpc(first.schema)), 0);
      assert.deepEqual(
        store.columns.map((c) => [c.name, c.typeName, c.numeric]),
        [
          ['id', 'bigint', true],
          ['name', 'string', false],
          ['score', 'double', true],
        ],
      );
      const full = loaded();
      assert.equal(full.loadedRows, 5);
      assert.deepEqual(column(full, 0), ['3', '1', 'NULL', '2', '5']);
      assert.equal(full.value(2, 0), null);
    });

    it('sorts by value with NULLs last in both directions, NaN after numbers', () => {
      const store = loaded();
      store.setSort({ column: 0, descending: false });
      assert.deepEqual(column(store, 0), ['1', '2', '3', '5', 'NULL']);
      store.setSort({ column: 0, descending: true });
      assert.deepEqual(column(store, 0), ['5', '3', '2', '1', 'NULL']);
      store.setSort({ column: 2, descending: false });
      assert.deepEqual(column(store, 2), ['-1', '0.5', '2', 'NaN', 'NULL']);
      store.setSort(undefined);
      assert.deepEqual(column(store, 0), ['3', '1', 'NULL', '2', '5']);
    });

    it('filters on any column, case-insensitively, and keeps the sort; new rows join the view', () => {
      const store = loaded();
      store.setFilter('b');
      assert.deepEqual(column(store, 1), ['B']);
      store.setFilter('IMG');
      assert.deepEqual(column(store, 1), ['x<img src=x onerror=alert(1)>']);
      store.setFilter('');
      store.setSort({ column: 0, descending: true });
      store.addIpc(batchToIpc(table([9n], ['z'], [0]).batches[0]!));
      assert.deepEqual(column(store, 0), ['9', '5', '3', '2', '1', 'NULL']);
    });
  });

  it('compares exact values: bigints, decimals at different scales, timestamps', () => {
    assert.ok(compareSparkValues(9007199254740993n, 9007199254740992n) > 0);
    assert.equal(compareSparkValues(new SparkDecimal(150n, 2), new SparkDecimal(15n, 1)), 0);
    assert.ok(compareSparkValues(new SparkDecimal(-1n, 0), new SparkDecimal(1n, 3)) < 0);
    assert.ok(compareSparkValues(new SparkTimestamp(1n, true), new SparkTimestamp(2n, true)) < 0);
    assert.ok(compareSparkValues(null, 1) > 0);
    assert.ok(compareSparkValues(1, null) < 0);
  });

  it('copies as Markdown, CSV and TSV with the special characters escaped', () => {
    assert.equal(
      toMarkdownTable(['a|b', 'c'], [['x|y', 'line\nbreak']]),
      '| a\\|b | c |\n| --- | --- |\n| x\\|y | line<br>break |\n',
    );
    assert.equal(
      toCsv(
        ['a', 'b'],
        [
          ['1,2', null],
          ['say "hi"', ''],
        ],
      ),
      'a,b\r\n"1,2",\r\n"say ""hi""",\r\n',
    );
    assert.equal(toTsv([['a\tb', 'c\nd']]), 'a b\tc d');
  });

  it('re-runs with the grid sort and filter as Spark SQL over the original query', () => {
    assert.equal(
      sortedAndFilteredQuery('SELECT * FROM t;\n', ['id', 'we`ird'], { column: 'we`ird', descending: true }, " 50%_o'k "),
      [
        'SELECT * FROM (',
        'SELECT * FROM t',
        ') AS src',
        "WHERE lower(CAST(`id` AS STRING)) LIKE '%50!%!_o\\'k%' ESCAPE '!'",
        "   OR lower(CAST(`we``ird` AS STRING)) LIKE '%50!%!_o\\'k%' ESCAPE '!'",
        'ORDER BY `we``ird` DESC NULLS LAST',
      ].join('\n'),
    );
    assert.equal(sortedAndFilteredQuery('SELECT 1 AS x', ['x'], undefined, ''), 'SELECT * FROM (\nSELECT 1 AS x\n) AS src');
  });
});
