import type { ConnectionManager } from '../../core/session/connectionManager.js';
import type { ChartDataResult } from '../../webview/results/protocol.js';

export interface ChartDataRequest {
  readonly sql: string;
  readonly spec: object;
  readonly loadedRows: number;
  /** Every row of the result is loaded in the grid. */
  readonly complete: boolean;
}

/** Data for a chart: the loaded rows when they are the whole (small) result, else aggregated by Spark. */
export class ChartDataService {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly threshold: () => number,
  ) {}

  async chartData(request: ChartDataRequest): Promise<ChartDataResult> {
    if (request.complete && request.loadedRows <= this.threshold())
      return { kind: 'local', reason: 'the whole result is loaded.' };
    void this.connections;
    return { kind: 'local', reason: 'aggregation in Spark is not available yet.' };
  }
}
