import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import type { QualityCheck } from './qualityChecks.js';
import { evaluateDatasetQuality, type DatasetQuality } from './qualityEvaluation.js';

export interface QualityFileTarget {
  /** Check this table with the file's checks (those of the dataset of that name, or the file's only dataset's). */
  readonly table?: string;
  /** Check the rows of this query with the file's only dataset's checks. */
  readonly query?: string;
  /** How a query names a dataset of the file (a pipeline's schema qualifies it); as written by default. */
  readonly tableName?: (dataset: string) => string;
  /** Failing values kept per check (the quality file's `samples:`); 5 by default, 0 for counts only. */
  readonly sampleSize?: number;
  readonly signal?: AbortSignal;
  readonly tags?: readonly string[];
}

/**
 * Runs a quality file's checks outside a pipeline: each dataset as the table of that name, or the
 * checks against one table or query. One aggregate per dataset, as after a pipeline run.
 */
export async function runQualityChecks(
  client: SparkConnectClient,
  checks: readonly QualityCheck[],
  target: QualityFileTarget = {},
): Promise<DatasetQuality[]> {
  const tableName = target.tableName ?? ((name: string) => name);
  const byDataset = new Map<string, QualityCheck[]>();
  for (const check of checks) byDataset.set(check.dataset, [...(byDataset.get(check.dataset) ?? []), check]);
  const runs: { dataset: string; query: string; checks: QualityCheck[] }[] = [];
  if (target.table !== undefined || target.query !== undefined) {
    const name = target.table ?? 'query';
    const chosen = byDataset.get(name) ?? (byDataset.size === 1 ? [...byDataset.values()][0]! : undefined);
    if (!chosen)
      throw new Error(
        `The file has checks for ${[...byDataset.keys()].join(', ')}; with several datasets, the table must be one of them.`,
      );
    runs.push({ dataset: name, query: target.query ?? `SELECT * FROM ${target.table}`, checks: chosen });
  } else
    for (const [dataset, list] of byDataset) runs.push({ dataset, query: `SELECT * FROM ${tableName(dataset)}`, checks: list });
  const results: DatasetQuality[] = [];
  for (const run of runs)
    results.push(
      await evaluateDatasetQuality(
        client,
        { ...run, tableName },
        { signal: target.signal, tags: target.tags, sampleSize: target.sampleSize },
      ),
    );
  return results;
}
