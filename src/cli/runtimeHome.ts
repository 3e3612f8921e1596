import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding the pinned pyspark venv and local server state: SPARK_WORKBENCH_HOME, else `.spark`
 * in the package root (found by walking up from this file, which works from source and from dist/).
 */
export function runtimeHome(): string {
  if (process.env.SPARK_WORKBENCH_HOME) return process.env.SPARK_WORKBENCH_HOME;
  return join(packageRoot(), '.spark');
}

export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'spark-workbench')
      return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function packageVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '0.0.0';
  }
}
