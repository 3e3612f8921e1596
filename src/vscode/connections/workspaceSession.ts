import { join } from 'node:path';
import { enterEnvironment } from '../../core/environments/enterEnvironment.js';
import type { ConnectionManagerOptions } from '../../core/session/connectionManager.js';
import type { DatabasePasswordStore } from '../databases/databasePasswords.js';
import { attachWorkspaceDatabases } from '../databases/registerDatabases.js';
import type { WorkspaceDatabases } from '../databases/workspaceDatabases.js';
import type { WorkbenchContext } from '../workbenchContext.js';

/**
 * What each new Spark session of the window gets before its first use: the environment of its
 * connection (settings, variables, catalog and schema), then spark-workbench.yml's databases as catalogs
 * (the environment's in place of the file's). Each part reports its own failure and the session goes on.
 */
export function workspaceSessionSetup(
  ctx: Pick<WorkbenchContext, 'host' | 'log' | 'failures'>,
  databases: WorkspaceDatabases,
  passwords: DatabasePasswordStore,
  runtimeDir: string,
): NonNullable<ConnectionManagerOptions['sessionSetup']> {
  return async (client, localServer, profile) => {
    const environment = profile.environment;
    if (environment)
      await enterEnvironment(client, environment, (line) => ctx.log.info(line)).catch(
        ctx.failures.catcher(`Entering the environment '${environment.name}'`),
      );
    await attachWorkspaceDatabases(
      ctx,
      databases,
      passwords,
      client,
      localServer,
      localServer ? undefined : join(runtimeDir, 'jdbc-drivers'),
      environment,
    ).catch(ctx.failures.catcher('Adding the databases of spark-workbench.yml to the Spark session'));
  };
}
