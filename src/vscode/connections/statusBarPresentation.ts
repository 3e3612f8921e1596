import { SparkError } from '../../core/connect/sparkError.js';
import type { ConnectionState } from '../../core/session/connectionManager.js';
import type { StatusBarPresentation } from '../host/workbenchHost.js';
import { COMMANDS } from '../commandIds.js';

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
        command: COMMANDS.connection.connect,
        isError: false,
      };
    case 'starting':
    case 'connecting':
      return {
        text: `$(loading~spin) Spark: ${state.profile.name}`,
        tooltip: state.kind === 'starting' ? state.detail : `Connecting to ${state.profile.name}…`,
        command: COMMANDS.logs.show,
        isError: false,
      };
    case 'connected':
      if (state.retry)
        return {
          text: `$(sync~spin) Spark: Reconnecting… (${state.retry.attempt} of ${state.retry.maxRetries})`,
          tooltip: `${state.profile.name} at ${state.endpoint} does not answer (${state.retry.reason}); retrying. Cancel the run to stop waiting.`,
          command: COMMANDS.logs.show,
          isError: false,
        };
      return {
        text: `$(zap) Spark ${state.sparkVersion.text}: ${state.profile.name}${state.profile.environment?.production ? ' (production)' : ''}`,
        tooltip: {
          markdown: `Connected to **${state.profile.name}** at \`${state.endpoint}\`\n\nSpark ${state.sparkVersion.text}, session \`${state.sessionId}\`${state.namespace ? `\n\nCurrent schema \`${state.namespace.catalog}.${state.namespace.schema}\`` : ''}\n\nClick to switch connection.`,
        },
        command: COMMANDS.connection.switch,
        isError: false,
      };
    case 'error':
      if (state.error instanceof SparkError && state.error.kind === 'serverStopped')
        return {
          text: `$(debug-stop) Spark: ${state.profile.name} stopped`,
          tooltip: `${state.error.message}\n\nClick to restart it.`,
          command: COMMANDS.localSpark.restart,
          isError: true,
        };
      return {
        text: `$(error) Spark: ${state.profile.name}`,
        tooltip: `${state.error.message}\n\nClick to reconnect.`,
        command: COMMANDS.connection.connect,
        isError: true,
      };
  }
}
