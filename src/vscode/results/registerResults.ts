import { join } from 'node:path';
import { CancelStallNotices } from '../runs/cancelStallNotice.js';
import { QueryRunner } from '../runs/queryRunner.js';
import { OperationsView } from '../views/operationsView.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { ChartDataService } from './chartDataService.js';
import { ResultExporter } from './resultExporter.js';
import { ResultsPanels } from './resultsPanels.js';

/**
 * Results: queries run with progress and an Operations entry, shown in results panels (grid, charts
 * with aggregation pushed into Spark, export); the Operations view; a notice when Spark does not stop
 * a cancelled operation.
 */
export function registerResults(ctx: WorkbenchContext): { readonly results: ResultsPanels; readonly runner: QueryRunner } {
  const { host, log, connections, operations, settings, own } = ctx;
  own(new CancelStallNotices(host, operations, () => connections.profile, log));
  const runner = new QueryRunner(host, connections, operations, log);
  const exporter = new ResultExporter(host, runner, log, join(ctx.extensionPath, 'dist'));
  const charts = new ChartDataService(connections, operations, () => settings.get('results.chartPushdownThreshold'));
  const results = own(
    new ResultsPanels(host, join(ctx.extensionPath, 'dist', 'webview'), {
      host,
      runner,
      log,
      rowLimit: () => settings.get('results.rowLimit'),
      chartPushdownThreshold: () => settings.get('results.chartPushdownThreshold'),
      exportResult: (sql, title, format, args) => exporter.export(sql, title, format, args),
      chartData: (request) => charts.chartData(request),
    }),
  );
  own(host.registerTree('sparkWorkbench.operations', own(new OperationsView(operations))));
  return { results, runner };
}
