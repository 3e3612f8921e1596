// Bundles the extension host code and the CLI with esbuild (Node 20, CommonJS), and the webviews for
// the browser (one script and one stylesheet each). `--production` minifies and drops source maps.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// parquet-wasm loads its .wasm file from next to its script, so it ships unbundled in dist/vendor.
const external = ['parquet-wasm'];

function nodeOptions(production) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  };
}

/**
 * Every dynamic import in the extension's code becomes a require of dist/engine.js, which re-exports
 * what those imports name (src/engine.ts).
 */
const dynamicImportsToEngine = {
  name: 'dynamic-imports-to-engine',
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './engine.js', external: true } : undefined,
    );
  },
};

/**
 * The extension host code. Split (what ships): extension.js, loaded at activation, holds the VS Code
 * layer; engine.js (the Spark client with gRPC and protobuf, Arrow, result files, charts) loads on
 * first use, so activation parses a small file. Not split: one bundle with everything, the peer the
 * activation benchmark compares with.
 */
export function buildExtension({ outdir = 'dist', production = false, split = true } = {}) {
  const options = { ...nodeOptions(production), external: ['vscode', ...external] };
  const builds = [
    build({
      ...options,
      entryPoints: ['src/extension.ts'],
      outfile: `${outdir}/extension.js`,
      plugins: split ? [dynamicImportsToEngine] : [],
      // The engine loads through require (the extension host's module loader), not a native import().
      supported: { 'dynamic-import': false },
    }),
  ];
  if (split) builds.push(build({ ...options, entryPoints: ['src/engine.ts'], outfile: `${outdir}/engine.js` }));
  return Promise.all(builds);
}

async function buildAll(production) {
  // Start from nothing: a file left by an earlier build (a development source map) must not ship.
  rmSync('dist', { recursive: true, force: true });
  const builds = [
    // Vega is ESM with a top-level await, which CommonJS cannot bundle: the CLI imports it at run time.
    build({
      ...nodeOptions(production),
      entryPoints: ['src/cli/cli.ts'],
      outfile: 'dist/cli.js',
      external: [...external, 'vega', 'vega-lite'],
    }),
    buildExtension({ production }),
    // The SQL grammar (dt-sql-parser, ESM only, ~1 MB) runs in a worker thread of its own.
    build({
      ...nodeOptions(production),
      entryPoints: ['src/core/sql/completion/contextWorker.ts'],
      outfile: 'dist/sqlContextWorker.js',
    }),
  ];
  const vendor = 'dist/vendor/parquet-wasm';
  mkdirSync(vendor, { recursive: true });
  for (const file of readdirSync('node_modules/parquet-wasm/node'))
    copyFileSync(`node_modules/parquet-wasm/node/${file}`, `${vendor}/${file}`);

  // Webviews: plain browser scripts under a strict CSP (no eval), so bundled as one IIFE each.
  for (const name of ['results', 'pipelineGraph']) {
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
  // The notebook renderer: an ES module VS Code imports into the notebook's webview; stylesheets as text.
  builds.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'chrome120',
      format: 'esm',
      sourcemap: production ? false : 'linked',
      minify: true,
      logLevel: 'warning',
      loader: { '.css': 'text' },
      entryPoints: ['src/webview/notebookOutput/main.ts'],
      outfile: 'dist/webview/notebookOutput.js',
    }),
  );
  // In-host tests, loaded by the workbench's smoke-test driver (mocha comes from node_modules).
  if (existsSync('test/host/index.ts')) {
    for (const name of ['index', 'extension.test']) {
      builds.push(
        build({
          ...nodeOptions(production),
          entryPoints: [`test/host/${name}.ts`],
          outfile: `dist/test/host/${name}.js`,
          external: ['vscode', 'mocha'],
        }),
      );
    }
  }
  await Promise.all(builds);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildAll(process.argv.includes('--production'));
