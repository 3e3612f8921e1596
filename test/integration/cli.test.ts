import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { assertCliSchema } from '../support/cliSchemas.js';
import { cli, startCli } from '../support/runCli.js';
import { freePort, runtimeDir, testServer, waitForSparkIdle } from '../support/sparkTestServer.js';

describe('the spark-workbench CLI against a real Spark server', function () {
  // Schemas the pipeline tests make are dropped after: the e2e catalog test reads the same server.
  const schemas: string[] = [];
  const schemaOf = (prefix: string) => {
    const schema = `${prefix}_${Date.now() % 100000}`;
    schemas.push(schema);
    return schema;
  };
  after(async () => {
    const client = new SparkConnectClient(testServer().url);
    try {
      for (const schema of schemas) await client.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).toTable();
    } finally {
      await client.close();
    }
  });
  this.timeout(120_000);

  it('prints one JSON array of row objects with exact decimals and ISO timestamps', async () => {
    const { url } = testServer();
    const result = await cli([
      'sql',
      "SELECT id, CAST(id AS DECIMAL(12,2)) / 4 AS quarter, TIMESTAMP'2024-05-06 07:08:09.654321' AS ts, 'a,\"b\"' AS s, 1 AS id FROM range(3)",
      '--remote',
      url,
      '--format',
      'json',
    ]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assertCliSchema('sql', JSON.parse(result.stdout));
    assert.deepEqual(
      JSON.parse(result.stdout),
      [0, 1, 2].map((id) => ({
        id,
        quarter: ['0.000000', '0.250000', '0.500000'][id],
        ts: '2024-05-06T07:08:09.654321Z',
        s: 'a,"b"',
        id_2: 1,
      })),
    );
  });

  it('prints CSV with a header and quoted fields, and honours --limit', async () => {
    const result = await cli([
      'sql',
      "SELECT id, IF(id = 1, NULL, 'x,y') AS s FROM range(10)",
      '--remote',
      testServer().url,
      '--format',
      'csv',
      '--limit',
      '3',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'id,s\r\n0,"x,y"\r\n1,\r\n2,"x,y"\r\n');
  });

  for (const [how, signal] of [
    ['--port', 'SIGINT'],
    ['--remote', 'SIGINT'],
    ['--remote', 'SIGTERM'],
  ] as const)
    it(`${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM (a scheduler stopping it)'} during a long query (${how}): Spark stops it and the CLI exits within 0.5 s of Spark being idle, with code 130`, async () => {
      const target = how === '--port' ? String(testServer().port) : testServer().url;
      const { child, result } = startCli([
        'sql',
        'SELECT sum(hash(a.id, b.id)) AS h FROM range(40000000) a CROSS JOIN range(1000) b',
        how,
        target,
      ]);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const interruptedAt = Date.now();
      child.kill(signal);
      let exitedAt = 0;
      const exited = result.then((r) => ((exitedAt = Date.now()), r));
      const [idle, ran] = await Promise.all([waitForSparkIdle(testServer().pid, interruptedAt, 10_000), exited]);
      assert.equal(ran.code, 130, ran.stderr);
      assert.match(ran.stderr, /cancel/i);
      assert.ok(idle.busyTicks <= 2, `Spark still busy ${idle.idleAfterMs} ms after Ctrl-C`);
      const exitAfterMs = exitedAt - interruptedAt;
      console.log(`      Spark idle within ${idle.idleAfterMs} ms, the CLI exited ${exitAfterMs} ms after Ctrl-C`);
      assert.ok(
        exitAfterMs <= idle.idleAfterMs + 500,
        `exited ${exitAfterMs} ms after Ctrl-C, Spark idle after ${idle.idleAfterMs} ms`,
      );
    });

  it('prints an aligned table, finding the local server by port and the token from its state', async () => {
    const result = await cli([
      'sql',
      'SELECT 42 AS answer, CAST(NULL AS STRING) AS nothing',
      '--port',
      String(testServer().port),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n'), [
      'answer | nothing',
      'int    | string',
      '-------+--------',
      '    42 | NULL',
      '(1 row)',
      '',
    ]);
  });

  it('reports a bad query on stderr with class, SQL state and a caret under the column, exit 1', async () => {
    const result = await cli(['sql', 'SELECT id, nope FROM range(3)', '--remote', testServer().url]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^error\[UNRESOLVED_COLUMN\.WITH_SUGGESTION\]: .*`nope`.* \(SQLSTATE 42703\)$/);
    assert.deepEqual(lines.slice(1), [' --> line 1, column 12', '1 | SELECT id, nope FROM range(3)', '  |            ^^^^']);
  });

  it('reports a parse error with its line and column', async () => {
    const result = await cli(['sql', 'SELECT 1\nFROM range(3)\nWHERE id = = 1', '--remote', testServer().url]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error\[PARSE_SYNTAX_ERROR\]: Syntax error at or near '='\. \(SQLSTATE 42601\)/);
    assert.match(result.stderr, / --> line 3, column 12\n3 \| WHERE id = = 1\n {2}\| {12}\^/);
  });

  describe('scripts', () => {
    it('runs several statements in order in one session: a temp view made by one is read by the next (JSON Lines)', async () => {
      const result = await cli([
        'sql',
        'CREATE OR REPLACE TEMP VIEW hv AS SELECT id, id * 2 AS twice FROM range(4); SELECT sum(twice) AS total FROM hv',
        '--remote',
        testServer().url,
        '--format',
        'json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        result.stdout
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as unknown),
        [[], [{ total: 12 }]],
      );
      for (const line of result.stdout.trimEnd().split('\n')) assertCliSchema('sql', JSON.parse(line));
    });

    it('--file reports a failure as FILE:LINE:COL: ERROR_CLASS message, at the statement and column in the file', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'sw-cli-script-'));
      try {
        const file = join(folder, 'report.sql');
        // A CRLF file, an emoji before the error, a comment with a semicolon: the column must still be exact.
        writeFileSync(
          file,
          "-- first; the view\r\nCREATE OR REPLACE TEMP VIEW v AS SELECT id FROM range(3);\r\n\r\nSELECT '😀' AS smile,\r\n       misspelt\r\nFROM v;\r\nSELECT 1;\r\n",
        );
        const result = await cli(['sql', '--file', file, '--remote', testServer().url]);
        assert.equal(result.code, 1);
        const first = result.stderr.split('\n')[0]!;
        assert.match(
          first,
          new RegExp(
            `^${file.replace(/[.\\/]/g, '\\$&')}:5:8: UNRESOLVED_COLUMN\\.WITH_SUGGESTION A column, variable, or function parameter with name \`misspelt\` cannot be resolved`,
          ),
        );
        assert.match(result.stderr, /--> line 5, column 8\n5 \| {8}misspelt\n {2}\| {8}\^{8}/);

        const parse = join(folder, 'parse.sql');
        writeFileSync(parse, 'SELECT 1;\nSELECT id\nFROM range(3)\nWHERE id = = 1;\n');
        const parsed = await cli(['sql', '--file', parse, '--remote', testServer().url]);
        assert.equal(parsed.code, 1);
        assert.match(parsed.stderr.split('\n')[0]!, /parse\.sql:4:12: PARSE_SYNTAX_ERROR Syntax error at or near '='/);
        const missing = join(folder, 'missing.sql');
        writeFileSync(missing, 'SELECT 1;\n\nSELECT * FROM no_such_table');
        const notFound = await cli(['sql', '--file', missing, '--remote', testServer().url]);
        assert.match(
          notFound.stderr.split('\n')[0]!,
          /missing\.sql:3:15: TABLE_OR_VIEW_NOT_FOUND The table or view `no_such_table` cannot be found/,
        );
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('binds --param values as typed literals: a date, a decimal, a string with a quote, a timestamp', async () => {
      const result = await cli([
        'sql',
        'SELECT :d AS d, typeof(:d) AS dt, :n AS n, typeof(:n) AS nt, :s AS s, :t AS t, typeof(:t) AS tt',
        '--param',
        'd=2024-02-29',
        '--param',
        'n=12.50',
        '--param',
        "s='it''s; not -- SQL'",
        '--param',
        't=2024-01-02 03:04:05.123456',
        '--remote',
        testServer().url,
        '--format',
        'json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), [
        {
          d: '2024-02-29',
          dt: 'date',
          n: '12.50',
          nt: 'decimal(4,2)',
          s: "it's; not -- SQL",
          t: '2024-01-02T03:04:05.123456',
          tt: 'timestamp_ntz',
        },
      ]);
    });
  });

  it('exits 3 with a sentence when the server is unreachable or the token is wrong', async () => {
    const port = await freePort();
    const unreachable = await cli(['sql', 'SELECT 1', '--remote', `sc://127.0.0.1:${port}`], {});
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, new RegExp(`Cannot reach the Spark server at 127.0.0.1:${port}`));
    const wrongToken = await cli(['sql', 'SELECT 1', '--remote', `sc://127.0.0.1:${testServer().port}/;token=wrong`]);
    assert.equal(wrongToken.code, 3);
    assert.match(wrongToken.stderr, /rejected the token/);
    assert.ok(!wrongToken.stderr.includes('wrong'), 'the token is not echoed');
  });

  it('exits 2 and names the bad part of a malformed URL', async () => {
    const result = await cli(['sql', 'SELECT 1', '--remote', 'sc://localhost:99999']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid --remote URL \(port\): '99999' is not a valid port/);
  });

  it('reports the local server status', async () => {
    const running = await cli(['server', 'status', '--port', String(testServer().port), '--json']);
    assert.equal(running.code, 0);
    assert.equal(JSON.parse(running.stdout).state, 'running');
    assertCliSchema('server', JSON.parse(running.stdout));
    const stopped = await cli(['server', 'status', '--port', String(await freePort())]);
    assert.equal(stopped.code, 3);
    assert.equal(stopped.stdout, 'stopped\n');
  });

  it('lists the servers of the shared runtime home, joins a running one on start, and names the program holding a port', async () => {
    const listed = await cli(['server', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const servers = JSON.parse(listed.stdout) as { port: number; state: string; pid: number }[];
    assertCliSchema('server', servers);
    const ours = servers.find((s) => s.port === testServer().port);
    assert.deepEqual([ours?.state, ours?.pid], ['running', testServer().pid], listed.stdout);
    const table = await cli(['server', 'list']);
    assert.match(table.stdout, new RegExp(`^${testServer().port}\\s+running\\s+${testServer().pid}\\s+4\\.2\\.1`, 'm'));
    assert.match(table.stdout, /Stop one with: spark-workbench server stop --port PORT/);
    // The server another process started (here the test runner, as the editor would) is used, not restarted.
    const started = Date.now();
    const joined = await cli(['server', 'start', '--port', String(testServer().port)]);
    assert.equal(joined.code, 0, joined.stderr);
    assert.match(joined.stdout, new RegExp(`^sc://127\\.0\\.0\\.1:${testServer().port}/`));
    assert.ok(Date.now() - started < 15_000, 'no new server was started');
    // A port some other program holds is named as such.
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      const refused = await cli(['server', 'start', '--port', String(port)]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use by another program`));
    } finally {
      other.close();
    }
  });

  it("a pipeline's graph error keeps Spark's error class and is put at each definition it names", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sw-cli-graph-'));
    try {
      mkdirSync(join(folder, 'transformations'));
      writeFileSync(
        join(folder, 'spark-pipeline.yml'),
        `name: two_flows\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: ${schemaOf('cli_graph')}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
      );
      writeFileSync(
        join(folder, 'transformations', 'flows.sql'),
        'CREATE MATERIALIZED VIEW target AS SELECT 1 AS id;\n\nCREATE FLOW second_flow AS INSERT INTO target BY NAME SELECT 2 AS id;\n',
      );
      const result = await cli(['pipeline', 'run', folder, '--remote', testServer().url]);
      assert.equal(result.code, 1, result.stderr);
      const file = join(folder, 'transformations', 'flows.sql');
      const located = result.stderr.split('\n').filter((line) => line.startsWith(file));
      assert.deepEqual(
        located.map((line) => line.slice(file.length).split(' error ')[0]),
        [':1:1:', ':3:1:'],
        result.stderr,
      );
      assert.ok(located.every((line) => line.includes('error [MATERIALIZED_VIEW_WITH_MULTIPLE_QUERIES] Invalid destination')));
      assert.match(result.stderr, /Run failed in [\d.]+ s: \[MATERIALIZED_VIEW_WITH_MULTIPLE_QUERIES\] Invalid destination/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a pipeline run with Python definitions exits when done, even when its helper was still being installed as the run asked for it twice', async () => {
    // A runtime home whose pyspark is installed but whose helper packages are not marked installed yet:
    // the warm-up and the registration both wait for the helper's install, at the same time.
    const home = mkdtempSync(join(tmpdir(), 'sw-cli-home-'));
    const folder = mkdtempSync(join(tmpdir(), 'sw-cli-python-'));
    try {
      mkdirSync(join(home, 'pyspark-4.2.1'));
      writeFileSync(
        join(home, 'pyspark-4.2.1', 'installed.json'),
        readFileSync(join(runtimeDir(), 'pyspark-4.2.1', 'installed.json')),
      );
      mkdirSync(join(folder, 'transformations'));
      writeFileSync(
        join(folder, 'spark-pipeline.yml'),
        `name: python_run\nstorage: ${pathToFileURL(join(folder, 'storage')).href}\ndatabase: ${schemaOf('cli_python')}\nlibraries:\n  - glob:\n      include: transformations/**\n`,
      );
      writeFileSync(
        join(folder, 'transformations', 'numbers.py'),
        'from pyspark import pipelines as dp\n\n\n@dp.materialized_view\ndef numbers():\n    return spark.range(5)  # noqa: F821\n',
      );
      const started = Date.now();
      const result = await Promise.race([
        cli(['pipeline', 'run', folder, '--remote', testServer().url], { SPARK_WORKBENCH_HOME: home }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the CLI did not exit within 150 s')), 150_000)),
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /numbers\s+materializedView\s+completed\s+5/);
      console.log(`      ran and exited in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('chart', () => {
    let folder: string;
    before(() => (folder = mkdtempSync(join(tmpdir(), 'sw-chart-'))));
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('draws the suggested chart of a large result as SVG, aggregated in Spark', async () => {
      const out = join(folder, 'revenue.svg');
      const query =
        "SELECT concat('r', CAST(id % 4 AS STRING)) AS region, CAST(id % 10 AS DOUBLE) AS amount FROM range(0, 200000, 1, 2)";
      const result = await cli(['chart', query, '--remote', testServer().url, '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^Aggregated in Spark from 200,000 rows \(4 fetched\)\. Wrote /);
      const svg = readFileSync(out, 'utf8');
      assert.match(svg, /^<svg /);
      // The suggested bar chart: the sum per region, largest first; every region holds 50,000 rows.
      const bars = [...svg.matchAll(/aria-label="region: (r\d); Sum of amount: ([\d,]+)"/g)].map((m) => [m[1], m[2]]);
      assert.deepEqual(bars.sort(), [
        ['r0', '200000'],
        ['r1', '250000'],
        ['r2', '200000'],
        ['r3', '250000'],
      ]);
    });

    it('draws a spec from a file over a small result from its rows, and writes nothing on failure', async () => {
      const spec = join(folder, 'spec.json');
      writeFileSync(
        spec,
        JSON.stringify({
          mark: 'point',
          encoding: { x: { field: 'id', type: 'quantitative' }, y: { field: 'sq', type: 'quantitative' } },
        }),
      );
      const out = join(folder, 'points.svg');
      const ok = await cli([
        'chart',
        'SELECT id, id * id AS sq FROM range(5)',
        '--spec',
        spec,
        '--remote',
        testServer().url,
        '--out',
        out,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stderr, /^Drawn from all 5 rows\./);
      assert.equal([...readFileSync(out, 'utf8').matchAll(/aria-roledescription="point"/g)].length, 5);

      const big = await cli([
        'chart',
        'SELECT id, id * id AS sq FROM range(50000)',
        '--spec',
        spec,
        '--remote',
        testServer().url,
        '--out',
        join(folder, 'big.svg'),
      ]);
      assert.equal(big.code, 1);
      assert.match(big.stderr, /cannot be aggregated in Spark \(the chart draws one mark per row/);
      const bad = await cli([
        'chart',
        'SELECT id FROM range(5) WHERE id = = 1',
        '--remote',
        testServer().url,
        '--out',
        join(folder, 'bad.svg'),
      ]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /PARSE_SYNTAX_ERROR[\s\S]*--> line 1, column 36/);
      assert.deepEqual(
        readdirSync(folder).sort(),
        ['points.svg', 'revenue.svg', 'spec.json'],
        'no partial or failed output is left',
      );
    });
  });
});
