import assert from 'node:assert/strict';
import { Schema, Field, Int64, RecordBatch, makeData, Struct } from 'apache-arrow';
import { arrowCellOutput, arrowCellTable, parseArrowCellData, storedRowsNote } from '../../src/core/notebooks/arrowCellOutput.js';
import { cellSource } from '../../src/core/notebooks/cellSource.js';
import { describeCellProgress } from '../../src/core/notebooks/notebookKernel.js';
import { isQuery } from '../../src/core/sql/resultStatements.js';
import { splitSqlStatements } from '../../src/core/sql/statementSplitter.js';
import { parseRendererMessage } from '../../src/webview/notebookOutput/protocol.js';

function idBatch(from: number, count: number): RecordBatch {
  const type = new Int64();
  const values = BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i));
  const column = makeData({ type, length: count, data: values });
  const schema = new Schema([new Field('id', type, false)]);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: count, children: [column] }));
}

describe('notebook cells', () => {
  it('a sql cell, and a Python cell starting with %%sql, run as SQL with offsets kept; others as Python', () => {
    assert.deepEqual(cellSource('sql', 'SELECT 1'), { kind: 'sql', script: 'SELECT 1' });
    const magic = cellSource('python', '%%sql\nSELECT x\nFROM t');
    assert.equal(magic.kind, 'sql');
    assert.equal(magic.kind === 'sql' && magic.script, '     \nSELECT x\nFROM t');
    assert.equal(magic.kind === 'sql' && magic.script.indexOf('FROM'), '%%sql\nSELECT x\nFROM t'.indexOf('FROM'));
    assert.deepEqual(cellSource('python', '%%sqlite\nx'), { kind: 'python', code: '%%sqlite\nx' });
    assert.deepEqual(cellSource('python', 'print(1)\n%%sql'), { kind: 'python', code: 'print(1)\n%%sql' });
  });

  it('an Arrow output keeps at most the stored rows, the same rows however Spark batched them, and says what it holds', () => {
    const schema = idBatch(0, 1).schema;
    const oneBatch = arrowCellOutput(schema, [idBatch(0, 30)], { storedRows: 25, complete: true, elapsedMs: 12.4 });
    const threeBatches = arrowCellOutput(schema, [idBatch(0, 10), idBatch(10, 10), idBatch(20, 10)], {
      storedRows: 25,
      complete: true,
      elapsedMs: 12.4,
    });
    const data = oneBatch['application/vnd.spark-workbench.arrow+json'];
    const rowsOf = (d: typeof data) => [...arrowCellTable(d)].map((row) => Number(row?.id));
    assert.deepEqual(rowsOf(data), rowsOf(threeBatches['application/vnd.spark-workbench.arrow+json']));
    assert.equal(data.rows, 25);
    assert.equal(data.complete, false);
    assert.equal(data.elapsedMs, 12);
    assert.equal(arrowCellTable(data).numRows, 25);
    assert.match(oneBatch['text/plain'], /\(20 shown; first 25 rows stored \(the result has more\)\)\n$/);
    assert.match(oneBatch['text/html'], /^<table><thead><tr><th title="bigint">id<\/th>/);
    assert.deepEqual(parseArrowCellData(JSON.parse(JSON.stringify(data))), data);
    assert.equal(parseArrowCellData({ ...data, rows: 'many' }), undefined);
    assert.equal(storedRowsNote(1, true), '1 row');
  });

  it('the HTML fallback escapes values, so data never becomes markup', () => {
    const output = arrowCellOutput(idBatch(0, 1).schema, [], { storedRows: 10, complete: true, elapsedMs: 0 });
    assert.equal(output['application/vnd.spark-workbench.arrow+json'].rows, 0);
    assert.ok(!/<script/i.test(output['text/html']));
  });

  it('queries (fetched in one request) are told from other statements, comments and parentheses aside', () => {
    const kinds = splitSqlStatements(
      '-- counts\nSELECT 1; (WITH a AS (SELECT 1) SELECT * FROM a); VALUES (1); TABLE t; FROM t SELECT *; SHOW TABLES; CREATE VIEW v AS SELECT 1; INSERT INTO t SELECT 1; SET x = 1',
    ).map(isQuery);
    assert.deepEqual(kinds, [true, true, true, true, true, false, false, false, false]);
  });

  it('progress reads as stages, tasks and rows', () => {
    assert.equal(
      describeCellProgress(
        {
          stages: [
            { stageId: 1, numTasks: 4, completedTasks: 4, inputBytesRead: 0, done: true },
            { stageId: 2, numTasks: 8, completedTasks: 3, inputBytesRead: 0, done: false },
          ],
          inflightTasks: 2,
        },
        1500,
      ),
      'stages 1/2 · tasks 7/12 · 2 running · 1,500 rows',
    );
    assert.equal(describeCellProgress(undefined, 0), '');
  });
});

describe('messages from the notebook renderer, checked at the boundary', () => {
  it('accepts well-formed messages and refuses the rest', () => {
    assert.deepEqual(parseRendererMessage({ type: 'openResult', outputId: 'o1', sql: 'SELECT 1', extra: 1 }), {
      type: 'openResult',
      outputId: 'o1',
      sql: 'SELECT 1',
    });
    assert.equal(parseRendererMessage({ type: 'openResult', sql: 'SELECT 1' }), undefined);
    assert.deepEqual(parseRendererMessage({ type: 'saveChart', outputId: 'o1', spec: { mark: 'bar' }, png: 'aGk=' }), {
      type: 'saveChart',
      outputId: 'o1',
      spec: { mark: 'bar' },
      png: 'aGk=',
    });
    assert.equal(parseRendererMessage({ type: 'saveChart', outputId: 'o1', spec: { mark: 'bar' }, png: '<svg>' }), undefined);
    assert.equal(parseRendererMessage({ type: 'saveChart', outputId: 1, spec: {} }), undefined);
    assert.equal(parseRendererMessage({ type: 'openResult', outputId: 'o1', sql: '  ' }), undefined);
    assert.deepEqual(
      parseRendererMessage({
        type: 'saveFile',
        suggestedName: '../x/chart.png',
        content: 'aGk=',
        encoding: 'base64',
        filters: { PNG: ['png'] },
      }),
      { type: 'saveFile', suggestedName: '.._x_chart.png', content: 'aGk=', encoding: 'base64', filters: { PNG: ['png'] } },
    );
    assert.equal(
      parseRendererMessage({ type: 'saveFile', suggestedName: 'a', content: 'b', encoding: 'hex', filters: {} }),
      undefined,
    );
    assert.equal(parseRendererMessage({ type: 'runCode', code: 'x' }), undefined);
    assert.equal(parseRendererMessage('openResult'), undefined);
  });
});
