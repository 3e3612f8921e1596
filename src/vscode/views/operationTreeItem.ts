import { describeProgress, type TrackedOperation } from '../../core/operations/operationTracker.js';
import type { TreeItemDescription } from '../host/workbenchHost.js';

const STATUS_ICONS: Record<TrackedOperation['status'], string> = {
  running: 'loading~spin',
  succeeded: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
};

/**
 * How an operation looks at `now`: a running one with its elapsed time and stage/task progress (and a
 * cancel button, through its context value); a finished one with its outcome, duration and rows.
 */
export function operationTreeItem(operation: TrackedOperation, now: number): TreeItemDescription {
  const elapsed = formatDuration((operation.finishedAt ?? now) - operation.startedAt);
  const running = operation.status === 'running';
  const outcome = operation.sparkStillRunning ? 'cancelled, but Spark still runs its job' : operation.status;
  return {
    label: operation.title,
    description: operation.held
      ? `held · ${operation.rows.toLocaleString('en-US')} rows read · Load more in its results reads on`
      : running
        ? [elapsed, describeProgress(operation)].filter(Boolean).join(' · ')
        : `${outcome} · ${elapsed} · ${operation.rows.toLocaleString('en-US')} rows`,
    icon: operation.sparkStillRunning ? 'warning' : operation.held ? 'debug-pause' : STATUS_ICONS[operation.status],
    contextValue: running ? 'runningOperation' : 'finishedOperation',
    tooltip: [operation.title, `on ${operation.connectionName}`, operation.error?.message].filter(Boolean).join('\n'),
    id: `operation-${operation.id}`,
  };
}

/** "850 ms", "12.3 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
