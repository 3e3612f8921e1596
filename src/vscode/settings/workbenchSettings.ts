import type { Environment } from '../../core/environments/environments.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import { ConnectionSettings } from '../connections/connectionSettings.js';

/** The defaults of the settings read here, each written once (package.json declares the same; a test compares). */
export const SETTING_DEFAULTS = {
  'results.previewRows': 100,
  'results.rowLimit': 10_000,
  'results.chartPushdownThreshold': 20_000,
  'notebooks.storedRows': 1_000,
  'localSpark.stopOnExit': true,
} as const;

type Key = keyof typeof SETTING_DEFAULTS;
type Value<K extends Key> = (typeof SETTING_DEFAULTS)[K] extends boolean ? boolean : number;

/**
 * The `sparkWorkbench.*` settings, typed, read when asked (a change applies to the next use); the
 * connection and local-server settings through `connection`, which ignores a workspace's values in
 * Restricted Mode.
 */
export class WorkbenchSettings {
  readonly connection: ConnectionSettings;

  constructor(
    private readonly host: Pick<WorkbenchHost, 'settings' | 'isTrusted'>,
    /** The environments of spark-workbench.yml, offered as connections: as last loaded, and loading them. */
    environments: () => readonly Environment[] = () => [],
    loadEnvironments: () => Promise<unknown> = () => Promise.resolve(),
  ) {
    this.connection = new ConnectionSettings(host, environments, loadEnvironments);
  }

  get<K extends Key>(key: K): Value<K> {
    const fallback = SETTING_DEFAULTS[key] as Value<K>;
    const value = this.host.settings('sparkWorkbench').get<unknown>(key, fallback);
    return (typeof value === typeof fallback ? value : fallback) as Value<K>;
  }
}
