import { cliPythonHelper } from './cliPythonHelper.js';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import { runNotebookCells, type HeadlessRunResult } from '../core/notebooks/headlessNotebook.js';
import { injectParameters, parseNotebook, serializeNotebook, type ParameterValue } from '../core/notebooks/ipynb.js';
import { NotebookKernel } from '../core/notebooks/notebookKernel.js';
import { helperConnectionString } from '../core/python/helperConnection.js';
import { writeReportAtomically } from '../core/quality/qualityReports.js';

export interface NotebookRunOptions {
  readonly parameters: readonly { readonly name: string; readonly value: ParameterValue }[];
  /** Where the executed notebook goes (default: the notebook itself, as the editor saves it). */
  readonly out?: string;
  /** Rows a result keeps in the notebook, as the editor's setting says. */
  readonly storedRows?: number;
  /** The folder of the bundles: the Python helper is in ../python. */
  readonly distDir: string;
}

/**
 * Runs a notebook headless: its cells in order in one Spark session (this client's), SQL through the
 * client and Python in the helper's shell, as the editor's kernel runs them; parameters go in after the
 * cell tagged `parameters`. The executed notebook is written whole (also when a cell failed, so its
 * error can be read there). Progress goes to `log`; a failure is named `notebook:cell:line`.
 */
export async function runNotebookCommand(
  client: SparkConnectClient,
  path: string,
  options: NotebookRunOptions,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<HeadlessRunResult> {
  const notebook = parseNotebook(readFileSync(path, 'utf8'), path);
  const undeclared = injectParameters(notebook, options.parameters);
  if (undeclared.length) {
    const names = undeclared.join(', ');
    const tagged = notebook.cells.some((c) => c.metadata.tags?.includes('parameters'));
    log(
      tagged
        ? `${path}: the cell tagged "parameters" does not set ${names} (set after it all the same).`
        : `${path}: no cell is tagged "parameters"; ${names} set in a cell at the top.`,
    );
  }
  const helper = cliPythonHelper(options.distDir, log);
  const kernel = new NotebookKernel(`headless:${path}`, {
    client: () => Promise.resolve(client),
    python: async (c) => ({
      helper: await helper.start(),
      remote: helperConnectionString(c.connection, c.sessionId, c.userId),
    }),
    storedRows: () => options.storedRows ?? 1_000,
  });
  const onAbort = () => kernel.interrupt();
  signal.addEventListener('abort', onAbort);
  const name = relative(process.cwd(), path) || path;
  let lastProgress = 0;
  try {
    const result = await runNotebookCells(notebook, kernel, {
      cellStarted: (cell, order, firstLine) => log(`[${order}] cell ${cell}: ${firstLine.trim().slice(0, 70)}`),
      progress: (_cell, text) => {
        // A line every few seconds at most: a scheduler's log is read later, not watched.
        if (!text || Date.now() - lastProgress < 3_000) return;
        lastProgress = Date.now();
        log(`    ${text}`);
      },
      cellEnded: (_cell, status, elapsedMs) => log(`    ${status} in ${(elapsedMs / 1000).toFixed(1)} s`),
    });
    const out = options.out ?? path;
    writeReportAtomically(out, serializeNotebook(notebook));
    if (result.failure) {
      const { cell, line, message, status } = result.failure;
      log(`${name}:${cell}:${line}: ${status === 'interrupted' ? 'interrupted' : 'error'} ${message}`);
      log(`Wrote the notebook with its outputs so far to ${out}.`);
    } else {
      log(`Ran ${result.ran} cells in ${(result.elapsedMs / 1000).toFixed(1)} s; wrote ${out}.`);
    }
    return result;
  } finally {
    signal.removeEventListener('abort', onAbort);
    helper.dispose();
  }
}
