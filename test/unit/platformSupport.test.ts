import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSparkServer } from '../../src/core/localSpark/localSparkServer.js';
import { assertLocalRuntimeSupported, UnsupportedPlatformError } from '../../src/core/localSpark/platformSupport.js';
import { SparkRuntimeInstaller, type SparkRuntime } from '../../src/core/localSpark/sparkRuntime.js';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';
import { failureNotice } from '../../src/vscode/runs/failureNotice.js';

const WINDOWS = /needs Linux, macOS or WSL; this is Windows\. Open the folder in WSL, or connect to a Spark Connect server/;

describe('platforms', () => {
  it('the local runtime runs on Linux and macOS; elsewhere it says what to do instead', () => {
    assert.doesNotThrow(() => assertLocalRuntimeSupported('Local Spark', 'linux'));
    assert.doesNotThrow(() => assertLocalRuntimeSupported('Local Spark', 'darwin'));
    assert.throws(
      () => assertLocalRuntimeSupported('Local Spark', 'win32'),
      (error: unknown) => error instanceof UnsupportedPlatformError && WINDOWS.test(error.message),
    );
  });

  it('on Windows, Local Spark, its install and the Python helper refuse before spawning anything, never with a raw spawn error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-platform-'));
    const runtime: SparkRuntime = {
      pysparkVersion: '4.2.1',
      sparkHome: join(dir, 'nowhere'),
      pythonExecutable: join(dir, 'nowhere', 'python'),
    };
    await assert.rejects(
      new LocalSparkServer(dir, () => undefined, 'win32').start(runtime, { port: 1 }),
      /^UnsupportedPlatformError: Local Spark needs Linux, macOS or WSL/,
    );
    await assert.rejects(new SparkRuntimeInstaller(dir, () => undefined, '4.2.1', 'win32').ensureInstalled(), WINDOWS);
    const helper = new PythonHelper({
      python: join(dir, 'no-python.exe'),
      script: 'helper.py',
      log: () => undefined,
      platform: 'win32',
    });
    await assert.rejects(
      helper.request('ping', {}),
      /^UnsupportedPlatformError: The Python helper \(Python cells and definitions\) needs Linux, macOS or WSL/,
    );
    helper.dispose();
  });

  it("the notice offers another connection, not the local server's settings", () => {
    const notice = failureNotice(new UnsupportedPlatformError('Local Spark needs Linux, macOS or WSL; this is Windows.'), {
      kind: 'local',
      name: 'Local Spark',
      port: 15002,
    });
    assert.deepEqual(
      notice?.actions.map((a) => a.title),
      ['Switch Connection', 'Edit Connections', 'Show Logs'],
    );
  });
});
