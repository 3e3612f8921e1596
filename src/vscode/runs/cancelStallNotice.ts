import type { OperationTracker, TrackedOperation } from '../../core/operations/operationTracker.js';
import type { ConnectionProfile } from '../../core/session/connectionManager.js';
import type { Disposable } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import type { FailureAction, FailureNotice } from './failureNotice.js';

/**
 * What to say when Spark did not stop a cancelled operation: that its job still runs, and what can stop
 * it. Interrupt All reaches every operation of the session; only a restart ends a job whose interrupt
 * Spark lost, and that exists only for the local server.
 */
export function cancelStallNotice(
  operation: Pick<TrackedOperation, 'title'>,
  profile: ConnectionProfile | undefined,
): FailureNotice {
  const actions: FailureAction[] = [{ title: 'Interrupt All', command: COMMANDS.operations.interruptAll, args: [] }];
  if (profile?.kind === 'local') actions.push({ title: 'Restart Local Spark', command: COMMANDS.localSpark.restart, args: [] });
  actions.push({ title: 'Show Logs', command: COMMANDS.logs.show, args: [] });
  return {
    message: `Spark did not stop "${operation.title}": its job still runs on the server after two interrupts, and keeps using its cores.`,
    actions,
  };
}

/** Shows a warning for every cancelled operation Spark keeps running. */
export class CancelStallNotices implements Disposable {
  private readonly subscription: Disposable;

  constructor(
    private readonly host: Pick<WorkbenchHost, 'showWarningMessage' | 'executeCommand'>,
    operations: Pick<OperationTracker, 'onDidCancelStall'>,
    private readonly profile: () => ConnectionProfile | undefined,
    private readonly log: Pick<OutputLog, 'error'>,
  ) {
    this.subscription = operations.onDidCancelStall((operation) => {
      this.log.error(
        `Spark did not stop the cancelled operation "${operation.title}" (${operation.sparkOperationId ?? 'no id'}).`,
      );
      this.show(operation).catch((error: unknown) => this.log.error('Showing a notification', error));
    });
  }

  private async show(operation: TrackedOperation): Promise<void> {
    const notice = cancelStallNotice(operation, this.profile());
    const chosen = await this.host.showWarningMessage(notice.message, ...notice.actions.map((a) => a.title));
    const action = notice.actions.find((a) => a.title === chosen);
    if (action) await this.host.executeCommand(action.command, ...action.args);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
