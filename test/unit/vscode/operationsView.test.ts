import assert from 'node:assert/strict';
import { SparkError } from '../../../src/core/connect/sparkError.js';
import type { TrackedOperation } from '../../../src/core/operations/operationTracker.js';
import { Emitter } from '../../../src/core/util/events.js';
import { formatDuration, operationTreeItem } from '../../../src/vscode/views/operationTreeItem.js';
import { OperationsView, RUNNING_REPAINT_MS, type Repeater } from '../../../src/vscode/views/operationsView.js';

const STARTED = 1_700_000_000_000;

function operation(overrides: Partial<TrackedOperation> = {}): TrackedOperation {
  return {
    id: 7,
    title: 'SELECT * FROM sales',
    connectionName: 'Test Spark',
    startedAt: STARTED,
    finishedAt: undefined,
    status: 'running',
    sparkOperationId: 'op-1',
    rows: 0,
    stages: { done: 0, total: 0 },
    tasks: { completed: 0, total: 0, running: 0 },
    error: undefined,
    retry: undefined,
    sparkStillRunning: false,
    held: false,
    ...overrides,
  };
}

describe('operations view items', () => {
  it('a held operation says its rest waits for Load more, and can still be cancelled', () => {
    const item = operationTreeItem(operation({ held: true, rows: 10_000 }), STARTED + 5_000);
    assert.equal(item.description, 'held · 10,000 rows read · Load more in its results reads on');
    assert.equal(item.icon, 'debug-pause');
    assert.equal(item.contextValue, 'runningOperation');
  });

  it('a running operation shows elapsed time and stage, task and row progress, and can be cancelled', () => {
    const running = operation({ rows: 12_345, stages: { done: 1, total: 3 }, tasks: { completed: 14, total: 40, running: 4 } });
    assert.deepEqual(operationTreeItem(running, STARTED + 2_500), {
      label: 'SELECT * FROM sales',
      description: '2.5 s · 1 of 3 stages, 14/40 tasks, 12,345 rows',
      icon: 'loading~spin',
      contextValue: 'runningOperation',
      tooltip: 'SELECT * FROM sales\non Test Spark',
      id: 'operation-7',
    });
  });

  it('a running operation without progress yet shows only the elapsed time', () => {
    assert.equal(operationTreeItem(operation(), STARTED + 340).description, '340 ms');
  });

  it('elapsed time moves with now while running, and stops at the finish', () => {
    const running = operation();
    assert.equal(operationTreeItem(running, STARTED + 1_000).description, '1.0 s');
    assert.equal(operationTreeItem(running, STARTED + 61_000).description, '1 min 1 s');
    const done = operation({ status: 'succeeded', finishedAt: STARTED + 3_000, rows: 3 });
    assert.equal(operationTreeItem(done, STARTED + 600_000).description, 'succeeded · 3.0 s · 3 rows');
  });

  it('a finished operation shows its outcome, duration and rows, and has no cancel', () => {
    const done = operation({ status: 'succeeded', finishedAt: STARTED + 1_250, rows: 1_000_000 });
    const item = operationTreeItem(done, STARTED + 99_999);
    assert.equal(item.description, 'succeeded · 1.3 s · 1,000,000 rows');
    assert.equal(item.icon, 'pass');
    assert.equal(item.contextValue, 'finishedOperation');
  });

  it('a failed operation has the error icon and its error in the tooltip', () => {
    const error = new SparkError({ kind: 'spark', message: '[TABLE_OR_VIEW_NOT_FOUND] The table `nope` cannot be found.' });
    const failed = operation({ status: 'failed', finishedAt: STARTED + 80, error });
    const item = operationTreeItem(failed, STARTED + 100);
    assert.equal(item.description, 'failed · 80 ms · 0 rows');
    assert.equal(item.icon, 'error');
    assert.equal(item.tooltip, 'SELECT * FROM sales\non Test Spark\n[TABLE_OR_VIEW_NOT_FOUND] The table `nope` cannot be found.');
  });

  it('a cancelled operation says so, with the slashed-circle icon', () => {
    const cancelled = operation({ status: 'cancelled', finishedAt: STARTED + 4_000, rows: 10 });
    const item = operationTreeItem(cancelled, STARTED + 5_000);
    assert.equal(item.description, 'cancelled · 4.0 s · 10 rows');
    assert.equal(item.icon, 'circle-slash');
    assert.equal(item.contextValue, 'finishedOperation');
  });

  it('formats durations in ms, seconds, then minutes', () => {
    assert.deepEqual([0, 999, 1_000, 59_949, 60_000, 125_400].map(formatDuration), [
      '0 ms',
      '999 ms',
      '1.0 s',
      '59.9 s',
      '1 min 0 s',
      '2 min 5 s',
    ]);
  });
});

/** An OperationTracker's surface with operations the test sets directly. */
class FakeTracker {
  operations: TrackedOperation[] = [];
  private readonly changed = new Emitter<TrackedOperation>();
  readonly onDidOperationChange = this.changed.event;

  list(): readonly TrackedOperation[] {
    return this.operations;
  }

  running(): TrackedOperation[] {
    return this.operations.filter((o) => o.status === 'running');
  }

  change(operation: TrackedOperation): void {
    this.changed.fire(operation);
  }
}

/** A Repeater driven by hand: `tick()` fires every live timer once. */
function manualRepeater(): { repeat: Repeater; tick(): void; live(): number } {
  const timers = new Set<() => void>();
  return {
    repeat: (ms, tick) => {
      assert.equal(ms, RUNNING_REPAINT_MS);
      timers.add(tick);
      return { dispose: () => timers.delete(tick) };
    },
    tick: () => timers.forEach((tick) => tick()),
    live: () => timers.size,
  };
}

describe('operations view', () => {
  it('lists the tracked operations at the root, and nothing below them', () => {
    const tracker = new FakeTracker();
    tracker.operations = [operation({ id: 2 }), operation({ id: 1, status: 'succeeded', finishedAt: STARTED + 5 })];
    const view = new OperationsView(tracker, manualRepeater().repeat);
    assert.deepEqual(
      view.getChildren().map((o) => o.id),
      [2, 1],
    );
    assert.deepEqual(view.getChildren(tracker.operations[0]), []);
    view.dispose();
  });

  it('describes items at the time it is asked', () => {
    const tracker = new FakeTracker();
    let now = STARTED + 1_500;
    const view = new OperationsView(tracker, manualRepeater().repeat, () => now);
    assert.equal(view.treeItem(operation()).description, '1.5 s');
    now = STARTED + 2_500;
    assert.equal(view.treeItem(operation()).description, '2.5 s');
    view.dispose();
  });

  it('repaints when an operation starts or ends, periodically while something runs, and not on every progress event', () => {
    const tracker = new FakeTracker();
    const clock = manualRepeater();
    const view = new OperationsView(tracker, clock.repeat);
    let repaints = 0;
    view.onDidChangeTreeData(() => repaints++);

    const running = operation();
    tracker.operations = [running];
    tracker.change(running);
    assert.equal(repaints, 1);
    assert.equal(clock.live(), 1);
    clock.tick();
    clock.tick();
    assert.equal(repaints, 3);

    running.tasks = { completed: 3, total: 8, running: 2 };
    tracker.change(running); // a progress update: shown by the next periodic repaint, still one timer
    tracker.change(running);
    assert.equal(repaints, 3);
    assert.equal(clock.live(), 1);
    clock.tick();
    assert.equal(repaints, 4);

    running.status = 'succeeded';
    running.finishedAt = STARTED + 10;
    tracker.change(running);
    assert.equal(repaints, 5);
    assert.equal(clock.live(), 0, 'the tick stops when nothing runs');
    view.dispose();
  });

  it('stops ticking when disposed', () => {
    const tracker = new FakeTracker();
    const clock = manualRepeater();
    const view = new OperationsView(tracker, clock.repeat);
    tracker.operations = [operation()];
    tracker.change(tracker.operations[0]!);
    assert.equal(clock.live(), 1);
    view.dispose();
    assert.equal(clock.live(), 0);
  });
});
