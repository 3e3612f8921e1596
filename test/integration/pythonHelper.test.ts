import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { MAX_REQUEST_BYTES, PythonHelper } from '../../src/core/python/pythonHelper.js';
import { projectRoot, runtimeDir } from '../support/sparkTestServer.js';

/** A seeded generator, so a failing line can be found again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Request lines that are not requests, or requests the helper must refuse: bad JSON, other JSON
 * values, wrong types, unknown methods, missing or odd parameters, huge and non-UTF-8 lines. None
 * names a server: a method that would connect gets parameters that fail before any connection.
 */
function badLines(count: number, seed: number): { line: Buffer; refused: boolean }[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const odd = () =>
    pick<unknown>([null, true, 0, -1, 2 ** 80, 1.5, 'text', '', [], [1, 'x'], {}, { nested: { deep: [null] } }, 'NaN', 'é☃']);
  const lines: { line: Buffer; refused: boolean }[] = [];
  for (let i = 0; i < count; i++) {
    const id = 1000 + i;
    const kind = Math.floor(next() * 12);
    let text: string;
    switch (kind) {
      case 0:
        text = `{"id": ${id}, "method": "ping"`; // cut short
        break;
      case 1:
        text = JSON.stringify(odd()); // JSON, but not an object
        break;
      case 2:
        text = JSON.stringify({ id, method: pick(['nope', 'PING', '__import__', 'exit', '', 'executeCell ']), params: {} });
        break;
      case 3:
        text = JSON.stringify({ id, method: odd(), params: {} });
        break;
      case 4:
        text = JSON.stringify({
          id,
          method: pick(['variableValues', 'forgetNotebook', 'executeCell', 'registerPipelineFiles']),
          params: odd(),
        });
        break;
      case 5:
        text = JSON.stringify({ id, method: pick(['variableValues', 'forgetNotebook', 'registerPipelineFiles']), params: {} });
        break;
      case 6:
        text = JSON.stringify({
          id,
          method: 'variableValues',
          params: { notebook: odd(), names: pick([null, 3, true, {}, [[]]]) },
        });
        break;
      case 7:
        text = `{"id": ${id}, "method": "ping", "params": {"x": NaN, "y": Infinity, "z": ${'9'.repeat(400)}}}`;
        break;
      case 8:
        text = JSON.stringify({ id: pick([null, true, 1.5, 'text', [], {}]), method: 'ping' });
        break;
      case 9:
        text = pick(['nonsense', '{{{', '"unterminated', '{"id": 1, "method": }', '\u0000\u0001']);
        break;
      case 10:
        // A long but valid request: answered with a result.
        text = JSON.stringify({ id, method: 'forgetNotebook', params: { notebook: 'x'.repeat(Math.floor(next() * 200_000)) } });
        break;
      default:
        text = JSON.stringify({ id, method: 'connect', params: { remote: odd() } });
    }
    lines.push({ line: Buffer.from(`${text}\n`), refused: kind !== 10 });
  }
  // Bytes that are not UTF-8, and a line longer than the helper takes.
  lines.splice(17, 0, {
    line: Buffer.concat([Buffer.from('{"id": 5, "method": "'), Buffer.from([0xff, 0xfe, 0x0a])]),
    refused: true,
  });
  lines.splice(101, 0, {
    line: Buffer.from(`{"id": 6, "method": "forgetNotebook", "params": {"notebook": "${'y'.repeat(MAX_REQUEST_BYTES + 10)}"}}\n`),
    refused: true,
  });
  return lines;
}

describe('the Python helper, given bad requests', function () {
  this.timeout(180_000);
  let python: string;
  const script = join(projectRoot(), 'python', 'spark_workbench_helper.py');

  before(async () => {
    python = (await new SparkRuntimeInstaller(runtimeDir(), () => undefined).ensureHelperPackages()).pythonExecutable;
  });

  it('answers each of 200 random bad lines with an error, keeps serving, and answers the next real request', async () => {
    const lines = badLines(200, 20261206);
    const child = spawn(python, ['-u', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    });
    const answers: unknown[] = [];
    const stderr: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
    const reader = createInterface({ input: child.stdout });
    const next = (() => {
      const waiting: ((line: string) => void)[] = [];
      const ready: string[] = [];
      reader.on('line', (line) => (waiting.length ? waiting.shift()!(line) : ready.push(line)));
      return () => new Promise<string>((resolve) => (ready.length ? resolve(ready.shift()!) : waiting.push(resolve)));
    })();
    try {
      for (const [index, { line, refused }] of lines.entries()) {
        child.stdin.write(line);
        const answer = await Promise.race([
          next(),
          new Promise<string>((_, reject) =>
            setTimeout(() => reject(new Error(`no answer to line ${index}: ${line.subarray(0, 120).toString()}`)), 30_000),
          ),
        ]);
        const parsed = JSON.parse(answer) as { id: unknown; error?: { message: string }; result?: unknown };
        answers.push(parsed);
        if (refused) {
          assert.ok(parsed.error, `line ${index} (${line.subarray(0, 120).toString()}) was refused: ${answer.slice(0, 300)}`);
          assert.equal(typeof parsed.error.message, 'string');
        } else assert.deepEqual(parsed.result, {}, answer.slice(0, 300));
      }
      assert.equal(answers.length, lines.length);
      assert.equal(child.exitCode, null, 'the helper is still running');
      child.stdin.write(`${JSON.stringify({ id: 1, method: 'ping', params: {} })}\n`);
      const ping = JSON.parse(await next()) as { id: number; result: { pyspark: string } };
      assert.equal(ping.id, 1);
      assert.equal(ping.result.pyspark, '4.2.1');
    } finally {
      child.kill('SIGKILL');
    }
    assert.ok(!stderr.some((line) => /Traceback/.test(line)), stderr.join('\n'));
  });

  it('through PythonHelper: an oversized, unsendable or unknown request fails at once, an aborted one waiting its turn leaves the process; the next is answered', async () => {
    const log: string[] = [];
    const helper = new PythonHelper({ python, script, log: (line) => log.push(line) });
    try {
      await assert.rejects(
        helper.request('forgetNotebook', { notebook: 'z'.repeat(MAX_REQUEST_BYTES) }),
        /larger than the Python helper takes/,
      );
      await assert.rejects(helper.request('forgetNotebook', { notebook: 10n } as object), /cannot be sent to Python/);
      await assert.rejects(helper.request('nope', {}), /Unknown method: nope/);
      // A request still waiting its turn behind a cell is dropped from the queue when aborted.
      const cell = helper.stream('executeCell', { remote: 'not a url', notebook: 'n', code: '' }, () => undefined);
      const aborted = new AbortController();
      const waiting = helper.request('ping', {}, aborted.signal);
      aborted.abort();
      await assert.rejects(waiting, /stopped/);
      await assert.rejects(cell, /./); // the remote cannot be joined: answered with an error, not hung
      assert.ok(helper.running, 'the process stayed');
      const ping = await helper.request<{ pyspark: string }>('ping', {});
      assert.equal(ping.pyspark, '4.2.1');
    } finally {
      helper.dispose();
    }
  });
});
