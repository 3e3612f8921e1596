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

/** How often the view repaints while something runs: elapsed times move, progress shows. */
export const RUNNING_REPAINT_MS = 500;

/**
 * Running and recent operations of this window, newest first. An operation starting or finishing
 * repaints at once; progress (which Spark reports many times a second) shows at the next periodic
 * repaint, so the rows, and the cancel button under the pointer, stay still.
 */
export class OperationsView implements TreeSource<TrackedOperation>, Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();
  private ticker: Disposable | undefined;
  /** The status each running operation was last painted with. */
  private readonly painted = new Map<number, TrackedOperation['status']>();

  constructor(
    private readonly operations: Pick<OperationTracker, 'list' | 'running' | 'onDidOperationChange'>,
    private readonly repeat: Repeater = everyInterval,
    private readonly now: () => number = Date.now,
  ) {
    this.disposables.add(this.changed);
    this.disposables.add(operations.onDidOperationChange((operation) => this.update(operation)));
  }

  private update(operation: TrackedOperation | undefined): void {
    const statusChanged = !operation || this.painted.get(operation.id) !== operation.status;
    if (operation?.status === 'running') this.painted.set(operation.id, operation.status);
    else if (operation) this.painted.delete(operation.id);
    if (statusChanged) this.changed.fire();
    const running = this.operations.running().length > 0;
    if (running && !this.ticker) this.ticker = this.repeat(RUNNING_REPAINT_MS, () => this.changed.fire());
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
