import type { Environment } from '../../core/environments/environments.js';
import { homedir } from 'node:os';
import { DEFAULT_CONNECT_PORT } from '../../core/localSpark/pinnedVersions.js';
import { LOCAL_PROFILE_NAME, type ConnectionProfile } from '../../core/session/connectionManager.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import { connectionProfiles, type ConfiguredProfiles } from './connectionProfiles.js';

export const DEFAULT_DRIVER_MEMORY = '2g';
/** A person at an editor waits a minute at most before being told; see docs/troubleshooting.md. */
export const DEFAULT_RETRY_TIMEOUT_SECONDS = 60;

/**
 * Connection profiles from settings. In an untrusted workspace the workspace's values are ignored: a
 * cloned repository must not point the extension at a host of its choosing, nor change the local server.
 */
export class ConnectionSettings {
  constructor(
    private readonly host: Pick<WorkbenchHost, 'isTrusted' | 'settings'>,
    /** The environments of spark-workbench.yml as last loaded (none in Restricted Mode): each is a connection too. */
    private readonly environments: () => readonly Environment[] = () => [],
    /** Reads spark-workbench.yml's environments again. */
    private readonly loadEnvironments: () => Promise<unknown> = () => Promise.resolve(),
  ) {}

  /** The profiles with spark-workbench.yml's environments read afresh. */
  async loadProfiles(): Promise<ConfiguredProfiles> {
    await this.loadEnvironments();
    return this.profiles();
  }

  /** The default profile with spark-workbench.yml's environments read afresh. */
  async loadDefaultProfile(): Promise<ConnectionProfile> {
    await this.loadEnvironments();
    return this.defaultProfile();
  }

  private read<T>(key: string, fallback: T): T {
    const config = this.host.settings('sparkWorkbench');
    if (this.host.isTrusted()) return config.get<T>(key, fallback);
    const inspected = config.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  }

  localPort(): number {
    return this.read('localSpark.port', DEFAULT_CONNECT_PORT);
  }

  /**
   * Paths the managed local server runs with; empty settings mean "find it on this machine". The
   * helper's Python (pipelines' Python definitions, notebooks' Python cells) is the managed venv's
   * unless `python.interpreter` names another.
   */
  localRuntime(): { readonly javaHome?: string; readonly pythonPath?: string; readonly helperPython?: string } {
    const path = (key: string) => {
      const value = this.read<unknown>(key, '');
      const trimmed = typeof value === 'string' ? value.trim() : '';
      // Settings are not run through a shell: a leading ~ would otherwise be a folder named "~".
      return trimmed === '' ? undefined : trimmed.replace(/^~(?=$|[\\/])/, homedir());
    };
    return {
      javaHome: path('localSpark.javaHome'),
      pythonPath: path('localSpark.pythonPath'),
      helperPython: path('python.interpreter'),
    };
  }

  /** Memory of the local server's driver JVM, a JVM size such as "2g"; read at each start. */
  localDriverMemory(): string {
    const value = this.read<unknown>('localSpark.driverMemory', DEFAULT_DRIVER_MEMORY);
    return typeof value === 'string' && /^\d+[kmgt]?$/i.test(value.trim()) ? value.trim() : DEFAULT_DRIVER_MEMORY;
  }

  /**
   * How long a run waits for a server that does not answer, retries included, in milliseconds; 0 in
   * the setting means no limit of our own (PySpark's retry budget, about ten minutes).
   */
  retryTimeoutMs(): number | undefined {
    const value = this.read<unknown>('connection.retryTimeout', DEFAULT_RETRY_TIMEOUT_SECONDS);
    const seconds = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_RETRY_TIMEOUT_SECONDS;
    return seconds === 0 ? undefined : seconds * 1000;
  }

  /** The built-in "Local Spark" first, then every valid configured connection; invalid ones are reported. */
  profiles(): ConfiguredProfiles {
    const configured = connectionProfiles(this.read<unknown>('connections', []), this.localPort());
    const profiles = [...configured.profiles];
    const problems = [...configured.problems];
    for (const environment of this.environments()) {
      if (profiles.some((p) => p.name === environment.name)) {
        problems.push(
          `The environment '${environment.name}' has the name of a connection in the settings; the connection is kept.`,
        );
        continue;
      }
      profiles.push(
        environment.remote
          ? { kind: 'remote', name: environment.name, url: environment.remote, environment }
          : { kind: 'local', name: environment.name, port: this.localPort(), environment },
      );
    }
    return { profiles, problems };
  }

  /** The `defaultConnection` setting's profile; while it names the built-in one, spark-workbench.yml's default environment. */
  defaultProfile(): ConnectionProfile {
    const { profiles } = this.profiles();
    const setting = this.read('defaultConnection', LOCAL_PROFILE_NAME);
    const wanted = setting === LOCAL_PROFILE_NAME ? (profiles.find((p) => p.environment?.isDefault)?.name ?? setting) : setting;
    return profiles.find((p) => p.name === wanted) ?? profiles[0]!;
  }
}
