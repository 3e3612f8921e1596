import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { QualityHistory, type QualityHistoryState, type QualityRun } from '../core/quality/qualityHistory.js';
import type { DatasetQuality } from '../core/quality/qualityEvaluation.js';
import { writeReportAtomically } from '../core/quality/qualityReports.js';

/**
 * The CLI's data-quality results of the last runs of each pipeline or quality file, kept in the runtime
 * home (`quality-history.json`), so an HTML report can show the trend. The editor keeps its own in the
 * workspace's storage.
 */
export class QualityHistoryFile {
  private readonly path: string;

  constructor(runtimeHome: string) {
    this.path = join(runtimeHome, 'quality-history.json');
  }

  /** The kept runs of `source`, oldest first. */
  runsOf(source: string): QualityRun[] {
    return this.read().runsOf(source);
  }

  record(source: string, folder: string, quality: readonly DatasetQuality[]): void {
    const history = this.read();
    history.record(source, folder, quality);
    mkdirSync(dirname(this.path), { recursive: true });
    writeReportAtomically(this.path, `${JSON.stringify(history.state())}\n`);
  }

  private read(): QualityHistory {
    try {
      return new QualityHistory(JSON.parse(readFileSync(this.path, 'utf8')) as QualityHistoryState);
    } catch {
      // None yet, or unreadable: the trend starts again from this run.
      return new QualityHistory();
    }
  }
}

/** Where a pipeline's or quality file's runs are kept: each environment keeps its own trend. */
export function qualityHistoryKey(path: string, environment: string | undefined): string {
  return environment ? `${path}#${environment}` : path;
}
