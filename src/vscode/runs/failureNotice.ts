import { explainFailure } from '../../core/connect/failureExplanation.js';
import { SparkError } from '../../core/connect/sparkError.js';
import type { ConnectionProfile } from '../../core/session/connectionManager.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import { BUILT_IN_COMMANDS, COMMANDS } from '../commandIds.js';

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
 * What to tell the user about a failure, with the action that fixes it first: a local server that
 * stopped offers to restart it; an unreachable server offers to start the local one (for the local
 * profile) and to edit the connection; a missing or rejected token offers to set it; a missing Java or
 * Python opens the local server's settings; a failure Spark words badly is explained (its own words
 * stay in the log); every notice offers the logs. A cancellation is no failure.
 */
export function failureNotice(error: unknown, profile: ConnectionProfile | undefined): FailureNotice | undefined {
  if (error instanceof SparkError && error.kind === 'cancelled') return undefined;
  let message = error instanceof Error ? error.message : String(error);
  const actions: FailureAction[] = [];
  if (error instanceof SparkError && error.kind === 'serverStopped') {
    // The sentence only: the server's log lines are in the log the last action opens.
    message = message.split('\n')[0]!;
    if (message.startsWith('Local Spark was stopped'))
      actions.push({ title: 'Start Local Spark', command: COMMANDS.localSpark.start, args: [] });
    else actions.push({ title: 'Restart Local Spark', command: COMMANDS.localSpark.restart, args: [] });
  } else if (error instanceof SparkError && (error.kind === 'spark' || error.kind === 'other') && explainFailure(error)) {
    const explanation = explainFailure(error)!;
    message = `${explanation.title}: ${explanation.advice}`;
    if (profile?.kind === 'local' && explanation.title === 'Spark shut down')
      actions.push({ title: 'Restart Local Spark', command: COMMANDS.localSpark.restart, args: [] });
  } else if (error instanceof SparkError && error.kind === 'unavailable') {
    if (profile?.kind === 'local') actions.push({ title: 'Start Local Spark', command: COMMANDS.localSpark.start, args: [] });
    actions.push({ title: 'Edit Connection', command: COMMANDS.connection.edit, args: [] });
  } else if (error instanceof SparkError && error.kind === 'unauthenticated') {
    actions.push({ title: 'Set Token', command: COMMANDS.connection.setToken, args: profile ? [profile.name] : [] });
  } else if (error instanceof Error && error.name === 'PortInUseError') {
    // Another program holds the local server's port: one click moves Local Spark to a free one.
    actions.push({ title: 'Use a Free Port', command: COMMANDS.localSpark.useFreePort, args: [] });
  } else if (error instanceof Error && error.name === 'UnsupportedPlatformError') {
    // Local Spark or Python on a platform they do not run on: a server elsewhere is the way on.
    actions.push({ title: 'Switch Connection', command: COMMANDS.connection.switch, args: [] });
    actions.push({ title: 'Edit Connections', command: COMMANDS.connection.edit, args: [] });
  } else if (error instanceof Error && error.name === 'PrerequisiteError') {
    // A missing or wrong Java or Python for the local server: its settings are where that is fixed.
    // (By name: the error class lives in the engine bundle, loaded apart from this one.)
    actions.push({
      title: 'Local Spark Settings',
      command: BUILT_IN_COMMANDS.openSettings,
      args: ['sparkWorkbench.localSpark'],
    });
  }
  actions.push({ title: 'Show Logs', command: COMMANDS.logs.show, args: [] });
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
