import type { ConnectionManager } from '../../core/session/connectionManager.js';
import type { Disposable } from '../../core/util/events.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/**
 * Says when a new Spark session replaced the window's earlier one: a run after Disconnect connects
 * again on its own, and what the earlier session held (temporary views, variables, the current schema)
 * is gone without it.
 */
export function announceNewSessions(
  host: Pick<WorkbenchHost, 'showInformationMessage'>,
  connections: Pick<ConnectionManager, 'onDidSessionStart'>,
): Disposable {
  return connections.onDidSessionStart(({ profile }) => {
    host
      .showInformationMessage(
        `A new Spark session on ${profile.name}: the temporary views, variables and current schema of the earlier session are gone.`,
      )
      .catch(() => undefined);
  });
}
