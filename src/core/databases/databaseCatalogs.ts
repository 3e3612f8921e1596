import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import type { LocalServerState } from '../localSpark/localSparkServer.js';
import { catalogSettings, serverDrivers, type DatabaseSource } from './databaseSources.js';

/** Where a database's password comes from: SecretStorage in the editor, the environment in the CLI. */
export type DatabasePassword = (name: string) => Promise<string | undefined>;

/** For a server other than the managed local one: its drivers are sent to the session (AddArtifacts). */
export interface DriverShipping {
  /** Where jars fetched from Maven Central are kept. */
  readonly cacheDir: string;
  /** The drivers could not be sent (no network, a damaged jar): the server may have them installed. */
  readonly onFailure: (message: string) => void;
}

/**
 * Makes each database a catalog of the client's Spark session (Spark's `JDBCTableCatalog`), its
 * password sent with the Config RPC only. A new session needs this again. With `shipping`, the drivers'
 * jars go to the session first.
 */
export async function attachDatabases(
  client: SparkConnectClient,
  sources: readonly DatabaseSource[],
  password: DatabasePassword,
  shipping?: DriverShipping,
): Promise<void> {
  if (!sources.length) return;
  if (shipping) {
    try {
      const { driverArtifacts } = await import('./driverJars.js');
      await client.addArtifacts(await driverArtifacts(sources, shipping.cacheDir));
    } catch (error) {
      shipping.onFailure(
        `The JDBC drivers could not be sent to the Spark server (${(error as Error).message}); the databases work only if the server has them installed.`,
      );
    }
  }
  const settings: Record<string, string> = {};
  for (const source of sources) Object.assign(settings, catalogSettings(source, await password(source.name)));
  await client.setConfig(settings);
  client.noteDatabases(sources);
}

/**
 * The drivers these sources need that a running local server was not started with: it must be
 * restarted to load them (a JVM's classpath is fixed at its start).
 */
export function driversMissingFrom(server: LocalServerState, sources: readonly DatabaseSource[]): string[] {
  const { packages, jars } = serverDrivers(sources);
  return [...packages.filter((p) => !server.packages?.includes(p)), ...jars.filter((j) => !server.jars?.includes(j))];
}
