/**
 * Activation time: loading the extension bundle and running activate(), as the extension host does,
 * in a fresh Node process per round (a cold require, like a window opening). The shipped build (a small
 * extension.js; the Spark engine in engine.js, loaded on first use) is measured against the same code
 * as one bundle, in the same run, alternating. Goal: ≤ 50 ms.
 *
 * The `vscode` module is a stand-in that accepts every call (registering commands, views, status bar
 * items costs nothing here); the figure is our own code's cost. The in-host test (npm test -- e2e)
 * prints the same measurement inside a real workbench.
 *
 *   npm run bench:activation                    # 15 rounds, production (minified) bundles
 *   BENCH_ROUNDS=30 npm run bench:activation
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExtension } from '../scripts/build.mjs';
import { projectRoot } from '../scripts/runtimeDir.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const work = mkdtempSync(join(tmpdir(), 'sw-activation-'));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// A child process: a `vscode` stand-in, then the timed require + activate().
const child = `
const Module = require('node:module');
// Every property read is another stub, every call or \`new\` returns one, every write is kept.
const stub = (name) => {
  const props = new Map();
  return new Proxy(function () {}, {
    get: (target, prop) => {
      // Iterable as an empty list (open documents, folders, editors).
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      if (prop === 'fsPath' || prop === 'path') return '/tmp/sw-activation';
      if (!props.has(prop)) props.set(prop, stub(name + '.' + String(prop)));
      return props.get(prop);
    },
    set: (target, prop, value) => (props.set(prop, value), true),
    apply: () => stub(name + '()'),
    construct: () => stub('new ' + name),
  });
};
// A plain object of stubs: the bundle copies the module's own properties when it imports it.
const vscode = {};
for (const name of JSON.parse(process.env.VSCODE_NAMES)) vscode[name] = stub('vscode.' + name);
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const [bundle, storage] = process.argv.slice(2);
const context = {
  subscriptions: [],
  globalStorageUri: { fsPath: storage },
  extensionUri: stub('extensionUri'),
  extensionPath: storage,
  secrets: stub('secrets'),
  // Mementos as VS Code gives them: nothing stored yet.
  workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  globalState: { get: () => undefined, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined },
  extension: { packageJSON: { version: '0.0.0' } },
};
const started = performance.now();
const extension = require(bundle);
const loaded = performance.now();
extension.activate(context);
const activated = performance.now();
if (Object.keys(require.cache).some((file) => file.endsWith('engine.js'))) throw new Error('activation loaded the Spark engine');
process.stdout.write(JSON.stringify({ load: loaded - started, activate: activated - loaded }));
`;
const childFile = join(work, 'activate.cjs');
writeFileSync(childFile, child);

/** Every `vscode.X` the extension's code uses, so the stand-in has each (found in the sources, not listed by hand). */
function vscodeNames(): string[] {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(/\bvscode\.(\w+)/g)) names.add(match[1]!);
    }
  };
  visit(join(projectRoot, 'src'));
  return [...names].sort();
}
const standInEnv = { ...process.env, VSCODE_NAMES: JSON.stringify(vscodeNames()) };

function measure(bundle: string): { load: number; activate: number } {
  const result = spawnSync(process.execPath, [childFile, bundle, work], { encoding: 'utf8', env: standInEnv });
  if (result.status !== 0) throw new Error(`activation failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as { load: number; activate: number };
}

try {
  const splitDir = join(work, 'split');
  const singleDir = join(work, 'single');
  await buildExtension({ outdir: splitDir, production: true, split: true });
  await buildExtension({ outdir: singleDir, production: true, split: false });
  const sizes = {
    split: statSync(join(splitDir, 'extension.js')).size,
    engine: statSync(join(splitDir, 'engine.js')).size,
    single: statSync(join(singleDir, 'extension.js')).size,
  };
  const split: { load: number; activate: number }[] = [];
  const single: { load: number; activate: number }[] = [];
  measure(join(splitDir, 'extension.js')); // warm the disk cache for both
  measure(join(singleDir, 'extension.js'));
  for (let round = 0; round < rounds; round++) {
    split.push(measure(join(splitDir, 'extension.js')));
    single.push(measure(join(singleDir, 'extension.js')));
  }
  const total = (runs: { load: number; activate: number }[]) => median(runs.map((r) => r.load + r.activate));
  const line = (name: string, runs: { load: number; activate: number }[], bytes: number) =>
    `  ${name.padEnd(34)} ${total(runs).toFixed(1).padStart(6)} ms  (load ${median(runs.map((r) => r.load)).toFixed(1)} ms, ` +
    `activate() ${median(runs.map((r) => r.activate)).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KB parsed)`;
  console.log(`\nActivation, median of ${rounds} cold starts each (production bundles):`);
  console.log(line('shipped (extension.js + engine.js)', split, sizes.split));
  console.log(line('one bundle (peer)', single, sizes.single));
  console.log(`  engine.js, loaded on first use: ${(sizes.engine / 1024).toFixed(0)} KB`);
  console.log(
    `  ratio shipped / one bundle: ${(total(split) / total(single)).toFixed(2)}; goal ≤ 50 ms: ${total(split) <= 50 ? 'met' : 'not met'}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
