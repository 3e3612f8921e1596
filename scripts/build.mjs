// Bundles the extension host code and the CLI with esbuild (one file each, Node 20, CommonJS), and the
// webviews for the browser (one script and one stylesheet each).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

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

// parquet-wasm loads its .wasm file from next to its script, so it ships unbundled in dist/vendor.
const external = ['parquet-wasm'];
// Vega is ESM with a top-level await, which CommonJS cannot bundle: the CLI imports it at run time.
const builds = [
  build({ ...common, entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', external: [...external, 'vega', 'vega-lite'] }),
];
if (existsSync('src/extension.ts')) {
  builds.push(
    build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...external] }),
  );
}
const vendor = 'dist/vendor/parquet-wasm';
mkdirSync(vendor, { recursive: true });
for (const file of readdirSync('node_modules/parquet-wasm/node'))
  copyFileSync(`node_modules/parquet-wasm/node/${file}`, `${vendor}/${file}`);

// Webviews: plain browser scripts under a strict CSP (no eval), so bundled as one IIFE each.
for (const name of ['results']) {
  builds.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'chrome120',
      format: 'iife',
      sourcemap: production ? false : 'linked',
      minify: true,
      logLevel: 'warning',
      entryPoints: [`src/webview/${name}/main.ts`],
      outfile: `dist/webview/${name}.js`,
    }),
  );
  mkdirSync('dist/webview', { recursive: true });
  copyFileSync(`src/webview/${name}/${name}.css`, `dist/webview/${name}.css`);
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
