import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { quoteIdentifier } from '../sql/sqlText.js';
import { environmentSessionConf, type Environment } from './environments.js';

/**
 * Puts a new session into an environment: its settings and variables (SQL reads them as `${name}`), and
 * its catalog and schema as the current ones. A schema that does not exist yet (no pipeline has run
 * there) is reported and left: unqualified names then resolve in the server's default.
 */
export async function enterEnvironment(
  client: Pick<SparkConnectClient, 'setConfig' | 'sql'>,
  environment: Environment,
  log: (line: string) => void,
): Promise<void> {
  const settings = environmentSessionConf(environment);
  if (Object.keys(settings).length) await client.setConfig(settings);
  if (environment.catalog) await client.sql(`USE CATALOG ${quoteIdentifier(environment.catalog)}`).toTable();
  if (environment.schema)
    await client
      .sql(`USE ${quoteIdentifier(environment.schema)}`)
      .toTable()
      .catch(() =>
        log(
          `The schema ${environment.schema} of the environment '${environment.name}' does not exist yet: a pipeline run creates it.`,
        ),
      );
}
