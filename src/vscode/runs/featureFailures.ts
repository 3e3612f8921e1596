import { COMMANDS } from '../commandIds.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/** Where a feature's unexpected failure is written (the "Spark Workbench" log). */
export interface FailureLog {
  error(message: string, error?: unknown): void;
}

/**
 * Failures of work nobody awaits (checks as you type, background refreshes): each is logged with
 * its stack and shown once per feature and message, with Show Logs, so a broken feature is never
 * silent and typing does not stack up the same notification.
 */
export class FeatureFailures {
  private readonly shown = new Set<string>();

  constructor(
    private readonly host: Pick<WorkbenchHost, 'showErrorMessage' | 'executeCommand'>,
    private readonly log: FailureLog,
  ) {}

  report(feature: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`${feature} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
    const key = `${feature}\n${message}`;
    if (this.shown.has(key)) return;
    this.shown.add(key);
    void this.host
      .showErrorMessage(`Spark Workbench: ${feature} failed: ${message}`, 'Show Logs')
      .then((action) => (action === 'Show Logs' ? this.host.executeCommand(COMMANDS.logs.show) : undefined))
      .catch(() => undefined);
  }

  /** A callback for a promise's `catch` that reports under `feature`. */
  catcher(feature: string): (error: unknown) => void {
    return (error) => this.report(feature, error);
  }
}

/**
 * The host with every command's unexpected failure reported (logged, shown with Show Logs) instead of
 * left to VS Code's generic notice or, when run from a code action or another command, to nobody.
 */
export function reportingCommandFailures<H extends Pick<WorkbenchHost, 'registerCommand'>>(
  host: H,
  failures: FeatureFailures,
): H {
  return {
    ...host,
    registerCommand: (id, handler) =>
      host.registerCommand(id, async (...args: never[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          failures.report(`The command ${id}`, error);
          return undefined;
        }
      }),
  };
}
