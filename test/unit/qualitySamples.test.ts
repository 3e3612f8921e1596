import assert from 'node:assert/strict';
import type { CheckResult } from '../../src/core/quality/qualityEvaluation.js';
import { parseQualityFile } from '../../src/core/quality/qualityFile.js';
import { escapeMarkdown, samplesMarkdown } from '../../src/core/quality/qualitySamples.js';

const { checks } = parseQualityFile(
  'datasets:\n  t:\n    - not_null: customer_id\n    - regex: code\n      pattern: "^C"\n',
  'q.yml',
);

describe('sample rows of a failed check, for a hover', () => {
  it('draws whole rows as a table, NULL apart from the text "NULL", every value escaped', () => {
    const result: CheckResult = {
      check: checks[0]!,
      status: 'failed',
      checked: 2000,
      failing: 69,
      samples: [
        '{"transaction_id":29,"customer_id":null,"note":"NULL"}',
        '{"transaction_id":58,"customer_id":null,"note":"<b>*x*</b> | y"}',
      ],
      message: 'not_null_customer_id: 69 of 2,000 rows failed (3.45%); e.g. {"transaction_id":29,…',
    };
    assert.equal(
      samplesMarkdown(result),
      [
        '**not\\_null\\_customer\\_id**: 69 of 2,000 rows failed \\(3\\.45%\\); e\\.g\\. \\{\\"transaction\\_id\\":29,…',
        '',
        'Sample of failing rows:',
        '',
        '| transaction\\_id | customer\\_id | note |',
        '| --- | --- | --- |',
        '| 29 | *NULL* | NULL |',
        '| 58 | *NULL* | \\<b\\>\\*x\\*\\</b\\> \\| y |',
      ].join('\n'),
    );
  });

  it('lists failing values of a column check', () => {
    const result: CheckResult = {
      check: checks[1]!,
      status: 'failed',
      checked: 10,
      failing: 2,
      samples: ['X1', ''],
      message: 'regex_code: 2 of 10 rows failed (20%)',
    };
    assert.equal(
      samplesMarkdown(result),
      '**regex\\_code**: 2 of 10 rows failed \\(20%\\)\n\nSample of failing values:\n\n- X1\n- *(empty)*',
    );
    assert.equal(escapeMarkdown('[a](javascript:x)'), '\\[a\\]\\(javascript:x\\)');
  });
});
