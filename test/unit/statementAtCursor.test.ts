import assert from 'node:assert/strict';
import { codeStart, statementAt, statementsOverlapping } from '../../src/core/sql/statementAtCursor.js';
import { splitSqlStatements } from '../../src/core/sql/statementSplitter.js';

describe('the statement under the cursor', () => {
  const script = '-- lead\nSELECT 1;\n\nSELECT 2 ;  \n/* c */ SELECT 3';
  const statements = splitSqlStatements(script);
  const at = (offset: number) => statementAt(script, statements, offset)?.text;

  it('is the statement the cursor is in, its semicolon included', () => {
    assert.equal(at(script.indexOf('1')), '-- lead\nSELECT 1');
    assert.equal(at(script.indexOf('1;') + 1), '-- lead\nSELECT 1', 'right before the ;');
    assert.equal(at(script.indexOf('1;') + 2), '-- lead\nSELECT 1', 'right after the ;');
  });

  it('is the statement just before the cursor when only blanks lie between, else the next one', () => {
    const spaced = 'SELECT 1;\n-- about two\nSELECT 2';
    assert.equal(statementAt(spaced, splitSqlStatements(spaced), spaced.indexOf('about'))?.text, '-- about two\nSELECT 2');
    assert.equal(at(script.indexOf('2 ;') + 5), 'SELECT 2', 'at the end of its line');
    assert.equal(at(script.indexOf('\n\n') + 1), '-- lead\nSELECT 1', 'on the empty line after it');
    assert.equal(at(0), '-- lead\nSELECT 1', 'in its leading comment');
    assert.equal(at(script.length), '/* c */ SELECT 3');
  });

  it('overlaps a selection with every statement it touches; code starts past leading comments', () => {
    const picked = statementsOverlapping(statements, script.indexOf('1'), script.indexOf('2') + 1);
    assert.deepEqual(
      picked.map((s) => s.text),
      ['-- lead\nSELECT 1', 'SELECT 2'],
    );
    assert.equal(script.slice(codeStart(statements[0]!), codeStart(statements[0]!) + 8), 'SELECT 1');
    assert.equal(script.slice(codeStart(statements[2]!)), 'SELECT 3');
  });
});
