import type { CellOutput } from './notebookKernel.js';

/**
 * Jupyter notebooks (nbformat 4) as the headless runner reads and writes them: cells with their
 * language as VS Code records it, papermill's parameter convention, and outputs in the shape VS Code's
 * own .ipynb serializer gives the outputs our kernel makes in the editor.
 */

export type NbOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string[] }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

export interface NbCell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  metadata: Record<string, unknown> & { tags?: string[]; vscode?: { languageId?: string } };
  source: string | string[];
  execution_count?: number | null;
  outputs?: NbOutput[];
  [key: string]: unknown;
}

export interface Notebook {
  cells: NbCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** The tag of the cell whose values parameters replace, and of the cell that replaces them (papermill's). */
export const PARAMETERS_TAG = 'parameters';
export const INJECTED_PARAMETERS_TAG = 'injected-parameters';

export class NotebookFormatError extends Error {}

/** Reads a notebook's JSON, checking what running it needs (nbformat 4, cells with sources). */
export function parseNotebook(text: string, path: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(`${path} is not a notebook: ${error instanceof Error ? error.message : String(error)}`);
  }
  const notebook = value as Partial<Notebook> | null;
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray(notebook.cells))
    throw new NotebookFormatError(`${path} is not a notebook: it has no "cells" list.`);
  if (notebook.nbformat !== 4)
    throw new NotebookFormatError(
      `${path} is nbformat ${String(notebook.nbformat)}; only nbformat 4 notebooks run (Jupyter saves those).`,
    );
  for (const [index, cell] of notebook.cells.entries()) {
    const c = cell as Partial<NbCell> | null;
    if (typeof c !== 'object' || c === null || !['code', 'markdown', 'raw'].includes(String(c.cell_type)))
      throw new NotebookFormatError(`${path}: cell ${index + 1} has no cell_type of code, markdown or raw.`);
    if (typeof c.source !== 'string' && !(Array.isArray(c.source) && c.source.every((s) => typeof s === 'string')))
      throw new NotebookFormatError(`${path}: cell ${index + 1} has no source text.`);
    c.metadata ??= {};
  }
  const read = notebook as Notebook;
  read.metadata ??= {};
  read.nbformat_minor ??= 5;
  return read;
}

/** The notebook as Jupyter and VS Code write it: one-space indentation, a newline at the end. */
export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

export function cellText(cell: NbCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** A code cell's language: VS Code records a cell's own language in its metadata; else the notebook's. */
export function cellLanguage(cell: NbCell, notebook: Notebook): string {
  const own = cell.metadata.vscode?.languageId;
  if (typeof own === 'string') return own;
  const info = notebook.metadata.language_info as { name?: unknown } | undefined;
  return typeof info?.name === 'string' ? info.name : 'python';
}

/** Text as nbformat stores it: lines, each with its newline but the last. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length && lines.at(-1) === '' ? lines.slice(0, -1) : lines;
}

export type ParameterValue = string | number | boolean | null;

/**
 * A `--param name=value` value as papermill's `-p` takes it: a whole or decimal number, true/false,
 * none/null, else text.
 */
export function parseParameter(text: string): { name: string; value: ParameterValue } {
  const match = /^([A-Za-z_]\w*)=(.*)$/s.exec(text);
  if (!match) throw new Error(`A parameter is name=value, with a Python name: not ${JSON.stringify(text)}.`);
  const raw = match[2]!;
  let value: ParameterValue = raw;
  if (/^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) value = Number(raw);
  else if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(raw)) value = Number(raw);
  else if (/^(true|false)$/i.test(raw)) value = raw.toLowerCase() === 'true';
  else if (/^(none|null)$/i.test(raw)) value = null;
  return { name: match[1]!, value };
}

function pythonLiteral(value: ParameterValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  // A JSON string is a valid Python string literal (its escapes are Python's too).
  return JSON.stringify(value);
}

/**
 * Papermill's convention: the values go in a new cell tagged `injected-parameters`, right after the cell
 * tagged `parameters` (at the top when there is none); a cell injected by an earlier run is replaced.
 * Returns the names the parameters cell does not assign (papermill warns of them too).
 */
export function injectParameters(notebook: Notebook, parameters: readonly { name: string; value: ParameterValue }[]): string[] {
  const tagged = (cell: NbCell, tag: string) => Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes(tag);
  notebook.cells = notebook.cells.filter((cell) => !tagged(cell, INJECTED_PARAMETERS_TAG));
  if (parameters.length === 0) return [];
  const at = notebook.cells.findIndex((cell) => tagged(cell, PARAMETERS_TAG));
  const source = ['# Parameters\n', ...parameters.map(({ name, value }) => `${name} = ${pythonLiteral(value)}\n`)];
  source[source.length - 1] = source.at(-1)!.replace(/\n$/, '');
  const cell: NbCell = {
    cell_type: 'code',
    id: 'injected-parameters',
    metadata: { tags: [INJECTED_PARAMETERS_TAG] },
    source,
    execution_count: null,
    outputs: [],
  };
  notebook.cells.splice(at + 1, 0, cell);
  if (at === -1) return parameters.map((p) => p.name);
  const declared = new Set(
    [...cellText(notebook.cells[at]!).matchAll(/^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)/gm)].map((m) => m[1]!),
  );
  return parameters.map((p) => p.name).filter((name) => !declared.has(name));
}

/**
 * A cell's outputs as the editor leaves them in the file: consecutive stream outputs of one name merged,
 * text split into lines, JSON types as values, images as base64 text; a clear drops what came before
 * (with `wait`, when the next output comes).
 */
export class CellOutputs {
  readonly outputs: NbOutput[] = [];
  private clearBeforeNext = false;

  add(output: CellOutput): void {
    if (output.kind === 'clear') {
      if (output.wait) this.clearBeforeNext = true;
      else this.outputs.length = 0;
      return;
    }
    if (this.clearBeforeNext) {
      this.clearBeforeNext = false;
      this.outputs.length = 0;
    }
    const last = this.outputs.at(-1);
    if (output.kind === 'stream') {
      if (last?.output_type === 'stream' && last.name === output.name) last.text = splitLines(last.text.join('') + output.text);
      else this.outputs.push({ output_type: 'stream', name: output.name, text: splitLines(output.text) });
    } else if (output.kind === 'error') {
      this.outputs.push({ output_type: 'error', ename: output.ename, evalue: output.evalue, traceback: [...output.traceback] });
    } else {
      const data: Record<string, unknown> = {};
      for (const [mime, value] of Object.entries(output.items))
        data[mime] =
          typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? splitLines(value) : value;
      this.outputs.push({ output_type: 'display_data', data, metadata: {} });
    }
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The line of the cell an IPython traceback points at last (its deepest frame in the cell). */
export function pythonErrorLine(traceback: readonly string[], executionCount: number): number | undefined {
  let line: number | undefined;
  const frame = new RegExp(`Cell In\\[${executionCount}\\], line (\\d+)`, 'g');
  for (const entry of traceback) for (const match of entry.replace(ANSI, '').matchAll(frame)) line = Number(match[1]);
  return line;
}
