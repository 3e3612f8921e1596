import type { Environment } from '../environments/environments.js';
import { parseConnectionString, type ConnectionOptions } from '../connect/connectionString.js';
import type { RetryPolicy } from '../connect/retryPolicy.js';
import type { RetryNotice } from '../connect/retryWait.js';
import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { SparkError } from '../connect/sparkError.js';
import type { SparkVersion } from '../connect/version.js';
import {
  localServerUrl,
  type LocalServerOptions,
  type LocalServerState,
  type LocalSparkServer,
} from '../localSpark/localSparkServer.js';
import { describeServerExitWithLog, type LocalServerExit } from '../localSpark/serverExit.js';
import { SparkUiJobs } from '../localSpark/sparkUiJobs.js';
import type { SparkRuntime } from '../localSpark/sparkRuntime.js';
import { DisposableStore, Emitter, type Disposable } from '../util/events.js';

/** Where to connect: the managed local server, or a named `sc://` URL (never holding the token). */
export type ConnectionProfile =
  | { readonly kind: 'local'; readonly name: string; readonly port: number; readonly environment?: Environment }
  | { readonly kind: 'remote'; readonly name: string; readonly url: string; readonly environment?: Environment };

export const LOCAL_PROFILE_NAME = 'Local Spark';

export type ConnectionState =
  | { readonly kind: 'disconnected'; readonly profile: ConnectionProfile | undefined }
  | { readonly kind: 'starting'; readonly profile: ConnectionProfile; readonly detail: string }
  | { readonly kind: 'connecting'; readonly profile: ConnectionProfile }
  | {
      readonly kind: 'connected';
      readonly profile: ConnectionProfile;
      readonly sparkVersion: SparkVersion;
      readonly sessionId: string;
      readonly endpoint: string;
      /** Set while a call waits to retry an unanswering server; cleared when it answers again. */
      readonly retry?: RetryNotice;
      /** The session's current catalog and schema, as last read (unqualified names resolve there). */
      readonly namespace?: SessionNamespace;
    }
  | { readonly kind: 'error'; readonly profile: ConnectionProfile; readonly error: Error };

export interface SessionNamespace {
  readonly catalog: string;
  readonly schema: string;
}

/** A session began where this window had one before: what the earlier one held is gone. */
export interface SessionStart {
  readonly profile: ConnectionProfile;
  readonly sessionId: string;
  readonly previousSessionId: string;
}

/** Tokens live outside settings (SecretStorage in VS Code, the environment in the CLI). */
export interface TokenStore {
  get(profileName: string): Promise<string | undefined>;
}

export type LocalStartOptions = Pick<LocalServerOptions, 'javaHome' | 'driverMemory' | 'owner' | 'packages' | 'jars'>;

export interface LocalSparkControl {
  ensureRuntime(onProgress: (detail: string) => void): Promise<SparkRuntime>;
  readonly server: LocalSparkServer;
  /** Read at each start, so a changed setting applies to the next server (the JDK, driver memory, JDBC drivers). */
  readonly startOptions?: () => LocalStartOptions | Promise<LocalStartOptions>;
}

export interface ConnectionManagerOptions {
  readonly tokens: TokenStore;
  readonly localSpark: LocalSparkControl;
  readonly clientVersion: string;
  readonly log?: (line: string) => void;
  /** How runs retry a lost server; PySpark's policy (about ten minutes) when omitted. */
  readonly retryPolicy?: RetryPolicy;
  /** Longest wait for an unanswering server, read at each connect; none: the policy's budget. */
  readonly retryTimeoutMs?: () => number | undefined;
  /** The connection a first run uses when none was chosen yet (the settings' default connection). */
  readonly defaultProfile?: () => ConnectionProfile | undefined | Promise<ConnectionProfile | undefined>;
  /**
   * Prepares each new Spark session before its first use (the workspace's databases as catalogs):
   * after connecting, and again when the server replaced the session. It reports its own failures.
   */
  readonly sessionSetup?: (
    client: SparkConnectClient,
    localServer: LocalServerState | undefined,
    profile: ConnectionProfile,
  ) => Promise<void>;
}

/**
 * Owns the one Spark session of a window: which profile, the live client, and its state for the status
 * bar and views. Connecting is lazy (first use); a failed or dropped connection is replaced on the next
 * use. Resources tied to the Spark session (cached catalog nodes, result handles) go in `sessionScope`
 * and are disposed whenever the session ends.
 */
export class ConnectionManager implements Disposable {
  private stateValue: ConnectionState = { kind: 'disconnected', profile: undefined };
  private clientValue: SparkConnectClient | undefined;
  private connecting: Promise<SparkConnectClient> | undefined;
  private sessionScopeValue = new DisposableStore();
  private readonly stateChanged = new Emitter<ConnectionState>();
  readonly onDidConnectionStateChange = this.stateChanged.event;
  private readonly localServerExited = new Emitter<LocalServerExit>();
  /** The local server this window was connected to ended (not by this window's own stop). */
  readonly onDidLocalServerExit = this.localServerExited.event;
  private readonly sessionStarted = new Emitter<SessionStart>();
  /**
   * A new Spark session replaced the window's earlier one (a connect after a disconnect or a failure,
   * a server that lost the session): its temporary views, variables and current schema are gone.
   */
  readonly onDidSessionStart = this.sessionStarted.event;
  private lastSessionId: string | undefined;

  constructor(private readonly options: ConnectionManagerOptions) {}

  get state(): ConnectionState {
    return this.stateValue;
  }

  get sessionScope(): DisposableStore {
    return this.sessionScopeValue;
  }

  /** The client of the current connection, when connected (never connects). */
  get connectedClient(): SparkConnectClient | undefined {
    return this.stateValue.kind === 'connected' ? this.clientValue : undefined;
  }

  /** The profile in use (or last used), if any. */
  get profile(): ConnectionProfile | undefined {
    return this.stateValue.profile;
  }

  /**
   * The connected client, connecting (or reconnecting) first to `profile`, else the current profile,
   * else the default one: running a query is enough to connect.
   */
  async client(profile?: ConnectionProfile): Promise<SparkConnectClient> {
    const target = profile ?? this.stateValue.profile ?? (await this.options.defaultProfile?.());
    if (!target) throw new Error('No Spark connection is selected.');
    if (this.clientValue && this.stateValue.kind === 'connected' && sameProfile(this.stateValue.profile, target))
      return this.clientValue;
    if (this.connecting && sameProfile(this.stateValue.profile, target)) return this.connecting;
    return this.connect(target);
  }

  /** Connects to `profile`, replacing any current connection. */
  connect(profile: ConnectionProfile): Promise<SparkConnectClient> {
    this.endSession();
    const attempt = this.open(profile).finally(() => {
      if (this.connecting === attempt) this.connecting = undefined;
    });
    this.connecting = attempt;
    return attempt;
  }

  private async open(profile: ConnectionProfile): Promise<SparkConnectClient> {
    let client: SparkConnectClient | undefined;
    try {
      const { options, localServer } = await this.resolve(profile);
      this.setState({ kind: 'connecting', profile });
      // Loaded on first connect, not at activation: the client brings gRPC, protobuf and Arrow with it.
      const { SparkConnectClient } = await import('../connect/sparkConnectClient.js');
      const jobs = localServer?.uiPort ? new SparkUiJobs(localServer.uiPort) : undefined;
      jobs?.prime();
      client = new SparkConnectClient(options, {
        clientVersion: this.options.clientVersion,
        retryPolicy: this.options.retryPolicy,
        retryTimeoutMs: this.options.retryTimeoutMs?.(),
        jobControl: jobs,
      });
      const sparkVersion = await client.ping();
      if (this.stateValue.profile !== profile)
        throw new SparkError({ kind: 'cancelled', message: 'Another connection was started.' });
      this.clientValue = client;
      const connectedClient = client;
      const whileCurrent = (update: (state: Extract<ConnectionState, { kind: 'connected' }>) => ConnectionState) => {
        if (this.clientValue === connectedClient && this.stateValue.kind === 'connected') this.setState(update(this.stateValue));
      };
      this.sessionScopeValue.add(
        client.onDidSessionChange(() => {
          whileCurrent((state) => ({ ...state, sessionId: connectedClient.sessionId, namespace: undefined }));
          this.sessionBegan(profile, connectedClient.sessionId);
          this.setUpSession(connectedClient, localServer, profile).catch(() => undefined);
          this.refreshNamespace().catch(() => undefined);
        }),
      );
      this.sessionScopeValue.add(client.onDidRetry((retry) => whileCurrent((state) => ({ ...state, retry }))));
      this.sessionScopeValue.add(client.onDidRecover(() => whileCurrent((state) => ({ ...state, retry: undefined }))));
      if (localServer) {
        // Watch the process, not the RPCs: a dead local server fails every run at once instead of after
        // ten minutes of retries against a closed port.
        this.sessionScopeValue.add(
          this.options.localSpark.server.watch(localServer, (exit) => this.onLocalServerExit(profile, connectedClient, exit)),
        );
      }
      await this.setUpSession(client, localServer, profile);
      this.setState({ kind: 'connected', profile, sparkVersion, sessionId: client.sessionId, endpoint: client.endpoint });
      this.options.log?.(`Connected to Spark ${sparkVersion.text} at ${client.endpoint} (${profile.name}).`);
      this.sessionBegan(profile, client.sessionId);
      this.refreshNamespace().catch(() => undefined);
      return client;
    } catch (error) {
      closeQuietly(client);
      const failure = error instanceof Error ? error : new Error(String(error));
      if (this.stateValue.profile === profile) this.setState({ kind: 'error', profile, error: failure });
      this.options.log?.(`Could not connect to ${profile.name}: ${failure.message}`);
      throw failure;
    }
  }

  private async setUpSession(
    client: SparkConnectClient,
    localServer: LocalServerState | undefined,
    profile: ConnectionProfile,
  ): Promise<void> {
    await this.options
      .sessionSetup?.(client, localServer, profile)
      .catch((error: unknown) =>
        this.options.log?.(`Could not prepare the Spark session: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  private async resolve(profile: ConnectionProfile): Promise<{ options: ConnectionOptions; localServer?: LocalServerState }> {
    if (profile.kind === 'local') {
      const report = (detail: string) => this.setState({ kind: 'starting', profile, detail });
      report('Preparing the local Spark runtime…');
      const runtime = await this.options.localSpark.ensureRuntime(report);
      report(`Starting Spark ${runtime.pysparkVersion} on 127.0.0.1:${profile.port}…`);
      const server = await this.options.localSpark.server.start(runtime, {
        ...(await this.options.localSpark.startOptions?.()),
        port: profile.port,
      });
      return { options: parseConnectionString(localServerUrl(server)), localServer: server };
    }
    const options = parseConnectionString(profile.url);
    if (options.token !== undefined) return { options };
    const token = await this.options.tokens.get(profile.name);
    return { options: token === undefined ? options : { ...options, token } };
  }

  private sessionBegan(profile: ConnectionProfile, sessionId: string): void {
    const previousSessionId = this.lastSessionId;
    this.lastSessionId = sessionId;
    if (previousSessionId && previousSessionId !== sessionId) this.sessionStarted.fire({ profile, sessionId, previousSessionId });
  }

  /**
   * Reads the session's current catalog and schema into the state: after connecting, and after anything
   * that may have changed them (USE, a notebook cell, a pipeline run). Never throws; a failed read keeps
   * what was known.
   */
  async refreshNamespace(): Promise<void> {
    const client = this.connectedClient;
    if (!client) return;
    try {
      const table = await client.sql('SELECT current_catalog(), current_database()').toTable();
      const namespace = { catalog: String(table.getChildAt(0)?.get(0) ?? ''), schema: String(table.getChildAt(1)?.get(0) ?? '') };
      const state = this.stateValue;
      if (this.clientValue !== client || state.kind !== 'connected') return;
      if (state.namespace?.catalog === namespace.catalog && state.namespace.schema === namespace.schema) return;
      this.setState({ ...state, namespace });
    } catch (error) {
      this.options.log?.(
        `Could not read the session's current schema: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** The local server's process ended under a connected window: fail its runs now, and say so. */
  private onLocalServerExit(profile: ConnectionProfile, client: SparkConnectClient, exit: LocalServerExit): void {
    const error = new SparkError({ kind: 'serverStopped', message: describeServerExitWithLog(exit) });
    client.fail(error);
    if (this.clientValue === client) {
      this.endSession();
      this.setState({ kind: 'error', profile, error });
    }
    this.options.log?.(error.message);
    this.localServerExited.fire(exit);
  }

  /**
   * Called when a run failed: a dropped server or a changed session marks the connection broken, so the
   * status bar says so and the next use reconnects.
   */
  reportFailure(error: unknown): void {
    if (!(error instanceof SparkError) || !this.stateValue.profile) return;
    if (error.kind === 'serverStopped' && this.stateValue.kind === 'error') return; // already reported by the watcher
    if (
      error.kind === 'unavailable' ||
      error.kind === 'serverStopped' ||
      error.kind === 'unauthenticated' ||
      error.kind === 'sessionChanged'
    ) {
      const profile = this.stateValue.profile;
      this.endSession();
      this.setState({ kind: 'error', profile, error });
    }
  }

  /**
   * Interrupts every operation of this window's Spark session, when connected; resolves to the ids of
   * the operations Spark interrupted.
   */
  async interruptAll(): Promise<string[]> {
    if (!this.clientValue || this.stateValue.kind !== 'connected') return [];
    return this.clientValue.interruptAll();
  }

  /**
   * The settings changed a profile. A failed or closed connection of that name takes the new one (the
   * failure was about the old port or URL; the next use connects to the new); a live one keeps its
   * server until it is connected again.
   */
  updateProfile(profile: ConnectionProfile): void {
    const state = this.stateValue;
    if (!state.profile || state.profile.name !== profile.name || sameProfile(state.profile, profile)) return;
    if (state.kind === 'error' || state.kind === 'disconnected') this.setState({ kind: 'disconnected', profile });
  }

  /** Closes the connection (the local server keeps running). */
  disconnect(): void {
    const profile = this.stateValue.profile;
    this.endSession();
    this.setState({ kind: 'disconnected', profile });
  }

  /** Stops the managed local server on `port`, disconnecting first if it is the current connection. */
  async stopLocal(port: number): Promise<boolean> {
    if (this.stateValue.profile?.kind === 'local' && this.stateValue.profile.port === port) this.disconnect();
    return this.options.localSpark.server.stop(port);
  }

  /**
   * Starts the local server of `profile` again (stopping what is left of it first) and connects to it;
   * re-runs nothing.
   */
  async restartLocal(profile: Extract<ConnectionProfile, { kind: 'local' }>): Promise<SparkConnectClient> {
    await this.stopLocal(profile.port);
    return this.connect(profile);
  }

  private endSession(): void {
    const client = this.clientValue;
    this.clientValue = undefined;
    this.connecting = undefined;
    this.sessionScopeValue.dispose();
    this.sessionScopeValue = new DisposableStore();
    closeQuietly(client);
  }

  private setState(state: ConnectionState): void {
    this.stateValue = state;
    this.stateChanged.fire(state);
  }

  dispose(): void {
    this.endSession();
    this.stateChanged.dispose();
    this.localServerExited.dispose();
    this.sessionStarted.dispose();
  }
}

/** Closing releases the server session; a server that is gone already leaves nothing to release. */
function closeQuietly(client: SparkConnectClient | undefined): void {
  client?.close().catch(() => undefined);
}

function sameProfile(a: ConnectionProfile | undefined, b: ConnectionProfile): boolean {
  if (!a || a.kind !== b.kind || a.name !== b.name) return false;
  return a.kind === 'local' ? a.port === (b as { port: number }).port : a.url === (b as { url: string }).url;
}
