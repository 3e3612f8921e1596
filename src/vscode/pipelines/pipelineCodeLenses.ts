import type { Event } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { CodeLensSource, DocumentSnapshot, LensItem } from '../host/editorHost.js';
import type { PipelineRunner } from './pipelineRunner.js';

/**
 * Above a spec's first line: Run, Dry Run, Full Refresh, Refresh Selected and the graph; while the
 * pipeline runs, Stop and how far it got.
 */
export class PipelineCodeLenses implements CodeLensSource {
  readonly onDidChange: Event<void>;

  constructor(private readonly runner: Pick<PipelineRunner, 'isRunning' | 'lastRun' | 'onDidRunChange'>) {
    this.onDidChange = (listener) => runner.onDidRunChange(() => listener());
  }

  lenses(document: DocumentSnapshot): LensItem[] {
    const range = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 };
    const specPath = document.fileName;
    const lens = (title: string, command: string, tooltip: string): LensItem => ({
      range,
      title,
      tooltip,
      command,
      args: [specPath],
    });
    if (this.runner.isRunning(specPath)) {
      const progress = this.runner.lastRun(specPath)?.progressText();
      return [
        lens('$(debug-stop) Stop', COMMANDS.pipelines.stop, 'Stop the run: Spark interrupts it'),
        lens(`$(sync~spin) ${progress || 'Starting…'}`, COMMANDS.pipelines.showRun, 'Show the run’s events'),
        lens('$(type-hierarchy) Graph', COMMANDS.pipelines.showGraph, 'Show the datasets and flows, coloured by state'),
      ];
    }
    return [
      lens('$(play) Run', COMMANDS.pipelines.run, 'Run the pipeline: every flow, incrementally'),
      lens('Dry Run', COMMANDS.pipelines.dryRun, 'Check that every definition resolves, without running a flow'),
      lens(
        'Full Refresh…',
        COMMANDS.pipelines.fullRefresh,
        'Recompute all, or chosen, datasets from scratch (streaming tables read all their input again)',
      ),
      lens('Refresh Selected…', COMMANDS.pipelines.refreshSelected, 'Run only the datasets you choose'),
      lens('$(type-hierarchy) Graph', COMMANDS.pipelines.showGraph, 'Show the datasets and flows'),
    ];
  }
}
