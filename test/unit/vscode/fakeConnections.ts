// A stand-in for ConnectionManager that changes state the way the real one does, without Spark: connect
// reports the given steps, then fails with the next scripted failure or connects.
import { SparkVersion } from '../../../src/core/connect/version.js';
import type { ConnectionProfile, ConnectionState, SessionNamespace } from '../../../src/core/session/connectionManager.js';
import { Emitter } from '../../../src/core/util/events.js';

export const LOCAL: ConnectionProfile = { kind: 'local', name: 'Local Spark', port: 15002 };
export const TEST_SPARK: ConnectionProfile = { kind: 'remote', name: 'Test Spark', url: 'sc://127.0.0.1:15003' };

export function connectedState(profile: ConnectionProfile, namespace?: SessionNamespace): ConnectionState {
  return {
    kind: 'connected',
    profile,
    sparkVersion: SparkVersion.parse('4.1.1'),
    sessionId: '0b7c8a52-54d1-4c4d-9f0e-3e1e5a6f7d10',
    endpoint: '127.0.0.1:15003',
    ...(namespace && { namespace }),
  };
}

export class FakeConnections {
  private current: ConnectionState = { kind: 'disconnected', profile: undefined };
  private readonly changed = new Emitter<ConnectionState>();
  readonly onDidConnectionStateChange = this.changed.event;
  /** Every profile connect was called with, in order. */
  readonly connects: ConnectionProfile[] = [];
  disconnects = 0;
  readonly stopped: number[] = [];
  /** Failures for the next connects, first one first; an empty list connects. */
  readonly failures: Error[] = [];
  /** The `starting` details a local connect reports before it connects. */
  startingSteps: string[] = [];
  localRunning = true;

  get state(): ConnectionState {
    return this.current;
  }

  get profile(): ConnectionProfile | undefined {
    return this.current.profile;
  }

  setState(state: ConnectionState): void {
    this.current = state;
    this.changed.fire(state);
  }

  async connect(profile: ConnectionProfile): Promise<void> {
    this.connects.push(profile);
    for (const detail of this.startingSteps) this.setState({ kind: 'starting', profile, detail });
    this.setState({ kind: 'connecting', profile });
    const failure = this.failures.shift();
    if (failure) {
      this.setState({ kind: 'error', profile, error: failure });
      throw failure;
    }
    this.setState(connectedState(profile));
  }

  /** Every profile the settings changed, in order. */
  readonly updatedProfiles: ConnectionProfile[] = [];

  updateProfile(profile: ConnectionProfile): void {
    this.updatedProfiles.push(profile);
    if (this.current.kind === 'error') this.setState({ kind: 'disconnected', profile });
  }

  disconnect(): void {
    this.disconnects++;
    this.setState({ kind: 'disconnected', profile: this.current.profile });
  }

  /** How many times Interrupt All ran, and the ids it reports. */
  interruptAlls = 0;
  interruptedIds: string[] = [];

  async interruptAll(): Promise<string[]> {
    this.interruptAlls++;
    return this.interruptedIds;
  }

  async restartLocal(profile: Extract<ConnectionProfile, { kind: 'local' }>): Promise<void> {
    await this.stopLocal(profile.port);
    this.localRunning = true;
    await this.connect(profile);
  }

  async stopLocal(port: number): Promise<boolean> {
    this.stopped.push(port);
    const wasRunning = this.localRunning;
    this.localRunning = false;
    return wasRunning;
  }
}
