import type { OperationTracker, TrackedOperation } from '../../core/operations/operationTracker.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { TreeItemDescription, TreeSource } from '../host/workbenchHost.js';
import { operationTreeItem } from './operationTreeItem.js';

/** Calls `tick` every `ms` milliseconds until disposed. */
export type Repeater = (ms: number, tick: () => void) => Disposable;

const everyInterval: Repeater = (ms, tick) => {
  const timer = setInterval(tick, ms);
  return { dispose: () => clearInterval(timer) };
};

/** Running and recent operations of this window, newest first. */
export class OperationsView implements TreeSource<TrackedOperation>, Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();
  private ticker: Disposable | undefined;

  constructor(
    private readonly operations: Pick<OperationTracker, 'list' | 'running' | 'onDidOperationChange'>,
    private readonly repeat: Repeater = everyInterval,
    private readonly now: () => number = Date.now,
  ) {
    this.disposables.add(this.changed);
    this.disposables.add(operations.onDidOperationChange(() => this.update()));
  }

  /** Repaints, and keeps a one-second tick going while anything runs, so elapsed times move. */
  private update(): void {
    this.changed.fire();
    const running = this.operations.running().length > 0;
    if (running && !this.ticker) this.ticker = this.repeat(1000, () => this.changed.fire());
    if (!running && this.ticker) {
      this.ticker.dispose();
      this.ticker = undefined;
    }
  }

  treeItem(operation: TrackedOperation): TreeItemDescription {
    return operationTreeItem(operation, this.now());
  }

  getChildren(operation?: TrackedOperation): TrackedOperation[] {
    return operation ? [] : [...this.operations.list()];
  }

  dispose(): void {
    this.ticker?.dispose();
    this.disposables.dispose();
  }
}
