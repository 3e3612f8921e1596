import type { Table } from 'apache-arrow';
import type { ChartField } from '../../core/charts/chartFields.js';
import type { OperationTracker } from '../../core/operations/operationTracker.js';
import type { SqlParameterValue } from '../../core/sql/sqlParameters.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import type { ChartDataResult } from '../../webview/results/protocol.js';
import { trackedTable } from '../runs/trackedTable.js';

export interface ChartDataRequest {
  readonly sql: string;
  readonly spec: object;
  /** The columns of the query's result. */
  readonly fields: readonly ChartField[];
  /** The zone the webview draws in: Vega cuts local time units there. */
  readonly timeZone?: string;
  readonly loadedRows: number;
  /** Every row of the result is loaded in the grid. */
  readonly complete: boolean;
  /** Values of the query's `:name` parameters. */
  readonly args?: Readonly<Record<string, SqlParameterValue>>;
  /** A newer chart request (or a closed panel) stops this one's Spark work. */
  readonly signal?: AbortSignal;
}

/**
 * Data for a chart: the loaded rows when they are the whole (small) result; otherwise the chart's
 * aggregation runs in Spark over the original query and only the aggregated rows come back. The
 * queries show in the Operations view like any other run, so they can be watched and cancelled there.
 */
export class ChartDataService {
  constructor(
    readonly connections: ConnectionManager,
    readonly operations: OperationTracker,
    private readonly threshold: () => number,
  ) {}

  async chartData(request: ChartDataRequest): Promise<ChartDataResult> {
    if (request.complete && request.loadedRows <= this.threshold())
      return { kind: 'local', reason: 'the whole result is loaded.' };
    const [{ chartInSpark }, { tableToIPC }] = await Promise.all([
      import('../../core/charts/chartData.js'),
      import('apache-arrow'),
    ]);
    const result = await chartInSpark(
      { sql: request.sql, spec: request.spec, fields: request.fields, timeZone: request.timeZone },
      (sql) => this.runToTable(sql, request.signal, request.args),
    );
    if (result.kind === 'unsupported')
      return {
        kind: 'local',
        reason: `this chart cannot be aggregated in Spark (${result.reason}), so it shows only the loaded rows.`,
      };
    return {
      kind: 'aggregated',
      spec: result.spec,
      ipc: tableToIPC(result.table, 'stream'),
      sourceRows: result.sourceRows,
      sql: result.sql,
    };
  }

  private async runToTable(
    sql: string,
    signal: AbortSignal | undefined,
    args: Readonly<Record<string, SqlParameterValue>> | undefined,
  ): Promise<Table> {
    const client = await this.connections.client(this.connections.profile ?? undefined);
    // A chart job the panel cancelled (a newer chart replaced it) is no run of the user's: it leaves the view.
    return trackedTable(client.sql(sql, { signal, args }), 'Chart: aggregate in Spark', this, signal);
  }
}
