import assert from 'node:assert/strict';
import { splitSqlStatements } from '../../src/core/sql/statementSplitter.js';

describe('splitSqlStatements', () => {
  it('splits at semicolons and keeps each statement’s offset and line', () => {
    const script = 'SELECT 1;\n\n  SELECT 2 ;\nSELECT 3';
    const statements = splitSqlStatements(script);
    assert.deepEqual(
      statements.map((s) => [s.text, s.line, script.slice(s.start, s.end)]),
      [
        ['SELECT 1', 1, 'SELECT 1'],
        ['SELECT 2', 3, 'SELECT 2'],
        ['SELECT 3', 4, 'SELECT 3'],
      ],
    );
  });

  it('ignores semicolons inside quotes, backticks and comments', () => {
    const script = [
      'SELECT \'a;b\', "c;d", `e;f` AS x; -- trailing; comment',
      "SELECT 'it\\'s; fine' /* block; /* nested; */ still; */ AS y;",
      '-- only a comment;',
      '/* only ; a block */',
    ].join('\n');
    const statements = splitSqlStatements(script);
    assert.equal(statements.length, 2);
    assert.equal(statements[0]!.text, 'SELECT \'a;b\', "c;d", `e;f` AS x');
    assert.equal(statements[1]!.text, "-- trailing; comment\nSELECT 'it\\'s; fine' /* block; /* nested; */ still; */ AS y");
    assert.equal(statements[1]!.line, 1);
  });

  it('drops empty and comment-only pieces, keeps an unterminated last statement', () => {
    assert.deepEqual(splitSqlStatements(' ;; \n -- c\n;'), []);
    const [last] = splitSqlStatements(';\n\nSELECT\n  42');
    assert.equal(last!.text, 'SELECT\n  42');
    assert.equal(last!.line, 3);
  });

  it('does not end a statement inside an unterminated string', () => {
    const statements = splitSqlStatements("SELECT 'open; still open");
    assert.equal(statements.length, 1);
  });
});

describe('splitting and offsets on nasty input', () => {
  it('keeps file offsets exact in CRLF files, after emoji, backticks with semicolons and nested comments', () => {
    const script = "-- a; b\r\nSELECT '😀;' AS `x;y`;\r\n/* one /* two; */ three; */\r\nSELECT\r\n  nope;";
    const statements = splitSqlStatements(script);
    assert.deepEqual(
      statements.map((s) => script.slice(s.start, s.end)),
      statements.map((s) => s.text),
    );
    assert.equal(statements.length, 2);
    assert.equal(statements[1]!.text, '/* one /* two; */ three; */\r\nSELECT\r\n  nope');
    assert.equal(statements[1]!.line, 3);
    // The error of the second statement at its own offset 39 ("nope") is at the same place in the file.
    const nope = statements[1]!.text.indexOf('nope');
    assert.equal(script.slice(statements[1]!.start + nope, statements[1]!.start + nope + 4), 'nope');
  });
});
