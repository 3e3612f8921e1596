import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

/**
 * The one runtime home per user that the CLI and the editor share: the pinned pyspark's venv (one per
 * version) and the registry of running local servers. SPARK_WORKBENCH_HOME overrides it (tests and CI
 * keep theirs in the project); otherwise the platform's folder for an application's data.
 */
export function defaultRuntimeHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.SPARK_WORKBENCH_HOME) return env.SPARK_WORKBENCH_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'spark-workbench');
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'spark-workbench');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'spark-workbench');
}

/** Where the registry of running local servers lives in a runtime home. */
export function serversDir(runtimeHome: string): string {
  return join(runtimeHome, 'servers');
}

/** Where the registry of running local clusters (master, workers, their logs) lives in a runtime home. */
export function clustersDir(runtimeHome: string): string {
  return join(runtimeHome, 'clusters');
}
