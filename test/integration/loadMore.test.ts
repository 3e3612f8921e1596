import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultEvent } from '../../src/core/connect/queryExecution.js';
import { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { OperationTracker, type TrackedOperation } from '../../src/core/operations/operationTracker.js';
import { OutputLog } from '../../src/vscode/outputLog.js';
import { QueryRunner, type EventVerdict } from '../../src/vscode/runs/queryRunner.js';
import { runtimeDir, testServer } from '../support/sparkTestServer.js';
import { FakeHost } from '../unit/vscode/fakeHost.js';

interface RestJob {
  readonly jobId: number;
  readonly jobTags?: readonly string[];
}

/** The Spark operations whose jobs carry this session's tag, as the server's UI recorded them. */
async function sparkOperationsOfSession(sessionId: string): Promise<Set<string>> {
  const { uiPort } = JSON.parse(readFileSync(join(runtimeDir(), 'servers', `server-${testServer().port}.json`), 'utf8')) as {
    uiPort: number;
  };
  const base = `http://127.0.0.1:${uiPort}/api/v1/applications`;
  const [app] = (await (await fetch(base)).json()) as { id: string }[];
  const jobs = (await (await fetch(`${base}/${app!.id}/jobs`)).json()) as RestJob[];
  const operations = new Set<string>();
  for (const job of jobs)
    for (const tag of job.jobTags ?? []) {
      const match = new RegExp(`Session_${sessionId}_Operation_([0-9a-f-]+)`).exec(tag);
      if (match) operations.add(match[1]!);
    }
  return operations;
}

describe('Load more reads on in the same execution', function () {
  this.timeout(120_000);
  let client: SparkConnectClient;
  let runner: QueryRunner;
  let operations: OperationTracker;
  const host = new FakeHost();

  before(() => {
    client = new SparkConnectClient(testServer().url);
    operations = new OperationTracker();
    runner = new QueryRunner(
      host,
      { client: async () => client, profile: undefined, reportFailure: () => undefined },
      operations,
      new OutputLog(host.createLogChannel('Spark Workbench')),
    );
  });
  after(async () => {
    operations.dispose();
    await client.close();
  });

  it('a non-deterministic query keeps its first rows after Load more, and Spark ran it once', async () => {
    const sql = 'SELECT id, rand() AS r FROM range(0, 200000, 1, 8)';
    const seen: { id: bigint; r: number }[] = [];
    const readRows =
      (holdAt: number) =>
      (event: ResultEvent): EventVerdict => {
        if (event.type !== 'batch') return undefined;
        for (const row of event.batch.toArray() as unknown as { id: bigint; r: number }[]) seen.push({ id: row.id, r: row.r });
        return seen.length >= holdAt ? 'hold' : undefined;
      };
    let tracked: TrackedOperation | undefined;
    const first = await runner.stream(sql, 'rand rows', {
      maxRows: 1_000_000,
      onEvent: readRows(1_000),
      onOperation: (o) => (tracked = o),
    });
    assert.equal(first.status, 'succeeded');
    assert.ok(first.held, 'the run held its execution');
    assert.equal(tracked?.held, true, 'the Operations view shows it held');
    assert.equal(tracked?.status, 'running');
    const firstRows = seen.slice();
    assert.ok(firstRows.length >= 1_000 && firstRows.length < 200_000);

    // The person reads the grid for a while; then Load more.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const rest = await first.held.resume({ onEvent: readRows(Infinity) });
    assert.equal(rest.status, 'succeeded', rest.error?.message);
    assert.equal(rest.held, undefined);
    assert.equal(tracked?.status, 'succeeded');
    assert.equal(tracked?.held, false);
    assert.equal(seen.length, 200_000, 'every row once');
    assert.deepEqual(seen.slice(0, firstRows.length), firstRows, 'the first rows are the ones shown before');
    assert.deepEqual(
      seen.map((row) => Number(row.id)),
      Array.from({ length: 200_000 }, (_, i) => i),
    );
    const ran = await sparkOperationsOfSession(client.sessionId);
    assert.deepEqual([...ran], [tracked!.sparkOperationId], 'one Spark operation for the whole result');
    assert.equal(operations.list().length, 1);
  });

  it('a held result whose panel goes away is released in Spark', async () => {
    const held = await runner.stream('SELECT id FROM range(0, 100000, 1, 4)', 'released', {
      onEvent: (event) => (event.type === 'batch' ? 'hold' : undefined),
    });
    assert.ok(held.held);
    held.held.release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const operation = operations.list().find((o) => o.title === 'released')!;
    assert.notEqual(operation.status, 'running');
    assert.equal(operation.held, false);
  });
});
