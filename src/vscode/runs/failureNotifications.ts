import * as vscode from 'vscode';
import { SparkError } from '../../core/connect/sparkError.js';
import type { ConnectionProfile } from '../../core/session/connectionManager.js';

/** A failure shown where the user can act on it: a notification with the action that fixes it. */
export async function showFailure(error: unknown, profile: ConnectionProfile | undefined): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SparkError && error.kind === 'cancelled') return;
  const actions: { title: string; command: string; args?: unknown[] }[] = [];
  if (error instanceof SparkError && error.kind === 'unavailable') {
    if (profile?.kind === 'local') actions.push({ title: 'Start Local Spark', command: 'sparkWorkbench.localSpark.start' });
    actions.push({ title: 'Edit Connection', command: 'sparkWorkbench.connection.edit' });
  } else if (error instanceof SparkError && error.kind === 'unauthenticated') {
    actions.push({ title: 'Set Token', command: 'sparkWorkbench.connection.setToken', args: profile ? [profile.name] : [] });
  }
  actions.push({ title: 'Show Logs', command: 'sparkWorkbench.logs.show' });
  const chosen = await vscode.window.showErrorMessage(message, ...actions.map((a) => a.title));
  const action = actions.find((a) => a.title === chosen);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}
