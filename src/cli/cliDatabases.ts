import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DatabasePassword } from '../core/databases/databaseCatalogs.js';
import {
  passwordVariable,
  readWorkbenchFile,
  type DatabaseSource,
  type WorkbenchFile,
} from '../core/databases/databaseSources.js';
import { WORKBENCH_FILE } from '../core/databases/workbenchFileName.js';
import { lineColumnOf } from '../core/sql/errorLocation.js';

/** The nearest spark-workbench.yml up from a folder (the working folder by default), if any. */
export function findWorkbenchFile(from: string = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, WORKBENCH_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The database sources the nearest spark-workbench.yml declares; its problems are printed
 * `FILE:LINE:COL: severity message`, and the sources that are whole are used.
 */
export function workspaceDatabases(log: (line: string) => void, from?: string): DatabaseSource[] {
  return [...workspaceFile(log, from).databases];
}

/** The nearest spark-workbench.yml up from a folder, read: its databases and what is published. */
export function workspaceFile(log: (line: string) => void, from?: string): WorkbenchFile {
  const file = findWorkbenchFile(from);
  if (!file) return { databases: [], publish: [], environments: [], problems: [] };
  const text = readFileSync(file, 'utf8');
  const read = readWorkbenchFile(text);
  for (const problem of read.problems) {
    const at = lineColumnOf(text, problem.start);
    log(`${file}:${at.line}:${at.column}: ${problem.severity} ${problem.message}`);
  }
  return read;
}

/** In the CLI a database's password comes from the environment, never from a file or an argument. */
export const environmentPassword: DatabasePassword = async (name) => process.env[passwordVariable(name)];
