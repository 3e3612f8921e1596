// Bundles the extension host code and the CLI with esbuild (one file each, Node 20, CommonJS).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const builds = [build({ ...common, entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js' })];
if (existsSync('src/extension.ts')) {
  builds.push(build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }));
}
// In-host tests, loaded by the workbench's smoke-test driver (mocha comes from node_modules).
if (existsSync('test/host/index.ts')) {
  for (const name of ['index', 'extension.test']) {
    builds.push(
      build({
        ...common,
        entryPoints: [`test/host/${name}.ts`],
        outfile: `dist/test/host/${name}.js`,
        external: ['vscode', 'mocha'],
      }),
    );
  }
}
await Promise.all(builds);
