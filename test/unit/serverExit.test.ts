import assert from 'node:assert/strict';
import {
  describeServerExit,
  describeServerExitWithLog,
  exitFromStatus,
  logSaysOutOfMemory,
  relevantLogLines,
  type LocalServerExit,
} from '../../src/core/localSpark/serverExit.js';

const exit = (overrides: Partial<LocalServerExit>): LocalServerExit => ({
  port: 15002,
  pid: 4242,
  requested: false,
  outOfMemory: false,
  logLines: [],
  logFile: '/tmp/server-15002.log',
  ...overrides,
});

describe('how the local server ended', () => {
  it('reads a shell exit status: 128 + N is signal N, anything else an exit code', () => {
    assert.deepEqual(exitFromStatus(137), { signal: 9 });
    assert.deepEqual(exitFromStatus(143), { signal: 15 });
    assert.deepEqual(exitFromStatus(52), { code: 52 });
    assert.deepEqual(exitFromStatus(0), { code: 0 });
    assert.deepEqual(exitFromStatus(undefined), {});
  });

  it('names the signal, or the exit code with what Spark means by it', () => {
    assert.match(
      describeServerExit(exit({ signal: 9 })),
      /^Local Spark stopped \(killed by signal 9, SIGKILL\)\. Something outside Spark/,
    );
    assert.equal(describeServerExit(exit({ signal: 15 })), 'Local Spark stopped (killed by signal 15, SIGTERM).');
    assert.match(
      describeServerExit(exit({ code: 52, outOfMemory: true })),
      /^Local Spark stopped \(exit code 52: out of memory\)\./,
    );
    assert.equal(describeServerExit(exit({ code: 1 })), 'Local Spark stopped (exit code 1).');
    assert.equal(describeServerExit(exit({})), 'Local Spark stopped (its process ended).');
    assert.equal(describeServerExit(exit({ requested: true, signal: 15 })), 'Local Spark was stopped.');
  });

  it('an OutOfMemoryError names the setting that raises the driver memory', () => {
    const text = describeServerExit(exit({ code: 52, outOfMemory: true }));
    assert.match(text, /java\.lang\.OutOfMemoryError/);
    assert.match(text, /sparkWorkbench\.localSpark\.driverMemory/);
    assert.match(text, /--driver-memory/);
  });

  it('keeps the last lines of the log that report a failure, and shows them after the sentence', () => {
    const log = [
      '26/12/02 10:00:00 WARN NativeCodeLoader: Unable to load native-hadoop library',
      '26/12/02 10:00:01 INFO Something: fine',
      '26/12/02 10:00:02 ERROR SparkUncaughtExceptionHandler: Uncaught exception in thread Thread[#80,Executor task launch worker]',
      'java.lang.OutOfMemoryError: Java heap space',
      '\tat java.base/java.util.Arrays.copyOf(Arrays.java:3541)',
      '',
    ].join('\n');
    assert.ok(logSaysOutOfMemory(log));
    assert.ok(!logSaysOutOfMemory('26/12/02 WARN all good'));
    const lines = relevantLogLines(log);
    assert.deepEqual(lines, [
      '26/12/02 10:00:02 ERROR SparkUncaughtExceptionHandler: Uncaught exception in thread Thread[#80,Executor task launch worker]',
      'java.lang.OutOfMemoryError: Java heap space',
    ]);
    const text = describeServerExitWithLog(exit({ code: 52, outOfMemory: true, logLines: lines }));
    assert.match(text, /\nLast lines of its log \(\/tmp\/server-15002\.log\):\n {2}26\/12\/02 10:00:02 ERROR/);
    assert.equal(relevantLogLines(Array.from({ length: 20 }, (_, i) => `ERROR ${i}`).join('\n')).length, 5, 'at most five');
    const uiNoise = [
      '26/12/02 07:03:28 ERROR ServerRuntime$Responder: Error while closing the output stream in order to commit response.',
      'java.io.UncheckedIOException: org.sparkproject.jetty.io.EofException: Broken pipe',
      'Killed',
    ].join('\n');
    assert.deepEqual(relevantLogLines(uiNoise), ['Killed'], "the UI's web server complaining about a closed client is left out");
  });
});
