import type { LocalSparkServer } from '../core/localSpark/localSparkServer.js';
import type { OperationTracker } from '../core/operations/operationTracker.js';
import type { ConnectionManager, ConnectionManagerOptions } from '../core/session/connectionManager.js';
import type { Disposable } from '../core/util/events.js';
import type { KeyValueStore } from './host/editorHost.js';
import type { WorkbenchHost } from './host/workbenchHost.js';
import type { OutputLog } from './outputLog.js';
import type { DatabasePasswordStore } from './databases/databasePasswords.js';
import type { WorkspaceDatabases } from './databases/workspaceDatabases.js';
import type { FeatureFailures } from './runs/featureFailures.js';
import type { WorkbenchSettings } from './settings/workbenchSettings.js';

/**
 * What every feature is built from: the host seam, the log, the settings, the runtime and the window's
 * Spark session, its operations. Built once by the composition root; each feature's `register…` adds
 * its own parts to the extension's lifetime with `own` and returns only what other features need.
 */
export interface WorkbenchContext {
  readonly host: WorkbenchHost;
  readonly log: OutputLog;
  readonly failures: FeatureFailures;
  readonly settings: WorkbenchSettings;
  /** The installed extension's folder (dist/, python/, examples/). */
  readonly extensionPath: string;
  /** package.json's version. */
  readonly extensionVersion: string;
  /** Values kept per workspace between sessions. */
  readonly workspaceState: KeyValueStore;
  /** The per-user runtime home shared with the CLI, and its registry of local servers. */
  readonly runtimeDir: string;
  readonly localServer: LocalSparkServer;
  /** How this window names itself as the owner of a local server it starts. */
  readonly owner: string;
  readonly connections: ConnectionManager;
  /** How the window's connection was made: a notebook with a connection of its own makes another. */
  readonly connectionOptions: ConnectionManagerOptions;
  readonly operations: OperationTracker;
  /** The databases of the workspace's spark-workbench.yml, and their passwords (SecretStorage). */
  readonly databases: WorkspaceDatabases;
  readonly databasePasswords: DatabasePasswordStore;
  own<T extends Disposable>(resource: T): T;
}
