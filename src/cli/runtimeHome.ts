import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultRuntimeHome } from '../core/localSpark/runtimeHome.js';

/** The runtime home the CLI shares with the editor (SPARK_WORKBENCH_HOME, else the user's data folder). */
export function runtimeHome(): string {
  return defaultRuntimeHome();
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
