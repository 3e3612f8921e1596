import type { PipelineRunEvent } from '../../core/pipelines/pipelineEvents.js';
import type { PipelineRunRecord } from '../../core/pipelines/pipelineRunRecord.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { TreeItemDescription, TreeSource } from '../host/workbenchHost.js';
import type { PipelineRunner } from './pipelineRunner.js';

export type RunViewNode =
  | { readonly kind: 'run'; readonly record: PipelineRunRecord }
  | { readonly kind: 'event'; readonly event: PipelineRunEvent; readonly index: number };

const EVENT_ICONS: Record<string, string> = {
  queued: 'clock',
  planning: 'loading~spin',
  starting: 'loading~spin',
  running: 'sync',
  completed: 'pass',
  failed: 'error',
  stopped: 'circle-slash',
  skipped: 'debug-step-over',
  excluded: 'circle-outline',
  idle: 'circle-outline',
};

/**
 * The Pipeline Run view: the latest run on top with how it ended, then its events newest first (time,
 * dataset, state, message), so what is happening now is always in sight.
 */
export class PipelineRunView implements TreeSource<RunViewNode>, Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(private readonly runner: Pick<PipelineRunner, 'latest' | 'isRunning' | 'onDidRunChange'>) {
    let pending: ReturnType<typeof setTimeout> | undefined;
    this.disposables.add(
      runner.onDidRunChange(() => (pending ??= setTimeout(() => ((pending = undefined), this.changed.fire()), 150))),
    );
    this.disposables.add({ dispose: () => clearTimeout(pending) });
  }

  getChildren(node?: RunViewNode): RunViewNode[] {
    const record = this.runner.latest;
    if (!record || node) return [];
    return [
      { kind: 'run', record },
      ...record.events.map((event, index) => ({ kind: 'event' as const, event, index })).reverse(),
    ];
  }

  treeItem(node: RunViewNode): TreeItemDescription {
    if (node.kind === 'run') {
      const { record } = node;
      const running = this.runner.isRunning(record.specPath);
      const seconds = (((record.finishedAt ?? Date.now()) - record.startedAt) / 1000).toFixed(1);
      return {
        id: `run:${record.specPath}:${record.startedAt}`,
        label: `${record.pipelineName}: ${record.dry ? 'dry run' : 'run'} ${running ? 'running' : record.outcome}`,
        description: running
          ? record.progressText()
          : `${seconds} s${record.message ? ` · ${record.message.split('\n')[0]}` : ''}`,
        tooltip: record.message ?? record.specPath,
        icon: running
          ? 'sync~spin'
          : record.outcome === 'completed'
            ? 'pass'
            : record.outcome === 'cancelled'
              ? 'circle-slash'
              : 'error',
        contextValue: running ? 'pipelineRun.running' : 'pipelineRun',
      };
    }
    const { event } = node;
    const time = event.time
      ? event.time.toLocaleTimeString('en-GB', { hour12: false }) + `.${String(event.time.getMilliseconds()).padStart(3, '0')}`
      : '';
    if (event.kind === 'flow')
      return {
        label: `${shortName(event.flow)} ${event.state.toUpperCase()}`,
        description: `${time}${event.detail ? ` · ${event.detail.split('\n')[0]}` : ''}`,
        tooltip: event.message,
        icon: EVENT_ICONS[event.state] ?? 'circle-outline',
      };
    if (event.kind === 'unresolved')
      return {
        label: `${shortName(event.flow)} FAILED`,
        description: `${time} · ${event.upstream ? 'reads a dataset that failed' : event.detail.split('\n')[0]}`,
        tooltip: event.message,
        icon: 'error',
      };
    if (event.kind === 'run')
      return {
        label: `Run ${event.state.toUpperCase()}`,
        description: time,
        tooltip: event.message,
        icon: event.state === 'completed' ? 'pass' : 'info',
      };
    return { label: event.message.split('\n')[0]!, description: time, tooltip: event.message, icon: 'info' };
  }

  dispose(): void {
    this.disposables.dispose();
    this.changed.dispose();
  }
}

/** `spark_catalog.retail.daily` → `retail.daily`: the catalog is the same for every dataset of a run. */
function shortName(flow: string): string {
  const parts = flow.split('.');
  return parts.length === 3 ? parts.slice(1).join('.') : flow;
}
