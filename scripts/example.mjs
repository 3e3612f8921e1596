// The main job on a fresh clone: installs what is missing (npm packages, the pinned pyspark and the
// Python helper's packages), builds, starts the local Spark server, runs the retail pipeline
// (examples/retail) against it and prints what it produced.
import { spawnSync } from 'node:child_process';
import { ensureNodeModules } from './ensureNodeModules.mjs';

ensureNodeModules();
const node = (args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
// The protocol code must exist before anything loads the client (it installs pyspark when missing).
for (const step of [['--import', 'tsx', 'scripts/generate-protos.mts'], ['scripts/build.mjs']]) {
  const status = node(step);
  if (status !== 0) process.exit(status);
}
process.exit(node(['--import', 'tsx', 'scripts/run-example.mts', ...process.argv.slice(2)]));
