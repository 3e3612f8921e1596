import { SparkError } from '../../core/connect/sparkError.js';
import type { LocalServerStatus } from '../../core/localSpark/localSparkServer.js';
import type { ConnectionState } from '../../core/session/connectionManager.js';
import { COMMANDS } from '../commandIds.js';
import type { TreeItemDescription } from '../host/workbenchHost.js';

/** One line of the Connection view: a label, its value, and a codicon. */
export interface ConnectionRow {
  readonly label: string;
  readonly value: string;
  readonly icon: string;
  /** What clicking the row runs (the ways on from a failure). */
  readonly command?: { readonly id: string; readonly args: readonly unknown[] };
}

/** A server that has not answered for this long since it started is not starting any more. */
const START_MS = 180_000;

/**
 * Which connection, its status, the server's version and session id when connected, and the local
 * server's state. Nothing while disconnected: the welcome view takes over.
 */
export function connectionRows(state: ConnectionState, local: LocalServerStatus, now = Date.now()): ConnectionRow[] {
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
    if (state.namespace)
      rows.push({
        label: 'Current schema',
        value: `${state.namespace.catalog}.${state.namespace.schema}`,
        icon: 'database',
      });
  } else if (state.kind === 'error') {
    const stopped = state.error instanceof SparkError && state.error.kind === 'serverStopped';
    rows.push({
      label: 'Status',
      value: stopped ? state.error.message.split('\n')[0]! : `failed: ${state.error.message}`,
      icon: stopped ? 'debug-stop' : 'error',
    });
    // The ways on stay in sight: the welcome view with its buttons shows only while disconnected.
    if (state.profile.kind === 'local' && state.error.name === 'PortInUseError')
      rows.push({
        label: 'Use a free port',
        value: 'move Local Spark to a free port and start it',
        icon: 'arrow-swap',
        command: { id: COMMANDS.localSpark.useFreePort, args: [] },
      });
    rows.push({
      label: state.profile.kind === 'local' ? 'Start Local Spark' : 'Retry',
      value: state.profile.kind === 'local' ? `on 127.0.0.1:${state.profile.port}` : `connect to ${state.profile.name} again`,
      icon: 'debug-restart',
      command: { id: COMMANDS.connection.connect, args: [state.profile.name] },
    });
    rows.push({
      label: 'Switch connection',
      value: 'another server…',
      icon: 'plug',
      command: { id: COMMANDS.connection.switch, args: [] },
    });
  } else {
    rows.push({ label: 'Status', value: state.kind === 'starting' ? state.detail : 'connecting…', icon: 'loading~spin' });
  }
  rows.push({
    label: 'Local Spark',
    ...localServerWords(local, now),
    icon: local.state === 'running' ? 'vm-running' : 'vm-outline',
  });
  return rows;
}

/** The local server's state as it is: running, starting (not answering yet), not answering, stopped. */
function localServerWords(local: LocalServerStatus, now: number): { value: string } {
  if (local.state === 'running') return { value: `running on 127.0.0.1:${local.server.port} (pid ${local.server.pid})` };
  if (local.state === 'stopped') return { value: 'stopped' };
  const starting = now - Date.parse(local.server.startedAt) < START_MS;
  return {
    value: starting
      ? `starting on 127.0.0.1:${local.server.port}`
      : `not answering on 127.0.0.1:${local.server.port} (pid ${local.server.pid})`,
  };
}

export function connectionRowItem(row: ConnectionRow): TreeItemDescription {
  return {
    label: row.label,
    description: row.value,
    tooltip: `${row.label}: ${row.value}`,
    icon: row.icon,
    ...(row.command ? { command: { id: row.command.id, args: row.command.args, title: row.label } } : {}),
  };
}
