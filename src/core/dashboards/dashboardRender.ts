import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import type { DashboardDefinition, DashboardProblem } from './dashboardFile.js';
import { runDashboard, type TileQueries } from './dashboardRun.js';
import { selfContainedPage, type PageAssets } from '../pages/selfContainedPage.js';
import type { DashboardView, ParameterValues, TileState } from './tileResults.js';

/** A dashboard's queries on one Spark Connect session: each tile's SQL with its parameters bound. */
export function clientTileQueries(client: SparkConnectClient, tags: readonly string[] = []): TileQueries {
  return {
    run: (sql, { args, maxRows, signal }) => client.query(sql, { args, maxRows, signal, tags }).toTable(),
    analyze: async (sql, args) => void (await client.schemaOf(sql, args)),
  };
}

export interface RenderedDashboard {
  readonly view: DashboardView;
  readonly tiles: Readonly<Record<string, TileState>>;
  readonly problems: readonly DashboardProblem[];
  readonly failedTiles: number;
}

/** Runs every tile (concurrently) and collects the states an exported page draws; a choice must be one offered. */
export async function renderDashboard(
  definition: DashboardDefinition,
  picked: ParameterValues,
  queries: TileQueries,
  signal?: AbortSignal,
): Promise<RenderedDashboard> {
  const { view, tiles, problems } = await runDashboard(definition, picked, queries, { signal, strict: true });
  const states: Record<string, TileState> = {};
  const tileProblems: DashboardProblem[] = [];
  for (const tile of definition.tiles) {
    const outcome = tiles.get(tile.id);
    if (!outcome) continue;
    states[tile.id] = outcome.state;
    tileProblems.push(...outcome.problems);
  }
  const failedTiles = Object.values(states).filter((s) => s.state === 'error').length;
  return { view, tiles: states, problems: [...problems, ...tileProblems], failedTiles };
}

/** The rendered dashboard as one HTML file that opens offline. `footer` says when and from where (no token). */
export function dashboardPage(rendered: RenderedDashboard, footer: string, assets: PageAssets): string {
  return selfContainedPage(rendered.view.title, { view: rendered.view, tiles: rendered.tiles, footer }, assets);
}
