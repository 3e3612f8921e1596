import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/** Writes the example's raw files (the deterministic generator); returns the files written. */
export type RetailDataWriter = (raw: string, options: { rows: number }) => string[];

const EXAMPLE_ROWS = 2_000;
const NOTEBOOK = 'exploration.ipynb';
const MODEL_NOTEBOOK = 'churn_model.ipynb';
/** Where the example's spec and model notebook keep the churn model's versions. */
const EXAMPLE_MODELS = 'file:///tmp/spark-workbench-retail/storage/models/churn';

/**
 * The retail example in a new folder of the workspace (`retail-pipeline`, or `retail-pipeline-2`…):
 * the spec, definitions, quality checks, dashboard and notebooks shipped with the extension, its
 * storage and raw files inside that folder, and 2,000 generated transactions (with duplicates and
 * missing values) to ingest. Resolves to the
 * spec's path, or undefined when no folder is open.
 */
export async function createRetailExample(
  host: Pick<WorkbenchHost, 'workspaceFolders' | 'showWarningMessage'>,
  exampleRoot: string,
  writeData: () => Promise<RetailDataWriter>,
): Promise<string | undefined> {
  const workspace = host.workspaceFolders()[0];
  if (!workspace) {
    await host.showWarningMessage('Open a folder first: the example pipeline is written into it.');
    return undefined;
  }
  let target = join(workspace, 'retail-pipeline');
  for (let n = 2; existsSync(target); n++) target = join(workspace, `retail-pipeline-${n}`);
  const raw = join(target, 'data', 'raw');
  const models = `${pathToFileURL(join(target, 'storage')).href}/models/churn`;
  const spec = filesOnlySpec(readFileSync(join(exampleRoot, 'spark-pipeline.yml'), 'utf8'))
    .replace(/^storage: .*$/m, `storage: ${pathToFileURL(join(target, 'storage')).href}`)
    .replace(/^(\s+retail\.raw): .*$/m, `$1: ${pathToFileURL(raw).href}`)
    .replace(/^(\s+retail\.models): .*$/m, `$1: ${models}`)
    .replace(
      /^# `npm run example`.*$/m,
      `# data/raw holds ${EXAMPLE_ROWS.toLocaleString('en-US')} generated transactions; drop more files into data/raw/csv and run again.`,
    );
  const specPath = join(target, 'spark-pipeline.yml');
  mkdirSync(target, { recursive: true });
  writeFileSync(specPath, spec);
  for (const folder of ['transformations', 'analytics']) {
    mkdirSync(join(target, folder), { recursive: true });
    // Files only: running the example's Python leaves a __pycache__ beside it.
    for (const entry of readdirSync(join(exampleRoot, folder), { withFileTypes: true }))
      if (entry.isFile()) copyFileSync(join(exampleRoot, folder, entry.name), join(target, folder, entry.name));
  }
  copyFileSync(join(exampleRoot, 'spark-quality.yml'), join(target, 'spark-quality.yml'));
  copyFileSync(join(exampleRoot, 'dashboard.yml'), join(target, 'dashboard.yml'));
  writeFileSync(join(target, NOTEBOOK), notebookFor(readFileSync(join(exampleRoot, NOTEBOOK), 'utf8'), basename(target)));
  writeFileSync(
    join(target, MODEL_NOTEBOOK),
    readFileSync(join(exampleRoot, MODEL_NOTEBOOK), 'utf8').replace(EXAMPLE_MODELS, JSON.stringify(models).slice(1, -1)),
  );
  (await writeData())(raw, { rows: EXAMPLE_ROWS });
  return specPath;
}

/**
 * The example's spec without its sources beyond files (sources/: PostgreSQL's CRM and the rates API,
 * which `npm run example` starts): what runs with nothing but Spark.
 */
export function filesOnlySpec(spec: string): string {
  return spec
    .replace(/^# and, from sources beyond files[^\n]*\n(?:# {2}[^\n]*\n)*/m, '')
    .replace(
      /^# `npm run example` makes the raw files[^\n]*\n(?:# [^\n]*\n)*/m,
      '# `npm run example` makes the raw files and runs it on the local server.\n',
    )
    .replace(/^ {2}retail\.api: [^\n]*\n/m, '')
    .replace(/^ {2}# The sources beyond files[^\n]*\n {2}- glob:\n {6}include: sources\/\*\*\n?/m, '');
}

/** The example's notebook, its first cell saying how to run it from the folder the command made. */
function notebookFor(text: string, folder: string): string {
  const notebook = JSON.parse(text) as { cells: { cell_type: string; source: string[] | string }[] };
  const intro = [
    '# Retail: exploring the curated zone\n',
    '\n',
    `The exploration and analysis that follows the pipeline in this folder (\`${folder}/spark-pipeline.yml\`):\n`,
    'run it first with the **Run** lens above that file, then pick the **Spark Connect** kernel and **Run All**.\n',
  ];
  const first = notebook.cells[0]!;
  const rest = (Array.isArray(first.source) ? first.source.join('') : first.source).split(/\n\n/).slice(2).join('\n\n');
  first.source = [...intro, ...(rest ? ['\n', ...rest.split(/(?<=\n)/)] : [])];
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
