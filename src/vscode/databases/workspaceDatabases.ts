import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSource, WorkbenchFile } from '../../core/databases/databaseSources.js';
import { WORKBENCH_FILE } from '../../core/databases/workbenchFileName.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/**
 * The databases the workspace declares in `spark-workbench.yml` at the root of its first folder, read
 * afresh when asked (a connect, a local server's start). None in Restricted Mode: an untrusted
 * workspace's file never reaches Spark.
 */
export class WorkspaceDatabases {
  constructor(private readonly host: Pick<WorkbenchHost, 'workspaceFolders' | 'isTrusted'>) {}

  /** The file's path, when the workspace has one. */
  file(): string | undefined {
    const root = this.host.workspaceFolders()[0];
    const path = root === undefined ? undefined : join(root, WORKBENCH_FILE);
    return path !== undefined && existsSync(path) ? path : undefined;
  }

  async read(): Promise<WorkbenchFile> {
    const path = this.host.isTrusted() ? this.file() : undefined;
    if (!path) return { databases: [], publish: [], problems: [] };
    const { readWorkbenchFile } = await import('../../core/databases/databaseSources.js');
    return readWorkbenchFile(readFileSync(path, 'utf8'));
  }

  async sources(): Promise<readonly DatabaseSource[]> {
    return (await this.read()).databases;
  }

  /** The JDBC drivers the managed local server needs for them. */
  async drivers(): Promise<{ packages: string[]; jars: string[] }> {
    const { serverDrivers } = await import('../../core/databases/databaseSources.js');
    return serverDrivers(await this.sources());
  }
}
