import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkError } from '../../src/core/connect/sparkError.js';
import { sqlErrorDiagnostic } from '../../src/core/sql/sqlErrorDiagnostic.js';
import { splitSqlStatements } from '../../src/core/sql/statementSplitter.js';
import { positionAt } from '../../src/core/sql/textPositions.js';
import { cli } from '../support/runCli.js';
import { testServer } from '../support/sparkTestServer.js';

/** A file with a temp view, then three statements that fail in three ways (CRLF, an emoji before one error). */
const FILE = [
  '-- orders; a view the next statements read',
  'CREATE OR REPLACE TEMP VIEW shop_orders AS',
  "  SELECT id AS order_id, id * 1.5 AS amount, '😀 ok' AS note FROM range(5);",
  '',
  "SELECT note, order_id, amout FROM shop_orders WHERE note <> '😀';",
  'SELECT * FROM shop_ordrs;',
  'SELECT order_id',
  'FROM shop_orders',
  'WHERE amount > > 2;',
].join('\r\n');

describe('SQL errors where they belong, against real Spark', function () {
  this.timeout(120_000);
  let client: SparkConnectClient;
  before(() => (client = new SparkConnectClient(testServer().url)));
  after(() => client.close());

  /** Runs each statement in order; returns each failure's diagnostic as text, line and column (1-based). */
  async function diagnostics(): Promise<{ text: string; line: number; column: number; code?: string; message: string }[]> {
    const found = [];
    for (const statement of splitSqlStatements(FILE)) {
      try {
        await client.sql(statement.text).toTable();
      } catch (error) {
        assert.ok(error instanceof SparkError, String(error));
        const diagnostic = sqlErrorDiagnostic(FILE, statement, error);
        const at = positionAt(FILE, diagnostic.start);
        found.push({
          text: FILE.slice(diagnostic.start, diagnostic.end),
          line: at.line + 1,
          column: at.character + 1,
          code: diagnostic.errorClass,
          message: diagnostic.message,
        });
      }
    }
    return found;
  }

  it('a misspelled column, a missing table and a syntax error each get a diagnostic at the exact range', async () => {
    const found = await diagnostics();
    assert.deepEqual(
      found.map(({ text, line, column, code }) => ({ text, line, column, code })),
      [
        { text: 'amout', line: 5, column: 24, code: 'UNRESOLVED_COLUMN.WITH_SUGGESTION' },
        { text: 'shop_ordrs', line: 6, column: 15, code: 'TABLE_OR_VIEW_NOT_FOUND' },
        { text: '>', line: 9, column: 16, code: 'PARSE_SYNTAX_ERROR' },
      ],
    );
    assert.match(found[0]!.message, /Did you mean one of the following\? \[`amount`/, "Spark's suggestion is in the message");
    assert.match(found[0]!.message, /\(SQLSTATE 42703\)$/);
  });

  it('`spark-workbench sql --file` reports the first failure at the same FILE:LINE:COL', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-sql-file-'));
    try {
      const file = join(folder, 'orders.sql');
      writeFileSync(file, FILE);
      const result = await cli(['sql', '--file', file, '--remote', testServer().url]);
      assert.equal(result.code, 1);
      assert.equal(result.stderr.split('\n')[0]!.split(': ')[0], `${file}:5:24`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
