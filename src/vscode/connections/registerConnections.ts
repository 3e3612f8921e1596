import { ConnectionView } from '../views/connectionView.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { ConnectionCommands } from './connectionCommands.js';
import { ConnectionStatusBar } from './connectionStatusBar.js';
import type { SecretTokenStore } from './secretTokenStore.js';
import { announceNewSessions } from './sessionNotices.js';

/**
 * Connections: the status bar item, the Connection view, the connect/local-server commands, the notice
 * of a new session. Returns what the window does on exit: a local server this window started is
 * stopped with it (unless the user keeps it); one the CLI or another window started keeps running.
 */
export function registerConnections(
  ctx: WorkbenchContext,
  tokens: Pick<SecretTokenStore, 'set'>,
): { readonly stopLocalOnExit: () => Promise<void> } {
  const { host, log, connections, settings, localServer, own } = ctx;
  own(new ConnectionStatusBar(host, connections));
  own(announceNewSessions(host, connections));
  own(new ConnectionCommands(host, connections, settings.connection, tokens, log));
  const view = own(new ConnectionView(host, connections, localServer, () => settings.connection.localPort()));
  own(host.registerTree('sparkWorkbench.connection', view));
  return {
    stopLocalOnExit: async () => {
      const profile = connections.state.profile;
      if (profile?.kind !== 'local' || !settings.get('localSpark.stopOnExit')) return;
      if (localServer.readState(profile.port)?.owner !== ctx.owner) return;
      await localServer.stop(profile.port);
    },
  };
}
