import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { asSparkError } from '../../core/connect/sparkError.js';
import type { SparkConnectClient } from '../../core/connect/sparkConnectClient.js';
import { qualified } from '../../core/pipelines/pipelineGraph.js';
import type { PipelineSpec } from '../../core/pipelines/pipelineSpec.js';
import type { QualityCheck } from '../../core/quality/qualityChecks.js';
import type { DatasetQuality } from '../../core/quality/qualityEvaluation.js';
import type { QualityFileTarget } from '../../core/quality/qualityFileRun.js';
import { isQualityFile } from '../../core/quality/qualityFileNames.js';
import { lineColumnOf } from '../../core/sql/errorLocation.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { BUILT_IN_COMMANDS, COMMANDS } from '../commandIds.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { showFailureNotice } from '../runs/failureNotice.js';
import type { RunConnections } from '../runs/queryRunner.js';
import type { QualityResults } from './qualityView.js';

/** What checking a file needs from the lazily loaded engine. */
export interface QualityEngine {
  parseQualityFile(
    text: string,
    file: string,
  ): { checks: readonly QualityCheck[]; problems: readonly { severity: string }[]; sampleSize?: number };
  runQualityChecks(
    client: SparkConnectClient,
    checks: readonly QualityCheck[],
    target: QualityFileTarget,
  ): Promise<DatasetQuality[]>;
}

export interface QualityCommandServices {
  readonly connections: RunConnections;
  readonly engine: () => Promise<QualityEngine>;
  readonly results: Pick<QualityResults, 'show'>;
  /** The pipeline whose folder holds a file, if any: its datasets are named in its schema. */
  readonly specOf: (path: string) => Promise<PipelineSpec | undefined>;
  readonly log: OutputLog;
}

/**
 * Spark: Check Data Quality… runs a quality file's checks against the tables it names (in its
 * pipeline's schema when it sits beside a spec), another table, or a query; results land where a
 * pipeline run's do (Problems, the Quality view). Open Declaration goes to a check from the view.
 */
export class QualityCommands implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    private readonly services: QualityCommandServices,
  ) {
    this.disposables.add(
      host.registerCommand(COMMANDS.quality.check, (file: unknown) => this.check(typeof file === 'string' ? file : undefined)),
    );
    this.disposables.add(
      host.registerCommand(COMMANDS.quality.openCheck, async (path: unknown, offset: unknown) => {
        if (typeof path !== 'string' || typeof offset !== 'number') return;
        const at = lineColumnOf(readFileSync(path, 'utf8'), offset);
        await host.showFileAt(path, at.line, at.column);
      }),
    );
  }

  private async check(given?: string): Promise<void> {
    const { host, services } = this;
    const path = given ?? (await this.pickFile());
    if (!path) return;
    const engine = await services.engine();
    const parsed = engine.parseQualityFile(readFileSync(path, 'utf8'), basename(path));
    if (parsed.problems.some((p) => p.severity === 'error')) {
      const chosen = await host.showErrorMessage(
        `${basename(path)} has mistakes; no check ran. They are in Problems.`,
        'Show Problems',
      );
      if (chosen) await host.executeCommand(BUILT_IN_COMMANDS.showProblems);
      return;
    }
    const spec = await services.specOf(path);
    const tableName = (name: string) => (spec ? qualified(spec, name) : name);
    const datasets = [...new Set(parsed.checks.map((c) => c.dataset))];
    const target = await this.pickTarget(datasets, spec);
    if (!target) return;
    try {
      const client = await services.connections.client();
      const quality = await host.withProgress(
        { title: `Checking ${basename(path)}`, cancellable: true },
        async (progress, cancellation) => {
          const abort = new AbortController();
          const cancelled = cancellation.onCancellationRequested(() => abort.abort());
          try {
            progress.report(`${parsed.checks.length} checks, one scan per dataset`);
            return await engine.runQualityChecks(client, parsed.checks, {
              ...target,
              tableName,
              sampleSize: parsed.sampleSize,
              signal: abort.signal,
            });
          } finally {
            cancelled.dispose();
          }
        },
      );
      services.results.show(path, dirname(path), quality, tableName);
      const all = quality.flatMap((d) => d.results);
      const failed = all.filter((r) => r.status !== 'passed').length;
      services.log.info(`Data quality of ${path}: ${all.length - failed} passed, ${failed} did not.`);
      const text = `Data quality of ${basename(path)}: ${all.length - failed} of ${all.length} checks passed.`;
      const chosen = failed ? await host.showWarningMessage(text, 'Show Problems') : await host.showInformationMessage(text);
      if (chosen) await host.executeCommand(BUILT_IN_COMMANDS.showProblems);
    } catch (thrown) {
      const error = asSparkError(thrown);
      if (error.kind === 'cancelled') return;
      services.connections.reportFailure(error);
      services.log.error(`Checking ${path}`, error);
      await showFailureNotice(host, error, services.connections.profile);
    }
  }

  private async pickFile(): Promise<string | undefined> {
    const active = this.host.activeEditor()?.document.fileName;
    if (active && isQualityFile(active)) return active;
    const files = (
      await this.host.findFiles('**/{spark-quality.yml,spark-quality.yaml,*.quality.yml,*.quality.yaml}', '**/node_modules/**')
    ).sort();
    if (!files.length) {
      await this.host.showInformationMessage(
        'No quality file in this workspace: write one as spark-quality.yml (beside a pipeline spec) or NAME.quality.yml.',
      );
      return undefined;
    }
    if (files.length === 1) return files[0];
    const picked = await this.host.showQuickPick(
      files.map((file) => ({ label: basename(file), description: file })),
      { title: 'Check Data Quality', placeHolder: 'The quality file to check' },
    );
    return picked?.description;
  }

  private async pickTarget(
    datasets: readonly string[],
    spec: PipelineSpec | undefined,
  ): Promise<Pick<QualityFileTarget, 'table' | 'query'> | undefined> {
    const named = {
      label: `The tables it names`,
      description: datasets.map((d) => (spec ? qualified(spec, d) : d)).join(', '),
      target: 'named' as const,
    };
    const table = {
      label: 'Another table…',
      description: datasets.length === 1 ? `with the checks of ${datasets[0]}` : 'named like one of its datasets',
      target: 'table' as const,
    };
    const query = {
      label: 'A query…',
      description: datasets.length === 1 ? `its rows with the checks of ${datasets[0]}` : 'needs a file with one dataset',
      target: 'query' as const,
    };
    const picked = await this.host.showQuickPick(datasets.length === 1 ? [named, table, query] : [named, table], {
      title: 'Check Data Quality',
      placeHolder: 'What to check',
    });
    if (!picked) return undefined;
    if (picked.target === 'named') return {};
    const value = await this.host.showInputBox({
      title: 'Check Data Quality',
      prompt: picked.target === 'table' ? 'The table to check (catalog.schema.table)' : 'The query whose rows to check',
    });
    if (!value?.trim()) return undefined;
    return picked.target === 'table' ? { table: value.trim() } : { query: value.trim() };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
