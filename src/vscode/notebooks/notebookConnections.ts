import type { SparkConnectClient } from '../../core/connect/sparkConnectClient.js';
import type { NotebookKernelDependencies } from '../../core/notebooks/notebookKernel.js';
import { helperConnectionString } from '../../core/python/helperConnection.js';
import type { PythonHelper } from '../../core/python/pythonHelper.js';
import type { ConnectionManager, ConnectionProfile } from '../../core/session/connectionManager.js';
import type { OperationTracker } from '../../core/operations/operationTracker.js';
import type { Disposable } from '../../core/util/events.js';

export interface NotebookConnectionsDependencies {
  /** The window's connection (the status bar's), which notebooks use unless given their own. */
  readonly window: Pick<ConnectionManager, 'client' | 'profile' | 'connect' | 'reportFailure'>;
  /** The window's Python helper, joined to the window's session. */
  windowPython(): Promise<PythonHelper>;
  /** A connection of a notebook's own (its own Spark session), with the window's settings and secrets. */
  createConnection(): ConnectionManager;
  /** A Python helper of a notebook's own. */
  createPython(): Promise<PythonHelper>;
  storedRows(): number;
  /** The window's operation list, where cells' Spark operations show with progress and cancel. */
  readonly operations?: Pick<OperationTracker, 'follow'>;
}

interface OwnConnection {
  readonly profile: ConnectionProfile;
  readonly manager: ConnectionManager;
  python?: Promise<PythonHelper>;
}

/**
 * Which Spark session each notebook runs in: the window's by default (the one the status bar shows,
 * shared with SQL files and pipelines), or, once switched, a connection of the notebook's own, with its
 * own Spark session and Python process, ended when the notebook closes or switches back.
 */
export class NotebookConnections implements Disposable {
  private readonly own = new Map<string, OwnConnection>();

  constructor(private readonly deps: NotebookConnectionsDependencies) {}

  /** The connection of a notebook's own, or undefined when it uses the window's. */
  ownProfile(notebookUri: string): ConnectionProfile | undefined {
    return this.own.get(notebookUri)?.profile;
  }

  /** What a notebook's kernel runs on. */
  kernelDependencies(notebookUri: string): NotebookKernelDependencies {
    return {
      client: () => {
        const own = this.own.get(notebookUri);
        return own ? own.manager.client(own.profile) : this.deps.window.client();
      },
      python: async (client: SparkConnectClient) => {
        const own = this.own.get(notebookUri);
        let helper: PythonHelper;
        if (own) {
          const python = (own.python ??= this.deps.createPython().then((created) => {
            own.manager.sessionScope.add({
              dispose: () => (created.dispose(), own.python === python && (own.python = undefined)),
            });
            return created;
          }));
          helper = await python;
        } else helper = await this.deps.windowPython();
        return { helper, remote: helperConnectionString(client.connection, client.sessionId, client.userId) };
      },
      storedRows: () => this.deps.storedRows(),
      reportFailure: (error) => (this.own.get(notebookUri)?.manager ?? this.deps.window).reportFailure(error),
      follow: (execution, title) => {
        const name = this.own.get(notebookUri)?.profile.name ?? this.deps.window.profile?.name ?? 'Spark';
        return this.deps.operations ? this.deps.operations.follow(execution, title, name) : execution;
      },
    };
  }

  /** Gives a notebook a connection of its own (`profile`), or back the window's (undefined). */
  use(notebookUri: string, profile: ConnectionProfile | undefined): void {
    this.forget(notebookUri);
    if (profile) this.own.set(notebookUri, { profile, manager: this.deps.createConnection() });
  }

  /** A new Spark session (and Python process) for a notebook with a connection of its own; false for the window's. */
  async restart(notebookUri: string): Promise<boolean> {
    const own = this.own.get(notebookUri);
    if (!own) return false;
    await own.manager.connect(own.profile);
    return true;
  }

  forget(notebookUri: string): void {
    this.own.get(notebookUri)?.manager.dispose();
    this.own.delete(notebookUri);
  }

  dispose(): void {
    for (const uri of [...this.own.keys()]) this.forget(uri);
  }
}
