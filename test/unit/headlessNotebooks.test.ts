import assert from 'node:assert/strict';
import { runNotebookCells } from '../../src/core/notebooks/headlessNotebook.js';
import {
  CellOutputs,
  cellLanguage,
  injectParameters,
  parseNotebook,
  parseParameter,
  pythonErrorLine,
  serializeNotebook,
  splitLines,
  type Notebook,
} from '../../src/core/notebooks/ipynb.js';
import type { CellOutput, CellRunEvents, CellRunResult } from '../../src/core/notebooks/notebookKernel.js';
import { splitSqlStatements } from '../../src/core/sql/statementSplitter.js';
import { SparkError } from '../../src/core/connect/sparkError.js';

function notebook(cells: Notebook['cells']): Notebook {
  return { cells, metadata: { language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 };
}

const code = (source: string, metadata: Notebook['cells'][number]['metadata'] = {}) => ({
  cell_type: 'code' as const,
  metadata,
  source: splitLines(source),
  execution_count: null,
  outputs: [],
});

describe('notebooks run headless', () => {
  it('reads nbformat 4 only, and names what is wrong', () => {
    assert.throws(() => parseNotebook('{', 'a.ipynb'), /a\.ipynb is not a notebook/);
    assert.throws(() => parseNotebook('{"cells": 1}', 'a.ipynb'), /no "cells" list/);
    assert.throws(() => parseNotebook('{"cells": [], "nbformat": 3}', 'a.ipynb'), /nbformat 3; only nbformat 4/);
    assert.throws(() => parseNotebook('{"cells": [{"cell_type": "code"}], "nbformat": 4}', 'a.ipynb'), /cell 1 has no source/);
    const read = parseNotebook('{"cells": [{"cell_type": "code", "source": "x"}], "nbformat": 4}', 'a.ipynb');
    assert.deepEqual(read.cells[0]!.metadata, {});
    assert.equal(cellLanguage(read.cells[0]!, read), 'python');
    assert.equal(cellLanguage(code('SELECT 1', { vscode: { languageId: 'sql' } }), read), 'sql');
  });

  it('takes parameters as papermill does: typed values in a cell after the one tagged "parameters"', () => {
    assert.deepEqual(parseParameter('n=42'), { name: 'n', value: 42 });
    assert.deepEqual(parseParameter('rate=0.25'), { name: 'rate', value: 0.25 });
    assert.deepEqual(parseParameter('on=True'), { name: 'on', value: true });
    assert.deepEqual(parseParameter('none=None'), { name: 'none', value: null });
    assert.deepEqual(parseParameter('path=file:///tmp/a=b'), { name: 'path', value: 'file:///tmp/a=b' });
    assert.deepEqual(parseParameter('text="quoted"'), { name: 'text', value: '"quoted"' });
    assert.throws(() => parseParameter('1x=2'), /name=value, with a Python name/);
    const nb = notebook([
      { cell_type: 'markdown', metadata: {}, source: '# t' },
      code('database = "retail"\nseed: int = 7\n', { tags: ['parameters'] }),
      code('print(database)'),
    ]);
    const undeclared = injectParameters(nb, [
      { name: 'database', value: 'it "db"' },
      { name: 'seed', value: 3 },
      { name: 'extra', value: null },
    ]);
    assert.deepEqual(undeclared, ['extra']);
    assert.deepEqual(nb.cells[2]!.metadata.tags, ['injected-parameters']);
    assert.equal((nb.cells[2]!.source as string[]).join(''), '# Parameters\ndatabase = "it \\"db\\""\nseed = 3\nextra = None');
    // A second run replaces the injected cell rather than adding one.
    injectParameters(nb, [{ name: 'seed', value: 4 }]);
    assert.equal(nb.cells.filter((c) => c.metadata.tags?.includes('injected-parameters')).length, 1);
    assert.equal(nb.cells.length, 4);
    // No cell tagged: the values go first.
    const untagged = notebook([code('print(1)')]);
    assert.deepEqual(injectParameters(untagged, [{ name: 'x', value: 1 }]), ['x']);
    assert.deepEqual(untagged.cells[0]!.metadata.tags, ['injected-parameters']);
  });

  it('writes outputs as the editor saves them: streams merged, text in lines, JSON as values, a clear dropping what came before', () => {
    const outputs = new CellOutputs();
    const add = (o: CellOutput) => outputs.add(o);
    add({ kind: 'stream', name: 'stdout', text: 'a\nb' });
    add({ kind: 'stream', name: 'stdout', text: 'c\n' });
    add({ kind: 'stream', name: 'stderr', text: 'warn\n' });
    add({
      kind: 'rich',
      items: { 'text/plain': 'x\ny', 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'image/png': 'iVBOR' },
    });
    assert.deepEqual(outputs.outputs, [
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'bc\n'] },
      { output_type: 'stream', name: 'stderr', text: ['warn\n'] },
      {
        output_type: 'display_data',
        data: { 'text/plain': ['x\n', 'y'], 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'image/png': 'iVBOR' },
        metadata: {},
      },
    ]);
    add({ kind: 'clear', wait: true });
    assert.equal(outputs.outputs.length, 3, 'a clear that waits keeps the outputs until the next one');
    add({ kind: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['t'] });
    assert.deepEqual(outputs.outputs, [{ output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['t'] }]);
    add({ kind: 'clear', wait: false });
    assert.deepEqual(outputs.outputs, []);
    assert.match(serializeNotebook(notebook([])), /^\{\n "cells": \[\],\n "metadata"/);
  });

  it("finds the failing line in IPython's traceback: the deepest frame in the cell", () => {
    const traceback = [
      '\u001b[31m---------------------------------------------------------------------------\u001b[39m',
      'Cell \u001b[32mIn[4]\u001b[39m, line 3\n      1 x = 1\n----> 3 f()',
      'Cell In[4], line 9, in f()\n----> 9 g()',
      'File /usr/lib/python3/site.py:12, in g()',
    ];
    assert.equal(
      pythonErrorLine(
        traceback.map((t) => t.replace('Cell \u001b[32mIn[4]\u001b[39m', 'Cell In[4]')),
        4,
      ),
      9,
    );
    assert.equal(pythonErrorLine(['Cell In[2], line 5'], 4), undefined);
  });

  it('runs code cells in order with their order numbers; the first failure stops the rest and is located', async () => {
    const ran: string[] = [];
    const kernel = {
      run: async (language: string, text: string, events: CellRunEvents, order?: number): Promise<CellRunResult> => {
        ran.push(`${order}:${language}:${text.trim()}`);
        if (text.startsWith('SELECT')) {
          const [statement] = splitSqlStatements(text);
          events.output({ kind: 'error', ename: 'AnalysisException', evalue: 'no column', traceback: [] });
          return {
            status: 'error',
            elapsedMs: 1,
            sqlFailure: {
              script: text,
              statement: statement!,
              error: new SparkError({
                kind: 'spark',
                message: "[PARSE_SYNTAX_ERROR] Syntax error at or near 'b'. (line 2, pos 2)",
              }),
            },
          };
        }
        if (text.includes('boom')) {
          events.output({
            kind: 'error',
            ename: 'NameError',
            evalue: "name 'boom' is not defined",
            traceback: [`Cell In[${order}], line 2`],
          });
          return { status: 'error', elapsedMs: 1 };
        }
        events.output({ kind: 'stream', name: 'stdout', text: 'ok\n' });
        return { status: 'ok', elapsedMs: 1 };
      },
    };
    const nb = notebook([
      code('x = 1', { tags: ['parameters'] }),
      code('x = 2', { tags: ['injected-parameters'] }),
      code('   '),
      { cell_type: 'markdown', metadata: {}, source: 'text' },
      code('print(x)\nboom'),
      code('print("after")'),
    ]);
    nb.cells[5]!.outputs = [{ output_type: 'stream', name: 'stdout', text: ['old'] }];
    const result = await runNotebookCells(nb, kernel);
    assert.deepEqual(ran, ['1:python:x = 1', '2:python:x = 2', '3:python:print(x)\nboom']);
    // The injected cell counts as the parameters cell (1); the failing cell is the 4th of the notebook as given.
    assert.deepEqual(result.failure, { cell: 4, line: 2, status: 'error', message: "NameError: name 'boom' is not defined" });
    assert.deepEqual(nb.cells[5]!.outputs, [], 'a cell after the failure keeps no outputs of an earlier run');
    assert.equal(nb.cells[4]!.execution_count, 3);
    assert.equal(nb.cells[2]!.execution_count, null);

    const sql = notebook([code('SELECT a,\n  b FROM t', { vscode: { languageId: 'sql' } })]);
    const sqlResult = await runNotebookCells(sql, kernel);
    assert.equal(sqlResult.failure?.line, 2);
  });
});
