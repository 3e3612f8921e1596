import assert from 'node:assert/strict';
import { stripExpectations, parseExpectationFailure, EXPECTATION_FAILED } from '../../src/core/quality/expectationClauses.js';
import { parseQualityFile, durationSeconds } from '../../src/core/quality/qualityFile.js';
import { compileQualityQuery } from '../../src/core/quality/qualityQuery.js';
import { qualityExitCode, renderQualityReport } from '../../src/core/quality/qualityReports.js';
import type { CheckResult, DatasetQuality } from '../../src/core/quality/qualityEvaluation.js';

const lines = (text: string) => text.split('\n');

describe('expectation clauses', () => {
  const sql = `-- curated
CREATE MATERIALIZED VIEW curated (
  CONSTRAINT has_customer EXPECT (customer_id IS NOT NULL),
  CONSTRAINT positive_amount EXPECT (amount > 0) ON VIOLATION DROP ROW,
  CONSTRAINT known_channel EXPECT (channel IN ('web', 'store')) ON VIOLATION FAIL UPDATE
) AS SELECT customer_id, amount, channel
FROM raw -- the raw zone
;
CREATE MATERIALIZED VIEW plain AS SELECT 1 AS one;
`;

  it('finds each clause with its range, expression and action', () => {
    const { expectations, problems } = stripExpectations(sql);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      expectations.map((e) => [e.dataset, e.name, e.expression, e.action, sql.slice(e.start, e.end)]),
      [
        [
          'curated',
          'has_customer',
          'customer_id IS NOT NULL',
          'keep',
          'CONSTRAINT has_customer EXPECT (customer_id IS NOT NULL)',
        ],
        [
          'curated',
          'positive_amount',
          'amount > 0',
          'drop',
          'CONSTRAINT positive_amount EXPECT (amount > 0) ON VIOLATION DROP ROW',
        ],
        [
          'curated',
          'known_channel',
          "channel IN ('web', 'store')",
          'fail',
          "CONSTRAINT known_channel EXPECT (channel IN ('web', 'store')) ON VIOLATION FAIL UPDATE",
        ],
      ],
    );
  });

  it('keeps every line and every character of the query at its place', () => {
    const { text, unfiltered } = stripExpectations(sql);
    assert.equal(lines(text).length, lines(sql).length);
    assert.equal(unfiltered.length, sql.length);
    const query = sql.indexOf('SELECT customer_id');
    assert.equal(text.slice(query, query + 30), sql.slice(query, query + 30));
    assert.equal(unfiltered.slice(query), sql.slice(query));
    assert.ok(!/CONSTRAINT|EXPECT \(/.test(text));
    // The later statement is untouched, on its own line.
    assert.equal(lines(text)[8], lines(sql)[8]);
  });

  it('wraps the query to drop and to fail rows, after its last code on the same line', () => {
    const { text } = stripExpectations(sql);
    assert.match(text, /CREATE MATERIALIZED VIEW curated\s+AS SELECT \* FROM \(\s+SELECT customer_id/);
    const line = lines(text)[6]!;
    assert.match(
      line,
      /^FROM raw \) AS _sw_expectations WHERE coalesce\(\(amount > 0\), false\) AND CASE WHEN coalesce\(\(channel IN \('web', 'store'\)\), false\) THEN TRUE ELSE raise_error/,
    );
    assert.ok(line.includes(EXPECTATION_FAILED));
    assert.ok(line.endsWith('-- the raw zone'), 'the comment stays after the code');
  });

  it('leaves a list of columns and expectations with its columns, and says ON VIOLATION needs expectations only', () => {
    const mixed = 'CREATE MATERIALIZED VIEW m (id INT, CONSTRAINT ok EXPECT (id > 0) ON VIOLATION DROP ROW) AS SELECT 1 AS id';
    const { text, problems } = stripExpectations(mixed);
    assert.equal(text.length, mixed.length);
    assert.match(text, /^CREATE MATERIALIZED VIEW m \(id INT\s+\) AS SELECT 1 AS id$/);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /expectations only/);
  });

  it('reports a clause with something after its expression', () => {
    const { problems } = stripExpectations(
      'CREATE STREAMING TABLE s (CONSTRAINT c EXPECT (x > 0) ON VIOLATION IGNORE) AS SELECT * FROM STREAM(src)',
    );
    assert.match(problems[0]!.message, /only ON VIOLATION DROP ROW or ON VIOLATION FAIL UPDATE/);
  });

  it('reads a failure back from the error message', () => {
    assert.deepEqual(
      parseExpectationFailure(
        `[USER_RAISED_EXCEPTION] ${EXPECTATION_FAILED} dataset=retail.curated expectation=known_channel row={"channel":"fax"} SQLSTATE: P0001`,
      ),
      {
        dataset: 'retail.curated',
        name: 'known_channel',
        row: '{"channel":"fax"}',
      },
    );
  });
});

describe('quality file', () => {
  const text = `datasets:
  curated_transactions:
    - not_null: customer_id
    - unique: [transaction_id]
      severity: warn
    - between: amount
      min: 0
      max: 10000
      mostly: 0.99
    - regex: customer_id
      pattern: '^C\\d{5}$'
    - row_count: { min: 1 }
    - freshness: transaction_date
      max_age: 2d
`;
  it('reads every check with its settings and its range', () => {
    const { checks, problems } = parseQualityFile(text, 'q.yml');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      checks.map((c) => [c.kind, c.name, c.severity, c.mostly]),
      [
        ['not_null', 'not_null_customer_id', 'error', 1],
        ['unique', 'unique_transaction_id', 'warn', 1],
        ['between', 'between_amount', 'error', 0.99],
        ['regex', 'regex_customer_id', 'error', 1],
        ['row_count', 'row_count', 'error', 1],
        ['freshness', 'freshness_transaction_date', 'error', 1],
      ],
    );
    assert.equal(text.slice(checks[0]!.location.start, checks[0]!.location.end), 'not_null: customer_id');
    assert.equal(durationSeconds('2d'), 172800);
  });

  it('puts each mistake at its place, with a suggestion, and leaves those checks out', () => {
    const bad = `datasets:
  t:
    - not_nul: a
    - regex: b
      pattern: '([a-z]'
    - between: c
      min: 5
      max: 1
    - unique: d
      mostly: 2
    - accepted_values: e
`;
    const { checks, problems } = parseQualityFile(bad, 'q.yml');
    assert.equal(checks.length, 0);
    const at = (fragment: string) => problems.find((p) => bad.slice(p.start, p.end) === fragment)?.message;
    assert.match(at('not_nul')!, /Unknown check type 'not_nul'. Did you mean 'not_null'\?/);
    assert.match(at("'([a-z]'")!, /does not compile/);
    assert.match(at('1')!, /below min/);
    assert.match(at('2')!, /mostly is the fraction/);
    assert.match(at('accepted_values')!, /needs `values:`/);
  });

  it('reads how many samples to keep, 0 for counts only, and rejects anything else at its place', () => {
    assert.equal(parseQualityFile('samples: 0\ndatasets:\n  t:\n    - not_null: a\n', 'q.yml').sampleSize, 0);
    assert.equal(parseQualityFile('datasets:\n  t:\n    - not_null: a\n', 'q.yml').sampleSize, undefined);
    for (const value of ['-1', '2.5', 'many', '101']) {
      const text = `samples: ${value}\ndatasets:\n  t:\n    - not_null: a\n`;
      const parsed = parseQualityFile(text, 'q.yml');
      assert.equal(parsed.sampleSize, undefined, value);
      assert.equal(text.slice(parsed.problems[0]!.start, parsed.problems[0]!.end), value);
      assert.match(parsed.problems[0]!.message, /whole number from 0 \(counts only\) to 100/);
    }
  });
});

describe('quality query', () => {
  const { checks } = parseQualityFile(
    `datasets:\n  t:\n    - not_null: a\n    - unique: [a, b]\n    - references: a\n      dataset: other\n      key: id\n    - freshness: c\n      max_age: 1h\n`,
    'q.yml',
  );
  const compile = (extra = '') =>
    compileQualityQuery(
      'SELECT * FROM t',
      [...checks, ...(extra ? parseQualityFile(`datasets:\n  t:\n    - ${extra}\n`, 'q.yml').checks : [])],
      { sourceColumns: ['a', 'b', 'c'], tableName: (n) => n },
    );

  it('compiles all checks of a dataset into one query over the source, with packed flags and bounded samples', () => {
    const { sql } = compile();
    assert.equal((sql.match(/SELECT \* FROM t/g) ?? []).length, 1, 'the source appears once');
    assert.match(sql, /count\(\*\) OVER \(PARTITION BY `a`, `b`\)/);
    assert.match(sql, /LEFT JOIN \(SELECT DISTINCT `id` AS _sw_2_key FROM other\)/);
    // Flags before the window in one BIGINT, the uniqueness check's after it in another.
    assert.match(
      sql,
      /\(IF\(TRUE, 1L, 0L\) \| IF\(`a` IS NULL, 2L, 0L\) \| IF\(`a` IS NOT NULL, 4L, 0L\) \| IF\(`a` IS NOT NULL AND _sw_2_key IS NULL, 8L, 0L\)\) AS _sw_m0/,
    );
    assert.match(sql, /IF\(`a` IS NOT NULL AND `b` IS NOT NULL AND _sw_1_copies > 1, 2L, 0L\)\) AS _sw_w0/);
    // A whole row is a struct until chosen, then JSON.
    assert.match(sql, /CASE WHEN \(_sw_m0 & 2L\) != 0 THEN named_struct\('a', `a`, 'b', `b`, 'c', `c`\) END AS _sw_0_v/);
  });

  it('groups rows by their flags and samples first, then sums the groups and keeps k samples per check', () => {
    const { sql } = compile();
    assert.match(sql, /GROUP BY _sw_m0, _sw_w0, _sw_0_v, _sw_1_v, _sw_2_v\)/);
    assert.match(sql, /count\(\*\) AS _sw_n, max\(`c`\) AS _sw_3_newest FROM/);
    assert.match(sql, /coalesce\(sum\(IF\(\(_sw_m0 & 2L\) != 0, _sw_n, 0\)\), 0\) AS _sw_0_failing/);
    assert.match(
      sql,
      /transform\(min_by\(_sw_0_v, _sw_0_v, 5\) FILTER \(WHERE \(_sw_m0 & 2L\) != 0\), _sw_row -> to_json\(_sw_row, map\('ignoreNullFields', 'false'\)\)\) AS _sw_0_samples/,
    );
    assert.match(sql, /min_by\(_sw_2_v, _sw_2_v, 5\) FILTER \(WHERE \(_sw_m0 & 8L\) != 0\) AS _sw_2_samples/);
    assert.match(sql, /CAST\(CAST\(max\(_sw_3_newest\) AS TIMESTAMP\) AS LONG\) AS _sw_3_value/);
  });

  it('aggregates the rows themselves when a custom condition needs them', () => {
    const { sql } = compile('sql: avg(b) > 1');
    assert.doesNotMatch(sql, /GROUP BY/);
    assert.match(sql, /\(avg\(b\) > 1\) AS _sw_4_value/);
    assert.match(sql, /count_if\(\(_sw_m0 & 2L\) != 0\) AS _sw_0_failing/);
  });

  it('only counts when no samples are wanted', () => {
    const { sql, columns } = compileQualityQuery('SELECT * FROM t', checks, {
      sourceColumns: ['a', 'b', 'c'],
      tableName: (n) => n,
      sampleSize: 0,
    });
    assert.doesNotMatch(sql, /min_by|_sw_\d+_v\b|named_struct/);
    assert.match(sql, /GROUP BY _sw_m0, _sw_w0\)/);
    assert.equal(columns.get(checks[0]!)!.samples, undefined);
    assert.equal(columns.get(checks[0]!)!.failing, '_sw_0_failing');
  });

  it('aggregates the rows themselves when there are no flags to group them by', () => {
    const only = parseQualityFile(
      'datasets:\n  t:\n    - row_count: { min: 1 }\n    - freshness: c\n      max_age: 1h\n',
      'q.yml',
    ).checks;
    const { sql } = compileQualityQuery('SELECT * FROM t', only, { sourceColumns: ['c'], tableName: (n) => n });
    assert.doesNotMatch(sql, /GROUP BY/);
    assert.match(sql, /count\(\*\) AS _sw_0_value/);
    assert.match(sql, /CAST\(CAST\(max\(`c`\) AS TIMESTAMP\) AS LONG\) AS _sw_1_value/);
  });

  it('packs more than 62 flags into more than one column', () => {
    const many = parseQualityFile(
      `datasets:\n  t:\n${Array.from({ length: 40 }, (_, i) => `    - not_null: c${i}\n`).join('')}`,
      'q.yml',
    ).checks;
    const { sql } = compileQualityQuery('SELECT * FROM t', many, {
      sourceColumns: Array.from({ length: 40 }, (_, i) => `c${i}`),
      tableName: (n) => n,
    });
    assert.match(sql, /AS _sw_m0\b/);
    assert.match(sql, /IF\(`c31` IS NULL, 2L, 0L\)/);
    assert.match(sql, /\(_sw_m1 & 8L\) != 0, _sw_n, 0\)\), 0\) AS _sw_32_failing/);
  });
});

describe('quality reports', () => {
  const { checks } = parseQualityFile('datasets:\n  t:\n    - not_null: a\n    - unique: b\n      severity: warn\n', 'q.yml');
  const result = (index: number, status: CheckResult['status']): CheckResult => ({
    check: checks[index]!,
    status,
    checked: 10,
    failing: status === 'passed' ? 0 : 2,
    samples: ['x'],
    message: `m${index}`,
  });
  const datasets = (a: CheckResult['status'], b: CheckResult['status']): DatasetQuality[] => [
    { dataset: 't', source: 'SELECT * FROM t', rows: 10, results: [result(0, a), result(1, b)], durationMs: 5 },
  ];
  const locate = () => ({ uri: 'q.yml', line: 3, column: 7, endLine: 3, endColumn: 18 });

  it('fails the build only for errors', () => {
    assert.equal(qualityExitCode(datasets('passed', 'failed')), 0);
    assert.equal(qualityExitCode(datasets('failed', 'passed')), 1);
    assert.equal(qualityExitCode(datasets('passed', 'error')), 1);
  });

  it('writes SARIF 2.1.0 located at the declaring line, and JUnit with one case per check', () => {
    const sarif = JSON.parse(
      renderQualityReport('sarif', { datasets: datasets('failed', 'failed'), locate, toolVersion: '1' }),
    ) as {
      version: string;
      runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(
      sarif.runs[0]!.results.map((r) => r.level),
      ['error', 'warning'],
    );
    assert.equal(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine, 3);
    const junit = renderQualityReport('junit', { datasets: datasets('passed', 'failed'), locate, toolVersion: '1' });
    assert.equal((junit.match(/<testcase /g) ?? []).length, 2);
    assert.match(junit, /<failure message="m1" type="warn">/);
  });
});

describe('declaration mistakes, said once and with what was written', () => {
  it('a bad ON VIOLATION is one problem naming what was written, and its clause never reaches Spark', () => {
    const text = 'CREATE MATERIALIZED VIEW t (\n  CONSTRAINT c EXPECT (x > 0) ON VIOLATION DELETE ROW\n) AS SELECT 1 AS x;\n';
    const stripped = stripExpectations(text);
    assert.deepEqual(
      stripped.problems.map((p) => [text.slice(p.start, p.end), p.message]),
      [
        [
          'ON VIOLATION DELETE ROW',
          "After EXPECT (…) only ON VIOLATION DROP ROW or ON VIOLATION FAIL UPDATE may follow, not 'ON VIOLATION DELETE ROW'.",
        ],
      ],
    );
    assert.doesNotMatch(stripped.text, /CONSTRAINT|EXPECT|VIOLATION/);
    assert.equal(stripped.text.split('\n').length, text.split('\n').length, 'no line moved');
  });

  it('a bad severity names the value', () => {
    const problems = parseQualityFile('datasets:\n  t:\n    - not_null: x\n      severity: critical\n', 'q.yml').problems;
    assert.deepEqual(
      problems.map((p) => p.message),
      ["severity is 'warn' or 'error', not 'critical'."],
    );
  });
});
