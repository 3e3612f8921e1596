import { SparkError } from '../../core/connect/sparkError.js';
import type { ConnectionProfile } from '../../core/session/connectionManager.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/** A button on a failure notification, and the command it runs. */
export interface FailureAction {
  readonly title: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

export interface FailureNotice {
  readonly message: string;
  readonly actions: readonly FailureAction[];
}

/**
 * What to tell the user about a failure, with the action that fixes it first: an unreachable server
 * offers to start the local one (for the local profile) and to edit the connection; a missing or
 * rejected token offers to set it; a missing Java or Python opens the local server's settings; every notice
 * offers the logs. A cancellation is no failure.
 */
export function failureNotice(error: unknown, profile: ConnectionProfile | undefined): FailureNotice | undefined {
  if (error instanceof SparkError && error.kind === 'cancelled') return undefined;
  const message = error instanceof Error ? error.message : String(error);
  const actions: FailureAction[] = [];
  if (error instanceof SparkError && error.kind === 'unavailable') {
    if (profile?.kind === 'local')
      actions.push({ title: 'Start Local Spark', command: 'sparkWorkbench.localSpark.start', args: [] });
    actions.push({ title: 'Edit Connection', command: 'sparkWorkbench.connection.edit', args: [] });
  } else if (error instanceof SparkError && error.kind === 'unauthenticated') {
    actions.push({ title: 'Set Token', command: 'sparkWorkbench.connection.setToken', args: profile ? [profile.name] : [] });
  } else if (error instanceof Error && error.name === 'PrerequisiteError') {
    // A missing or wrong Java or Python for the local server: its settings are where that is fixed.
    // (By name: the error class lives in the engine bundle, loaded apart from this one.)
    actions.push({
      title: 'Local Spark Settings',
      command: 'workbench.action.openSettings',
      args: ['sparkWorkbench.localSpark'],
    });
  }
  actions.push({ title: 'Show Logs', command: 'sparkWorkbench.logs.show', args: [] });
  return { message, actions };
}

/** Shows the failure as an error notification and runs the action the user picks, if any. */
export async function showFailureNotice(
  host: Pick<WorkbenchHost, 'showErrorMessage' | 'executeCommand'>,
  error: unknown,
  profile: ConnectionProfile | undefined,
): Promise<void> {
  const notice = failureNotice(error, profile);
  if (!notice) return;
  const chosen = await host.showErrorMessage(notice.message, ...notice.actions.map((a) => a.title));
  const action = notice.actions.find((a) => a.title === chosen);
  if (action) await host.executeCommand(action.command, ...action.args);
}
