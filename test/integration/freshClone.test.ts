import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot, runtimeDir } from '../support/sparkTestServer.js';

/** Runs a command to its end, failing with its output when it fails. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

describe('the documented commands on a fresh clone', function () {
  this.timeout(600_000);

  it('npm ci && npm run build makes the CLI, and npm run package makes an installable .vsix', async () => {
    const root = projectRoot();
    const clone = mkdtempSync(join(tmpdir(), 'sw-clone-'));
    try {
      // What a clone holds: the repository's files, none of the generated or installed ones.
      const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
        cwd: root,
        encoding: 'utf8',
      })
        .split('\0')
        .filter((file) => file && existsSync(join(root, file)));
      for (const file of files) {
        mkdirSync(dirname(join(clone, file)), { recursive: true });
        cpSync(join(root, file), join(clone, file));
      }
      assert.ok(!existsSync(join(clone, 'src/generated')) && !existsSync(join(clone, 'dist')), 'nothing generated is copied');
      await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone);
      // The pinned pyspark (the protocol's source) is reused from this run rather than downloaded again.
      const reuseRuntime = { SPARK_WORKBENCH_HOME: runtimeDir() };
      await run('npm', ['run', 'build'], clone, reuseRuntime);
      const version = await run(process.execPath, ['bin/spark-workbench.js', '--version'], clone);
      assert.match(version.trim(), /^\d+\.\d+\.\d+$/);
      const help = await run(process.execPath, ['bin/spark-workbench.js', 'sql', '--help'], clone);
      assert.match(help, /--retry-timeout <seconds>/);
      await run('npm', ['run', 'package'], clone, reuseRuntime);
      const vsix = join(clone, 'spark-workbench.vsix');
      assert.ok(existsSync(vsix), 'npm run package wrote spark-workbench.vsix');
      const listing = execFileSync('unzip', ['-l', vsix], { encoding: 'utf8' });
      for (const entry of [
        'extension/package.json',
        'extension/dist/extension.js',
        'extension/dist/engine.js',
        'extension/dist/webview/results.js',
        'extension/CHANGELOG.md',
        'extension/media/icon.png',
        // The images README shows resolve inside the package.
        ...[...readFileSync(join(clone, 'README.md'), 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(
          (m) => `extension/${m[1]}`,
        ),
      ])
        // vsce names README and CHANGELOG in lower case inside the package.
        assert.ok(listing.toLowerCase().includes(entry.toLowerCase()), `${entry} is in the package`);
      assert.ok(!/\.map\b/.test(listing), 'no source maps ship');
      const megabytes = statSync(vsix).size / 1e6;
      console.log(`      spark-workbench.vsix: ${megabytes.toFixed(1)} MB`);
      assert.ok(megabytes < 10, `the package stays lean (${megabytes.toFixed(1)} MB)`);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
