import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';

/** A stand-in helper speaking the same JSON lines: `hang` never answers, `exit` ends the process. */
const STAND_IN = `
import json, os, sys
for line in sys.stdin:
    request = json.loads(line)
    if request["method"] == "hang":
        continue
    if request["method"] == "exit":
        os._exit(3)
    print(json.dumps({"id": request["id"], "result": {"pid": os.getpid(), "echo": request["params"]}}), flush=True)
`;

function standIn(timeoutsMs?: Partial<Record<string, number>>): PythonHelper {
  const dir = mkdtempSync(join(tmpdir(), 'sw-helper-'));
  const script = join(dir, 'stand_in.py');
  writeFileSync(script, STAND_IN);
  return new PythonHelper({ python: 'python3', script, log: () => undefined, timeoutsMs });
}

describe('the Python helper process', () => {
  it('bounds a request: one not answered in time ends the process, the next request gets a new one', async () => {
    const helper = standIn({ hang: 300 });
    try {
      const first = await helper.request<{ pid: number }>('ping', {});
      await assert.rejects(helper.request('hang', {}), /did not answer hang within 0.3 s; its process was ended/);
      const next = await helper.request<{ pid: number }>('ping', {});
      assert.notEqual(next.pid, first.pid);
    } finally {
      helper.dispose();
    }
  });

  it('writes one request at a time: a later one waits its turn, and an abort while waiting drops only it', async () => {
    const helper = standIn({ hang: 500 });
    try {
      const hung = helper.request('hang', {});
      const aborted = new AbortController();
      const dropped = helper.request('ping', { n: 1 }, aborted.signal);
      const kept = helper.request<{ echo: { n: number } }>('ping', { n: 2 });
      aborted.abort();
      await assert.rejects(dropped, /stopped/);
      await assert.rejects(hung, /did not answer/);
      assert.deepEqual((await kept).echo, { n: 2 });
    } finally {
      helper.dispose();
    }
  });

  it('a process that dies under a request fails that request only, with its exit code; nothing is thrown', async () => {
    const helper = standIn();
    try {
      await assert.rejects(helper.request('exit', {}), /stopped \(exit code 3\)/);
      assert.deepEqual((await helper.request<{ echo: unknown }>('ping', { again: true })).echo, { again: true });
    } finally {
      helper.dispose();
    }
  });

  it('refuses what cannot be sent, and everything after dispose', async () => {
    const helper = standIn();
    await assert.rejects(helper.request('ping', { big: 1n } as object), /cannot be sent to Python/);
    helper.dispose();
    await assert.rejects(helper.request('ping', {}), /closed/);
  });
});
