import type { ConnectionState } from '../../core/session/connectionManager.js';
import type { StatusBarPresentation } from '../host/workbenchHost.js';

/**
 * The connection's health at a glance: disconnected, starting, connected (with the Spark version) or
 * error; clicking does the one useful thing for that state.
 */
export function statusBarPresentation(state: ConnectionState): StatusBarPresentation {
  switch (state.kind) {
    case 'disconnected':
      return {
        text: '$(debug-disconnect) Spark',
        tooltip: 'Not connected to Spark. Click to connect.',
        command: 'sparkWorkbench.connection.connect',
        isError: false,
      };
    case 'starting':
    case 'connecting':
      return {
        text: `$(loading~spin) Spark: ${state.profile.name}`,
        tooltip: state.kind === 'starting' ? state.detail : `Connecting to ${state.profile.name}…`,
        command: 'sparkWorkbench.logs.show',
        isError: false,
      };
    case 'connected':
      return {
        text: `$(zap) Spark ${state.sparkVersion.text}: ${state.profile.name}`,
        tooltip: {
          markdown: `Connected to **${state.profile.name}** at \`${state.endpoint}\`\n\nSpark ${state.sparkVersion.text}, session \`${state.sessionId}\`\n\nClick to switch connection.`,
        },
        command: 'sparkWorkbench.connection.switch',
        isError: false,
      };
    case 'error':
      return {
        text: `$(error) Spark: ${state.profile.name}`,
        tooltip: `${state.error.message}\n\nClick to reconnect.`,
        command: 'sparkWorkbench.connection.connect',
        isError: true,
      };
  }
}
