import * as vscode from 'vscode';
import { describeProgress, type OperationTracker, type TrackedOperation } from '../../core/operations/operationTracker.js';
import { DisposableStore } from '../../core/util/events.js';

const STATUS_ICONS: Record<TrackedOperation['status'], string> = {
  running: 'loading~spin',
  succeeded: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
};

/** Running and recent operations of this window: elapsed time, stage/task progress, cancel; outcome after. */
export class OperationsView implements vscode.TreeDataProvider<TrackedOperation>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly operations: OperationTracker) {
    this.disposables.add(this.changed);
    this.disposables.add(operations.onDidOperationChange(() => this.update()));
  }

  /** Repaints, and keeps a one-second tick going while anything runs, so elapsed times move. */
  private update(): void {
    this.changed.fire();
    const running = this.operations.running().length > 0;
    if (running && !this.ticker) this.ticker = setInterval(() => this.changed.fire(), 1000);
    if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  getTreeItem(operation: TrackedOperation): vscode.TreeItem {
    const tree = new vscode.TreeItem(operation.title);
    const elapsed = formatDuration((operation.finishedAt ?? Date.now()) - operation.startedAt);
    const progress = describeProgress(operation);
    tree.description =
      operation.status === 'running'
        ? [elapsed, progress].filter(Boolean).join(' · ')
        : `${operation.status} · ${elapsed} · ${operation.rows.toLocaleString('en-US')} rows`;
    tree.iconPath = new vscode.ThemeIcon(STATUS_ICONS[operation.status]);
    tree.contextValue = operation.status === 'running' ? 'runningOperation' : 'finishedOperation';
    tree.tooltip = [operation.title, `on ${operation.connectionName}`, operation.error?.message].filter(Boolean).join('\n');
    tree.id = `operation-${operation.id}`;
    return tree;
  }

  getChildren(operation?: TrackedOperation): TrackedOperation[] {
    return operation ? [] : [...this.operations.list()];
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.disposables.dispose();
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
