// The main job on a fresh clone: installs what is missing (npm packages, the pinned pyspark), starts the
// local Spark server, runs the example against it and prints the result.
import { spawnSync } from 'node:child_process';
import { ensureNodeModules } from './ensureNodeModules.mjs';

ensureNodeModules();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-example.mts', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
