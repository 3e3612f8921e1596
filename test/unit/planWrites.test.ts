import assert from 'node:assert/strict';
import { planWritesOneOf } from '../../src/core/localSpark/planWrites.js';

// As Spark 4.2.1's UI describes the execution of a materialized view's flow.
const MATERIALIZED_VIEW_WRITE = `== Physical Plan ==
Execute SaveAsV1TableCommand (1)
   +- SaveAsV1TableCommand (2)


(1) Execute SaveAsV1TableCommand
Output: []

(2) SaveAsV1TableCommand
Arguments: \`default\`.\`long_running\`, Append, Aggregate [sum(hash(id#307L, id#308L, 42)) AS s#302L]

`;

const READ = `== Physical Plan ==
AdaptiveSparkPlan (3)
+- HashAggregate (2)
   +- Scan parquet spark_catalog.default.long_running (1)


(1) Scan parquet spark_catalog.default.long_running
Output [1]: [s#1L]
Arguments: \`spark_catalog\`.\`default\`.\`long_running\`

(2) HashAggregate
Input [1]: [s#1L]

(3) AdaptiveSparkPlan
Output [1]: [count#2L]
`;

describe("which table a job's SQL execution writes (a stopped pipeline run's flow jobs)", () => {
  it('finds the table a write command names, however qualified, in any case', () => {
    for (const table of [
      'long_running',
      '`default`.`long_running`',
      'spark_catalog.default.long_running',
      'DEFAULT.Long_Running',
    ])
      assert.ok(planWritesOneOf(MATERIALIZED_VIEW_WRITE, ['other', table]), table);
  });

  it('is not fooled by another schema, another table, or a table the plan only reads', () => {
    assert.equal(planWritesOneOf(MATERIALIZED_VIEW_WRITE, ['retail.long_running', 'long']), false);
    assert.equal(planWritesOneOf(READ, ['long_running']), false);
    assert.equal(planWritesOneOf('', ['long_running']), false);
    assert.equal(planWritesOneOf(MATERIALIZED_VIEW_WRITE, []), false);
  });

  it('reads names with dots and backticks in them', () => {
    const plan = MATERIALIZED_VIEW_WRITE.replace('`default`.`long_running`', '`my.schema`.`odd``name`');
    assert.ok(planWritesOneOf(plan, ['`my.schema`.`odd``name`']));
    assert.equal(planWritesOneOf(plan, ['schema.`odd``name`']), false);
  });
});
