// The main job on a fresh clone: installs what is missing (npm packages, the pinned pyspark), starts the
// local Spark server, runs the example against it and prints the result.
import { spawnSync } from 'node:child_process';
import { ensureNodeModules } from './ensureNodeModules.mjs';

ensureNodeModules();
// The protocol code must exist before the runner's imports load (it installs pyspark when missing).
const tsx = (script, args = []) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' }).status ?? 1;
const generated = tsx('scripts/generate-protos.mts');
if (generated !== 0) process.exit(generated);
process.exit(tsx('scripts/run-example.mts', process.argv.slice(2)));
