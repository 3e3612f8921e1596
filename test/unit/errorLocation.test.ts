import assert from 'node:assert/strict';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { lineColumnOf, locateSparkError, offsetOf } from '../../src/core/sql/errorLocation.js';
import { describeError } from '../../src/cli/errorReport.js';

const context = (startIndex: number, stopIndex: number, fragment: string, objectType = '') => ({
  startIndex,
  stopIndex,
  fragment,
  objectType,
  objectName: objectType ? 'v1' : '',
});

describe('locating a Spark error in the SQL text', () => {
  it('uses the query context (0-based, stop inclusive) as an end-exclusive span', () => {
    const sql = 'SELECT id,\n  nope\nFROM t';
    const error = new SparkError({ kind: 'spark', message: 'x', queryContexts: [context(13, 16, 'nope')] });
    assert.deepEqual(locateSparkError(sql, error), { start: 13, end: 17 });
  });

  it("reads Spark's offsets as code points: after an emoji they differ from JavaScript's, and Spark's fragment is cut wrong", () => {
    // Measured on Spark 4.2.1: startIndex 29 counts code points; the fragment is Java's substring(29, 37).
    const sql = "SELECT '😀' AS smile,\r\n       misspelt\r\nFROM range(1)";
    const error = new SparkError({ kind: 'spark', message: 'x', queryContexts: [context(29, 36, ' misspel')] });
    const span = locateSparkError(sql, error)!;
    assert.equal(sql.slice(span.start, span.end), 'misspelt');
    const parse = new SparkError({
      kind: 'spark',
      message: "[PARSE_SYNTAX_ERROR] Syntax error at or near '='. (line 1, pos 25)",
    });
    const at = locateSparkError("SELECT '😀' AS smile, 1 = = 2", parse)!;
    assert.equal(at.start, 26, 'the second =, counted in UTF-16 units');
  });

  it('searches for the fragment when the offsets disagree with the text', () => {
    const sql = '😀 SELECT nope';
    const error = new SparkError({ kind: 'spark', message: 'x', queryContexts: [context(9, 12, 'nope')] });
    assert.deepEqual(locateSparkError(sql, error), { start: 10, end: 14 });
  });

  it('ignores contexts inside views and falls back to the parse position', () => {
    const sql = 'SELECT *\nFROM v1\nWHERE a = = 1';
    const error = new SparkError({
      kind: 'spark',
      message: "[PARSE_SYNTAX_ERROR] Syntax error at or near '='. SQLSTATE: 42601 (line 3, pos 10)",
      queryContexts: [context(0, 3, 'SELE', 'VIEW')],
    });
    const span = locateSparkError(sql, error);
    assert.ok(span);
    assert.deepEqual(lineColumnOf(sql, span.start), { line: 3, column: 11 });
    assert.equal(sql.slice(span.start, span.end), '=');
  });

  it('widens a parse position to the whole word there', () => {
    const error = new SparkError({ kind: 'spark', message: "Syntax error at or near 'SELEC' (line 1, pos 0)" });
    assert.deepEqual(locateSparkError('SELEC 1', error), { start: 0, end: 5 });
  });

  it('returns nothing for positions outside the text or errors without a place', () => {
    assert.equal(locateSparkError('SELECT 1', new SparkError({ kind: 'spark', message: 'x (line 9, pos 0)' })), undefined);
    assert.equal(locateSparkError('SELECT 1', new SparkError({ kind: 'unavailable', message: 'down' })), undefined);
  });

  it('converts between offsets and 1-based lines and columns', () => {
    const text = 'ab\ncde\n\nf';
    assert.equal(offsetOf(text, 2, 2), 4);
    assert.equal(offsetOf(text, 4, 1), 8);
    assert.equal(offsetOf(text, 5, 1), undefined);
    assert.equal(offsetOf(text, 1, 9), undefined);
    assert.deepEqual(lineColumnOf(text, 4), { line: 2, column: 2 });
  });
});

describe('reporting an error on a terminal', () => {
  it('shows class, SQL state, the first paragraph and a caret under the place', () => {
    const sql = 'SELECT nope FROM t';
    const error = new SparkError({
      kind: 'spark',
      errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
      sqlState: '42703',
      message: "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column `nope` cannot be resolved. SQLSTATE: 42703;\n'Project [nope]\n+- t",
      queryContexts: [context(7, 10, 'nope')],
    });
    const { text, exitCode } = describeError(error, sql);
    assert.equal(exitCode, 1);
    assert.deepEqual(text.split('\n'), [
      'error[UNRESOLVED_COLUMN.WITH_SUGGESTION]: A column `nope` cannot be resolved. (SQLSTATE 42703)',
      ' --> line 1, column 8',
      '1 | SELECT nope FROM t',
      '  |        ^^^^',
    ]);
  });

  it('trims the parse position and the SQL copy from a parse error', () => {
    const sql = 'SELEC 1';
    const error = new SparkError({
      kind: 'spark',
      errorClass: 'PARSE_SYNTAX_ERROR',
      sqlState: '42601',
      message: "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^",
    });
    assert.deepEqual(describeError(error, sql).text.split('\n'), [
      "error[PARSE_SYNTAX_ERROR]: Syntax error at or near 'SELEC'. (SQLSTATE 42601)",
      ' --> line 1, column 1',
      '1 | SELEC 1',
      '  | ^^^^^',
    ]);
  });

  it('gives connection failures their own exit status', () => {
    assert.equal(describeError(new SparkError({ kind: 'unavailable', message: 'Cannot reach' })).exitCode, 3);
    assert.equal(describeError(new SparkError({ kind: 'cancelled', message: 'cancelled' })).exitCode, 130);
  });
});
