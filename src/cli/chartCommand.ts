import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SparkConnectClient } from '../core/connect/sparkConnectClient.js';

export interface ChartCommandOptions {
  /** 'auto' (suggested from the schema) or a path to a Vega-Lite spec in JSON. */
  readonly spec: string;
  readonly out: string;
  readonly localRowLimit: number;
  readonly timeZone?: string;
  readonly signal?: AbortSignal;
}

/**
 * `spark-workbench chart`: the results viewer's chart, headless. Vega draws SVG in Node; a large
 * result is aggregated in Spark first, exactly as the Chart tab does. The SVG appears at --out only
 * once it is complete (written beside it, then renamed).
 */
export async function writeQueryChart(
  client: SparkConnectClient,
  query: string,
  options: ChartCommandOptions,
  log: (line: string) => void,
): Promise<void> {
  const spec = options.spec === 'auto' ? 'auto' : await readSpec(options.spec);
  // Analysing the query on its own first puts any error's position in the user's text, not in the
  // SQL the chart wraps around it.
  await client.schemaOf(query);
  const [{ chartOfQuery }, { renderSvg }] = await Promise.all([
    import('../core/charts/chartData.js'),
    import('../core/charts/renderSvg.js'),
  ]);
  const chart = await chartOfQuery(query, spec, (sql) => client.sql(sql, { signal: options.signal }).toTable(), {
    localRowLimit: options.localRowLimit,
    timeZone: options.timeZone,
  });
  const svg = await renderSvg(
    { width: 640, height: 360, ...chart.spec, config: { background: 'white', ...(chart.spec.config as object | undefined) } },
    { [chart.dataName]: chart.rows },
  );
  const partial = join(dirname(options.out), `.${basename(options.out)}.${process.pid}.partial`);
  try {
    await writeFile(partial, svg);
    await rename(partial, options.out);
  } finally {
    await rm(partial, { force: true });
  }
  log(`${chart.note} Wrote ${options.out}.`);
}

async function readSpec(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`Cannot read the chart spec ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, {
      cause: error,
    });
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`The chart spec ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
