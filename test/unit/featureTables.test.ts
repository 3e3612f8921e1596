import assert from 'node:assert/strict';
import { featureTableChecks, sqlFeatureTables } from '../../src/core/features/featureTables.js';
import { pythonDefinitions, sqlDefinitions } from '../../src/core/pipelines/pipelineGraph.js';

const SQL = `-- features
CREATE MATERIALIZED VIEW customer_features
COMMENT 'per customer and day'
TBLPROPERTIES (
  'feature_table.keys' = 'customer_id, region',
  'feature_table.timestamp' = 'feature_time',
  'other' = 'x)y'
)
AS SELECT customer_id, region, feature_time, 1 AS visits FROM t;

CREATE MATERIALIZED VIEW plain TBLPROPERTIES ('owner' = 'me') AS SELECT 1;
CREATE STREAMING TABLE \`half\` TBLPROPERTIES ('feature_table.keys' = 'id') AS SELECT * FROM STREAM(s);
`;

describe('feature tables', () => {
  it('reads the keys and the timestamp from TBLPROPERTIES, located at the keys property', () => {
    const { tables, problems } = sqlFeatureTables('transformations/features.sql', SQL);
    assert.deepEqual(
      tables.map(({ dataset, keys, timestamp, file }) => ({ dataset, keys, timestamp, file })),
      [
        {
          dataset: 'customer_features',
          keys: ['customer_id', 'region'],
          timestamp: 'feature_time',
          file: 'transformations/features.sql',
        },
      ],
    );
    assert.equal(SQL.slice(tables[0]!.start, tables[0]!.end), "'feature_table.keys' = 'customer_id, region'");
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /names its timestamp column: 'feature_table\.timestamp' = 'feature_time'/);
    assert.equal(SQL.slice(problems[0]!.start, problems[0]!.end), "'feature_table.keys' = 'id'");
  });

  it('brings its own checks: every key and the timestamp present, one row per entity and time', () => {
    const [table] = sqlFeatureTables('f.sql', SQL).tables;
    const checks = featureTableChecks(table!);
    assert.deepEqual(
      checks.map((c) => [
        c.kind,
        c.name,
        c.kind === 'unique' ? c.columns.join('+') : c.kind === 'not_null' ? c.column : '',
        c.severity,
      ]),
      [
        ['not_null', 'feature_customer_id_present', 'customer_id', 'error'],
        ['not_null', 'feature_region_present', 'region', 'error'],
        ['not_null', 'feature_feature_time_present', 'feature_time', 'error'],
        ['unique', 'feature_keys_unique', 'customer_id+region+feature_time', 'error'],
      ],
    );
    assert.ok(checks.every((c) => c.dataset === 'customer_features' && c.location.start === table!.start));
  });

  it('marks feature tables in the graph, from SQL and from Python table properties', async () => {
    const sql = await sqlDefinitions('f.sql', SQL, async () => []);
    assert.deepEqual(
      sql.datasets.map((d) => [d.name, d.featureTable]),
      [
        ['customer_features', { keys: ['customer_id', 'region'], timestamp: 'feature_time' }],
        ['plain', undefined],
        ['half', undefined],
      ],
    );
    const python = pythonDefinitions({
      outputs: [
        {
          name: 'visits',
          type: 'MaterializedView',
          file: 'v.py',
          line: 3,
          tableProperties: { 'feature_table.keys': 'customer_id', 'feature_table.timestamp': 'day' },
        },
      ],
      flows: [],
    });
    assert.deepEqual(python.datasets[0]!.featureTable, { keys: ['customer_id'], timestamp: 'day' });
  });
});
