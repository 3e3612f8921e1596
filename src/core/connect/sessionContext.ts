import { randomUUID } from 'node:crypto';
import { SparkError } from './sparkError.js';
import type { SparkConnectTransport } from './transport.js';

/** The fields every Spark Connect request carries to name its session. */
export interface RequestHeader {
  sessionId: string;
  userContext: { userId: string; userName: string };
  clientType: string;
  clientObservedServerSideSessionId?: string;
}

/**
 * One Spark session on one channel. The server gives each session a server-side id; if a response comes
 * back with a different one, the server restarted or dropped the session, and state the user built
 * (temp views, configs) is gone. That is reported as an error rather than silently carried on.
 */
export class SessionContext {
  private serverSideSessionId: string | undefined;
  private readonly sessionChangeListeners = new Set<(reason: string) => void>();

  constructor(
    readonly transport: SparkConnectTransport,
    private sessionIdValue: string,
    private readonly userId: string,
    private readonly clientType: string,
  ) {}

  get sessionId(): string {
    return this.sessionIdValue;
  }

  get user(): string {
    return this.userId;
  }

  requestHeader(): RequestHeader {
    return {
      sessionId: this.sessionIdValue,
      userContext: { userId: this.userId, userName: this.userId },
      clientType: this.clientType,
      ...(this.serverSideSessionId ? { clientObservedServerSideSessionId: this.serverSideSessionId } : {}),
    };
  }

  /** Checks the server-side session id of a response; throws when the server's session changed. */
  observeServerSession(id: string): void {
    if (!id) return;
    if (this.serverSideSessionId === undefined) {
      this.serverSideSessionId = id;
      return;
    }
    if (id !== this.serverSideSessionId) {
      throw this.sessionLost(
        new SparkError({
          kind: 'sessionChanged',
          errorClass: 'INVALID_HANDLE.SESSION_CHANGED',
          message: `The Spark server at ${this.transport.endpoint} restarted or dropped this session; the next request starts a new session.`,
        }),
      );
    }
  }

  /**
   * The server no longer has our session (it restarted, or the session expired): whatever the user built
   * in it is gone. Start a new session for the next request and return the error to report.
   */
  sessionLost(error: SparkError): SparkError {
    if (this.serverSideSessionId !== undefined) this.renew(error.message);
    return error;
  }

  /** Starts over with a fresh session id, so the next request opens a new server session. */
  renew(reason: string): void {
    this.sessionIdValue = randomUUID();
    this.serverSideSessionId = undefined;
    for (const listener of this.sessionChangeListeners) listener(reason);
  }

  onDidSessionChange(listener: (reason: string) => void): { dispose(): void } {
    this.sessionChangeListeners.add(listener);
    return { dispose: () => this.sessionChangeListeners.delete(listener) };
  }
}
