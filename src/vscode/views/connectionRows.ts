import { SparkError } from '../../core/connect/sparkError.js';
import type { LocalServerStatus } from '../../core/localSpark/localSparkServer.js';
import type { ConnectionState } from '../../core/session/connectionManager.js';
import type { TreeItemDescription } from '../host/workbenchHost.js';

/** One line of the Connection view: a label, its value, and a codicon. */
export interface ConnectionRow {
  readonly label: string;
  readonly value: string;
  readonly icon: string;
}

/**
 * Which connection, its status, the server's version and session id when connected, and the local
 * server's state. Nothing while disconnected: the welcome view takes over.
 */
export function connectionRows(state: ConnectionState, local: LocalServerStatus): ConnectionRow[] {
  if (state.kind === 'disconnected') return [];
  const rows: ConnectionRow[] = [{ label: 'Connection', value: state.profile.name, icon: 'plug' }];
  if (state.kind === 'connected') {
    rows.push(
      state.retry
        ? {
            label: 'Status',
            value: `reconnecting (retry ${state.retry.attempt} of ${state.retry.maxRetries}: ${state.retry.reason})`,
            icon: 'sync~spin',
          }
        : { label: 'Status', value: 'connected', icon: 'pass' },
    );
    rows.push({ label: 'Server', value: `Spark ${state.sparkVersion.text} at ${state.endpoint}`, icon: 'server' });
    rows.push({ label: 'Session', value: state.sessionId, icon: 'key' });
  } else if (state.kind === 'error') {
    const stopped = state.error instanceof SparkError && state.error.kind === 'serverStopped';
    rows.push({
      label: 'Status',
      value: stopped ? state.error.message.split('\n')[0]! : state.error.message,
      icon: stopped ? 'debug-stop' : 'error',
    });
  } else {
    rows.push({ label: 'Status', value: state.kind === 'starting' ? state.detail : 'connecting…', icon: 'loading~spin' });
  }
  rows.push({
    label: 'Local Spark',
    value: local.state === 'running' ? `running on 127.0.0.1:${local.server.port} (pid ${local.server.pid})` : local.state,
    icon: local.state === 'running' ? 'vm-running' : 'vm-outline',
  });
  return rows;
}

export function connectionRowItem(row: ConnectionRow): TreeItemDescription {
  return { label: row.label, description: row.value, tooltip: `${row.label}: ${row.value}`, icon: row.icon };
}
