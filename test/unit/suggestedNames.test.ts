import assert from 'node:assert/strict';
import { nameSuggestion, replacementName, wrongNameSpan } from '../../src/core/diagnostics/suggestedNames.js';
import { SuggestionFixes } from '../../src/vscode/problems/suggestionFixes.js';

describe('"Did you mean" problems and their quick fix', () => {
  it("reads Spark's suggestion list and ours, keeping the last part of a qualified name", () => {
    assert.deepEqual(
      nameSuggestion(
        'A column, variable, or function parameter with name `amout` cannot be resolved. Did you mean one of the following? [`amount`, `t`.`customer_id`, `x`, `y`]. (SQLSTATE 42703)',
      ),
      { wrong: 'amout', suggestions: ['amount', 'customer_id', 'x'] },
    );
    assert.deepEqual(
      nameSuggestion('with name `t`.`amout` cannot be resolved. Did you mean one of the following? [`t`.`amount`]'),
      {
        wrong: 'amout',
        suggestions: ['amount'],
      },
    );
    assert.deepEqual(nameSuggestion("orders has no column 'custmer'. Did you mean 'customer'?"), {
      wrong: 'custmer',
      suggestions: ['customer'],
    });
    assert.deepEqual(nameSuggestion("Unknown check type 'uniqe'. Did you mean 'unique'? Types: not_null, unique."), {
      wrong: 'uniqe',
      suggestions: ['unique'],
    });
    assert.equal(nameSuggestion("orders has no column 'custmer'."), undefined);
    assert.equal(nameSuggestion('Did you mean one of the following? [`a`]'), undefined);
  });

  it('finds the wrong name as a whole word inside the span, typed or back-quoted', () => {
    const text = 'SELECT amount_x, amout FROM t WHERE `amout` > 0';
    assert.deepEqual(wrongNameSpan(text, 0, text.length, 'amout'), { start: 17, end: 22 });
    assert.deepEqual(wrongNameSpan(text, 23, text.length, 'amout'), { start: 36, end: 43 });
    assert.equal(wrongNameSpan(text, 0, 10, 'amout'), undefined);
    assert.equal(replacementName('order date', true), '`order date`');
    assert.equal(replacementName('order date', false), 'order date');
    assert.equal(replacementName('amount', true), 'amount');
  });

  it("offers Change to '…' for Spark's suggestions anywhere and ours from data quality, not the spec's own", () => {
    const fixes = new SuggestionFixes();
    const sql = 'SELECT amout FROM t';
    const document = { uri: 'file:///w/a.sql', fileName: '/w/a.sql', languageId: 'sql', version: 1, text: sql };
    const spark = {
      start: 7,
      end: 12,
      source: 'Spark',
      message: 'name `amout` cannot be resolved. Did you mean one of the following? [`amount`, `order date`].',
    };
    assert.deepEqual(
      fixes.actions(document, 7, 7, [spark]).map((f) => [f.title, f.edits, f.preferred]),
      [
        ["Change to 'amount'", [{ start: 7, end: 12, text: 'amount' }], true],
        ["Change to 'order date'", [{ start: 7, end: 12, text: '`order date`' }], false],
      ],
    );
    const yaml = 'datasets:\n  t:\n    - uniqe: id\n';
    const quality = { ...document, uri: 'file:///w/spark-quality.yml', languageId: 'yaml', text: yaml };
    const at = yaml.indexOf('uniqe');
    const typo = { start: at, end: at + 5, message: "Unknown check type 'uniqe'. Did you mean 'unique'?" };
    assert.deepEqual(
      fixes.actions(quality, at, at, [{ ...typo, source: 'Spark data quality' }]).map((f) => [f.title, f.edits]),
      [["Change to 'unique'", [{ start: at, end: at + 5, text: 'unique' }]]],
    );
    // The spec's checks offer their own rename.
    assert.deepEqual(fixes.actions(quality, at, at, [{ ...typo, source: 'Spark pipelines' }]), []);
  });
});
