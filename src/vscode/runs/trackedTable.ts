import type { Table } from 'apache-arrow';
import type { QueryExecution } from '../../core/connect/queryExecution.js';
import type { OperationTracker, TrackedOperation } from '../../core/operations/operationTracker.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';

/**
 * Reads a (small) execution's whole result while it shows in the Operations view, where it can be
 * watched and cancelled like any run. A run the caller cancelled (its signal aborted) leaves the view.
 */
export async function trackedTable(
  execution: QueryExecution,
  title: string,
  services: { readonly connections: Pick<ConnectionManager, 'profile' | 'reportFailure'>; readonly operations: OperationTracker },
  signal: AbortSignal | undefined,
): Promise<Table> {
  const { Table } = await import('apache-arrow');
  const batches = [];
  let schema;
  let tracked: TrackedOperation | undefined;
  try {
    for await (const event of services.operations.follow(
      execution,
      title,
      services.connections.profile?.name ?? 'Spark',
      (operation) => (tracked = operation),
    )) {
      if (event.type === 'schema') schema = event.schema;
      else if (event.type === 'batch') batches.push(event.batch);
    }
  } catch (error) {
    if (signal?.aborted && tracked) services.operations.forget(tracked);
    services.connections.reportFailure(error);
    throw error;
  }
  if (batches.length > 0) return new Table(batches);
  return schema ? new Table(schema) : new Table();
}
