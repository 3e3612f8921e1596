import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSource, WorkbenchFile } from '../../core/databases/databaseSources.js';
import { environmentDatabases, type Environment } from '../../core/environments/environments.js';
import { WORKBENCH_FILE } from '../../core/databases/workbenchFileName.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';

/**
 * The databases the workspace declares in `spark-workbench.yml` at the root of its first folder, read
 * afresh when asked (a connect, a local server's start). None in Restricted Mode: an untrusted
 * workspace's file never reaches Spark.
 */
export class WorkspaceDatabases {
  private loadedEnvironments: readonly Environment[] = [];

  constructor(private readonly host: Pick<WorkbenchHost, 'workspaceFolders' | 'isTrusted'>) {}

  /** The file's path, when the workspace has one. */
  file(): string | undefined {
    const root = this.host.workspaceFolders()[0];
    const path = root === undefined ? undefined : join(root, WORKBENCH_FILE);
    return path !== undefined && existsSync(path) ? path : undefined;
  }

  async read(): Promise<WorkbenchFile> {
    const path = this.host.isTrusted() ? this.file() : undefined;
    if (!path) return { databases: [], publish: [], environments: [], problems: [] };
    const { readWorkbenchFile } = await import('../../core/databases/databaseSources.js');
    return readWorkbenchFile(readFileSync(path, 'utf8'));
  }

  /** The databases of the file, each replaced by the environment's of its name (when connected to one). */
  async sources(environment?: Environment): Promise<readonly DatabaseSource[]> {
    return environmentDatabases((await this.read()).databases, environment);
  }

  /** The file's environments as last loaded (none in Restricted Mode, none before loadEnvironments). */
  environments(): readonly Environment[] {
    return this.loadedEnvironments;
  }

  /** Reads the file's environments again (the YAML reader loads with the engine, not at activation). */
  async loadEnvironments(): Promise<readonly Environment[]> {
    this.loadedEnvironments = (await this.read()).environments;
    return this.loadedEnvironments;
  }

  /** The JDBC drivers the managed local server needs for them (every environment's, as one server serves them all). */
  async drivers(): Promise<{ packages: string[]; jars: string[] }> {
    const { serverDrivers } = await import('../../core/databases/databaseSources.js');
    const file = await this.read();
    return serverDrivers([...file.databases, ...file.environments.flatMap((e) => e.databases)]);
  }
}
