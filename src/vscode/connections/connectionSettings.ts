import * as vscode from 'vscode';
import { parseConnectionString } from '../../core/connect/connectionString.js';
import { DEFAULT_CONNECT_PORT } from '../../core/localSpark/pinnedVersions.js';
import { LOCAL_PROFILE_NAME, type ConnectionProfile } from '../../core/session/connectionManager.js';

interface ConfiguredConnection {
  name?: unknown;
  url?: unknown;
}

/**
 * Connection profiles from settings. In an untrusted workspace the workspace's values are ignored: a
 * cloned repository must not point the extension at a host of its choosing, nor change the local server.
 */
export class ConnectionSettings {
  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('sparkWorkbench');
  }

  private read<T>(key: string, fallback: T): T {
    if (vscode.workspace.isTrusted) return this.config().get<T>(key, fallback);
    const inspected = this.config().inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  }

  localPort(): number {
    return this.read('localSpark.port', DEFAULT_CONNECT_PORT);
  }

  /** The built-in "Local Spark" first, then every valid configured connection; invalid ones are reported. */
  profiles(): { profiles: ConnectionProfile[]; problems: string[] } {
    const profiles: ConnectionProfile[] = [{ kind: 'local', name: LOCAL_PROFILE_NAME, port: this.localPort() }];
    const problems: string[] = [];
    for (const entry of this.read<ConfiguredConnection[]>('connections', [])) {
      const name = typeof entry?.name === 'string' ? entry.name.trim() : '';
      const url = typeof entry?.url === 'string' ? entry.url.trim() : '';
      if (!name || !url) {
        problems.push('A connection in sparkWorkbench.connections needs both a name and a url.');
        continue;
      }
      try {
        if (parseConnectionString(url).token !== undefined) {
          problems.push(`Connection '${name}' has a token in its URL; it was ignored. Use "Spark: Set Token…" instead.`);
          continue;
        }
      } catch (error) {
        problems.push(`Connection '${name}': ${(error as Error).message}`);
        continue;
      }
      if (profiles.some((p) => p.name === name)) problems.push(`Connection name '${name}' is used twice; the first one is kept.`);
      else profiles.push({ kind: 'remote', name, url });
    }
    return { profiles, problems };
  }

  defaultProfile(): ConnectionProfile {
    const wanted = this.read('defaultConnection', LOCAL_PROFILE_NAME);
    const { profiles } = this.profiles();
    return profiles.find((p) => p.name === wanted) ?? profiles[0]!;
  }
}
