import { readFile } from 'node:fs/promises';
import { writeReportAtomically } from '../core/quality/qualityReports.js';
import { basename, dirname, resolve } from 'node:path';
import { QualityHistoryFile, qualityHistoryKey } from './qualityHistoryFile.js';
import { runtimeHome } from './runtimeHome.js';
import type { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import { parseDashboard } from '../core/dashboards/dashboardFile.js';
import { parseParameterOptions } from '../core/dashboards/dashboardParameters.js';
import { clientTileQueries, dashboardPage, renderDashboard } from '../core/dashboards/dashboardRender.js';
import { readPageAssets } from '../core/pages/selfContainedPage.js';
import { lineColumnOf } from '../core/sql/errorLocation.js';
import { endpointLabel } from '../core/connect/connectionString.js';

export interface DashboardRenderOptions {
  readonly params: readonly string[];
  readonly out: string;
  /** Where the built webview bundles are (dist/webview). */
  readonly webviewDir: string; /** The environment (--target) whose kept quality runs are read and added to. */
  readonly environment?: string;
}

/**
 * `spark-workbench dashboard render`: every tile run in Spark at once, then one HTML file that draws the
 * dashboard offline. Problems print as FILE:LINE:COL; the page is written even when a tile fails (the
 * tile shows its error), and the exit status says so. Returns the number of failed tiles.
 */
export async function renderDashboardCommand(
  client: SparkConnectClient,
  file: string,
  options: DashboardRenderOptions,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<{ readonly failedTiles: number; readonly invalid: boolean }> {
  const text = await readFile(file, 'utf8');
  const definition = parseDashboard(text);
  const report = (problems: readonly { start: number; severity: string; message: string }[]) => {
    for (const problem of problems) {
      const at = lineColumnOf(text, problem.start);
      log(`${file}:${at.line}:${at.column}: ${problem.severity} ${problem.message}`);
    }
  };
  report(definition.problems);
  if (definition.problems.some((p) => p.severity === 'error')) return { failedTiles: 0, invalid: true };
  const picked = parseParameterOptions(definition.parameters, options.params);
  const started = Date.now();
  const [rendered, assets] = await Promise.all([
    renderDashboard(
      definition,
      picked,
      {
        ...clientTileQueries(client, ['spark-workbench-dashboard']),
        // The checks' kept results, as `pipeline run` and `quality check` record them.
        qualityRuns: (path) =>
          new QualityHistoryFile(runtimeHome()).runsOf(qualityHistoryKey(resolve(dirname(file), path), options.environment)),
      },
      signal,
    ),
    readPageAssets(options.webviewDir, 'dashboard'),
  ]);
  report(rendered.problems);
  const version = await client.sparkVersion();
  const footer =
    `Rendered ${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC by spark-workbench from ${basename(file)}, ` +
    `on Spark ${version.toString()} at ${endpointLabel(client.connection)}.`;
  const page = dashboardPage(rendered, footer, assets);
  writeReportAtomically(options.out, page);
  const tiles = Object.keys(rendered.tiles).length;
  log(
    `${rendered.view.title}: ${tiles - rendered.failedTiles} of ${tiles} tiles drawn in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      `${rendered.failedTiles ? `, ${rendered.failedTiles} failed` : ''}. Wrote ${options.out} (${(Buffer.byteLength(page) / 1024).toFixed(0)} KB).`,
  );
  return { failedTiles: rendered.failedTiles, invalid: false };
}
