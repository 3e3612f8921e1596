// Bundles the extension host code and the CLI with esbuild (Node 20, CommonJS), and the webviews for
// the browser (one script and one stylesheet each). `--production` minifies and drops source maps.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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

const ENGINE_MODULE = 'engine-module';

/**
 * Sends every dynamic import of the extension's code to dist/engine.js, and derives the engine from
 * those imports: each imported module is one entry of the engine's `modules` table, under the path it
 * was imported by, so an import can never name something the engine lacks. The extension bundle gets
 * a small module per import that requires the engine and takes that entry, at the import's first run.
 */
function dynamicImportsToEngine(modules) {
  return {
    name: 'dynamic-imports-to-engine',
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const resolved = await plugin.resolve(args.path, { resolveDir: args.resolveDir, kind: 'import-statement' });
        if (resolved.errors.length) return { errors: resolved.errors };
        const key = resolved.path.startsWith(projectRoot) ? relative(projectRoot, resolved.path).split(sep).join('/') : args.path;
        modules.set(key, resolved.path);
        // A CommonJS name of its own: a key ending in .mjs would make esbuild read the proxy as ESM.
        return { path: `${key}.cjs`, namespace: ENGINE_MODULE, pluginData: key };
      });
      plugin.onResolve({ filter: /^\.\/engine\.js$/, namespace: ENGINE_MODULE }, () => ({ path: './engine.js', external: true }));
      plugin.onLoad({ filter: /.*/, namespace: ENGINE_MODULE }, (args) => ({
        contents: `module.exports = require('./engine.js').modules[${JSON.stringify(args.pluginData)}];`,
        loader: 'js',
      }));
    },
  };
}

/** The engine's entry: one namespace per module the extension imports dynamically, keyed as above. */
export function engineEntry(modules) {
  const entries = [...modules].sort(([a], [b]) => a.localeCompare(b));
  const imports = entries.map(([, path], i) => `import * as m${i} from ${JSON.stringify(path)};`);
  const table = entries.map(([key], i) => `  ${JSON.stringify(key)}: m${i},`);
  return `${imports.join('\n')}\nexport const modules = {\n${table.join('\n')}\n};\n`;
}

/**
 * The extension host code. Split (what ships): extension.js, loaded at activation, holds the VS Code
 * layer; engine.js (the Spark client with gRPC and protobuf, Arrow, result files, charts) loads on
 * first use, so activation parses a small file. Not split: one bundle with everything, the peer the
 * activation benchmark compares with. Resolves to the engine's module keys.
 */
export async function buildExtension({ outdir = 'dist', production = false, split = true } = {}) {
  const options = { ...nodeOptions(production), external: ['vscode', ...external] };
  const modules = new Map();
  await build({
    ...options,
    entryPoints: ['src/extension.ts'],
    outfile: `${outdir}/extension.js`,
    plugins: split ? [dynamicImportsToEngine(modules)] : [],
    // The engine loads through require (the extension host's module loader), not a native import().
    supported: { 'dynamic-import': false },
  });
  if (!split) return [];
  if (modules.size === 0) throw new Error('The extension imports nothing dynamically: the engine bundle would be empty.');
  await build({
    ...options,
    stdin: { contents: engineEntry(modules), resolveDir: projectRoot, sourcefile: 'engine-entry.js', loader: 'js' },
    outfile: `${outdir}/engine.js`,
  });
  return [...modules.keys()];
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
  for (const name of ['results', 'pipelineGraph', 'dashboard']) {
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
  // The API's types, shipped for other extensions as they are written (the file holds types only).
  mkdirSync('dist/api', { recursive: true });
  copyFileSync('src/api/sparkWorkbenchApi.ts', 'dist/api/spark-workbench.d.ts');
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
