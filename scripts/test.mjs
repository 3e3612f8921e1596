// `npm test` on a fresh clone: installs the npm packages when missing (plain Node, no dependencies),
// then hands over to the TypeScript test runner, which installs the pinned Spark and runs every suite.
import { spawnSync } from 'node:child_process';
import { ensureNodeModules } from './ensureNodeModules.mjs';

ensureNodeModules();
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/run-tests.mts', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
