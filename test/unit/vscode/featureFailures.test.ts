import assert from 'node:assert/strict';
import { DeclarationDiagnostics } from '../../../src/vscode/quality/declarationDiagnostics.js';
import { FeatureFailures, reportingCommandFailures } from '../../../src/vscode/runs/featureFailures.js';
import { FakeHost } from './fakeHost.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordingLog() {
  const lines: string[] = [];
  return { lines, error: (message: string) => void lines.push(message) };
}

describe('failures of a feature', () => {
  it('are logged with their stack and shown once per message, with Show Logs', async () => {
    const host = new FakeHost();
    const log = recordingLog();
    const failures = new FeatureFailures(host, log);
    failures.report('Checking data-quality declarations', new TypeError('parseQualityFile is not a function'));
    failures.report('Checking data-quality declarations', new TypeError('parseQualityFile is not a function'));
    await host.settled();
    assert.equal(log.lines.length, 2);
    assert.match(
      log.lines[0]!,
      /Checking data-quality declarations failed: TypeError: parseQualityFile is not a function\n\s+at /,
    );
    const shown = host.messagesOf('error');
    assert.equal(shown.length, 1);
    assert.equal(
      shown[0]!.text,
      'Spark Workbench: Checking data-quality declarations failed: parseQualityFile is not a function',
    );
    assert.deepEqual(shown[0]!.actions, ['Show Logs']);
  });

  it('of a command are reported, not thrown at VS Code or the code action that ran it', async () => {
    const host = new FakeHost();
    host.answerMessage = () => 'Show Logs';
    const log = recordingLog();
    const reporting = reportingCommandFailures(host, new FeatureFailures(host, log));
    reporting.registerCommand('sparkWorkbench.quality.check', () => {
      throw new TypeError('engine.parseQualityFile is not a function');
    });
    assert.equal(await host.run('sparkWorkbench.quality.check'), undefined);
    await host.settled();
    assert.match(
      host.messagesOf('error')[0]!.text,
      /sparkWorkbench\.quality\.check failed: engine\.parseQualityFile is not a function/,
    );
    assert.ok(host.executed.some((c) => c.id === 'sparkWorkbench.logs.show'));
    assert.equal(log.lines.length, 1);
  });

  it('of the as-you-type quality check reach the reporter (an engine without the function)', async () => {
    const host = new FakeHost();
    const reported: unknown[] = [];
    const broken = async () => ({}) as never;
    const diagnostics = new DeclarationDiagnostics(host, broken, (error) => reported.push(error));
    host.openEditor('file:///w/spark-quality.yml', 'datasets:\n  orders:\n    - not_nul: id\n', 0, undefined, 'yaml');
    await sleep(20);
    assert.equal(reported.length, 1);
    assert.match(String(reported[0]), /TypeError/);
    diagnostics.dispose();
  });
});
