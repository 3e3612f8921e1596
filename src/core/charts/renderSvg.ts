import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { ChartRow } from './chartRows.js';

/**
 * Draws a Vega-Lite spec to SVG without a browser: Vega's headless View (renderer 'none' runs the
 * dataflow and builds the scene graph; toSVG serialises it). Node has no CSP, so Vega's default
 * expression code generation is fine here. Data comes only from `datasets`, never from a URL.
 */
export async function renderSvg(
  spec: Record<string, unknown>,
  datasets: Readonly<Record<string, readonly ChartRow[]>>,
): Promise<string> {
  const view = await runView(spec, datasets);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The View after its dataflow ran: for tests that read datasets or the scene graph. */
export async function runView(
  spec: Record<string, unknown>,
  datasets: Readonly<Record<string, readonly ChartRow[]>>,
): Promise<Vega.View> {
  const { vega, vegaLite } = await loadVega();
  const { spec: vegaSpec } = vegaLite.compile(spec as unknown as TopLevelSpec);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', loader: noNetworkLoader(vega) });
  for (const [name, rows] of Object.entries(datasets)) view.data(name, rows as ChartRow[]);
  await view.runAsync();
  return view;
}

/**
 * Vega is ESM with a top-level await (it probes for node-canvas), which a CommonJS require cannot load:
 * a real dynamic import, kept as is by the bundler (vega is external to the CLI bundle).
 */
async function loadVega(): Promise<{ vega: typeof Vega; vegaLite: typeof import('vega-lite') }> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { vega, vegaLite };
}

function noNetworkLoader(vega: typeof Vega): Vega.Loader {
  const loader = vega.loader();
  const refuse = (uri: string) => Promise.reject(new Error(`charts load no data from URLs (${uri})`));
  return { ...loader, load: refuse, sanitize: refuse } as Vega.Loader;
}
