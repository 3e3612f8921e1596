import type { CheckStatus, DatasetQuality } from './qualityEvaluation.js';

/** One check's outcome in one run, as kept between sessions. */
export interface CheckOutcome {
  readonly name: string;
  readonly kind: string;
  readonly status: CheckStatus;
  readonly severity: 'warn' | 'error';
  readonly failing?: number;
  readonly checked?: number;
  readonly message: string;
  /** Where it is declared: a file relative to the source's folder, and offsets in it. */
  readonly file: string;
  readonly start: number;
}

export interface QualityRun {
  /** The pipeline spec or quality file the checks came from. */
  readonly source: string;
  readonly folder: string;
  readonly at: number;
  readonly datasets: readonly { readonly dataset: string; readonly rows?: number; readonly checks: readonly CheckOutcome[] }[];
}

export interface QualityHistoryState {
  readonly runs: readonly QualityRun[];
}

/** How many runs of each source are kept (the trend shows them). */
export const RUNS_KEPT = 10;

/**
 * The results of the last runs of each source of checks, newest last, for the Quality view's pass/fail
 * and trend. Plain data, so it can live in workspace storage.
 */
export class QualityHistory {
  private runs: QualityRun[];

  constructor(state?: QualityHistoryState) {
    this.runs = Array.isArray(state?.runs) ? [...state.runs] : [];
  }

  record(source: string, folder: string, quality: readonly DatasetQuality[], at = Date.now()): QualityRun {
    const run: QualityRun = {
      source,
      folder,
      at,
      datasets: quality.map((d) => ({
        dataset: d.dataset,
        rows: d.rows,
        checks: d.results.map((r) => ({
          name: r.check.name,
          kind: r.check.kind === 'expect' ? `expect (${r.check.action})` : r.check.kind,
          status: r.status,
          severity: r.check.kind === 'expect' && r.check.action === 'fail' ? 'error' : r.check.severity,
          failing: r.failing,
          checked: r.checked,
          message: r.message,
          file: r.check.location.file,
          start: r.check.location.start,
        })),
      })),
    };
    const others = this.runs.filter((r) => r.source !== source);
    const mine = [...this.runs.filter((r) => r.source === source), run].slice(-RUNS_KEPT);
    this.runs = [...others, ...mine];
    return run;
  }

  sources(): string[] {
    return [...new Set(this.runs.map((r) => r.source))];
  }

  /** The kept runs of `source`, oldest first. */
  runsOf(source: string): QualityRun[] {
    return this.runs.filter((r) => r.source === source);
  }

  latest(source: string): QualityRun | undefined {
    return this.runs.filter((r) => r.source === source).at(-1);
  }

  /** The check's statuses in the kept runs of its source, oldest first (absent where it did not run). */
  trend(source: string, dataset: string, check: string): (CheckStatus | undefined)[] {
    return this.runs
      .filter((r) => r.source === source)
      .map((r) => r.datasets.find((d) => d.dataset === dataset)?.checks.find((c) => c.name === check)?.status);
  }

  state(): QualityHistoryState {
    return { runs: this.runs };
  }
}

const MARKS: Record<CheckStatus, string> = { passed: '✓', failed: '✗', error: '!' };

/** A trend as one character per run: ✓ passed, ✗ failed, ! could not run, · not checked. */
export function trendMarks(trend: readonly (CheckStatus | undefined)[]): string {
  return trend.map((s) => (s ? MARKS[s] : '·')).join('');
}
