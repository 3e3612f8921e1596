import assert from 'node:assert/strict';
import { qualified, sameDataset } from '../../src/core/pipelines/pipelineGraph.js';
import { stripExpectations } from '../../src/core/quality/expectationClauses.js';
import { nameParts, qualifiedName, quoteIdentifier, stringLiteral } from '../../src/core/sql/sqlText.js';

describe('names and literals in SQL text', () => {
  it('reads the parts of a name as SQL writes it', () => {
    assert.deepEqual(nameParts('a.b.c'), ['a', 'b', 'c']);
    assert.deepEqual(nameParts("`it's a.b`.c"), ["it's a.b", 'c']);
    assert.deepEqual(nameParts('`a``b` . `%_ü`'), ['a`b', '%_ü']);
    assert.deepEqual(nameParts('t_a'), ['t_a']);
  });

  it('quotes every part, so a name means only itself', () => {
    assert.equal(quoteIdentifier('a`b'), '`a``b`');
    assert.equal(qualifiedName('spark_catalog', '', 'it`s'), '`spark_catalog`.`it``s`');
    assert.equal(qualified({ catalog: 'c', database: 'd' }, '`x.y`'), '`c`.`d`.`x.y`');
    assert.equal(qualified({ database: 'd' }, 'e.`t``1`'), '`e`.`t``1`');
    assert.equal(stringLiteral("it's a \\ b"), "'it\\'s a \\\\ b'");
  });

  it('matches a reported name with the one written, quoted or not, and never by pattern', () => {
    assert.ok(sameDataset('spark_catalog.db.t_a', 't_a'));
    assert.ok(sameDataset('spark_catalog.db.t_a', '`db`.`T_A`'));
    assert.ok(!sameDataset('spark_catalog.db.txa', 't_a'));
  });

  it('takes expectation and dataset names with any character, and writes the FAIL UPDATE marker as a proper literal', () => {
    const text =
      "CREATE MATERIALIZED VIEW `t_ü` (\n  CONSTRAINT `it's a\\b%_``x` EXPECT (id > 0) ON VIOLATION FAIL UPDATE\n) AS SELECT 1 AS id;\n";
    const stripped = stripExpectations(text);
    assert.deepEqual(stripped.problems, []);
    assert.deepEqual(
      stripped.expectations.map((e) => [e.dataset, e.name]),
      [['`t_ü`', "it's a\\b%_`x"]],
    );
    const marker = /raise_error\(concat\(('(?:[^'\\]|\\.)*')/.exec(stripped.text)?.[1];
    assert.ok(marker, stripped.text);
    assert.equal(
      marker,
      stringLiteral(
        `SPARK_WORKBENCH_EXPECTATION_FAILED dataset=${encodeURIComponent('`t_ü`')} expectation=${encodeURIComponent("it's a\\b%_`x")} row=`,
      ),
    );
  });
});
