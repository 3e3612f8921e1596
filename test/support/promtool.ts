import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeDir } from './sparkTestServer.js';

/** Debian's promtool: on the PATH, or unpacked into the runtime home's test tools by .ci/run. */
export function promtoolPath(): string {
  const unpacked = join(runtimeDir(), 'test-tools', 'prometheus', 'usr', 'bin', 'promtool');
  if (existsSync(unpacked)) return unpacked;
  const onPath = spawnSync('promtool', ['--version']);
  if (onPath.status === 0) return 'promtool';
  throw new Error(`promtool is missing: .ci/run unpacks Debian's prometheus package into ${unpacked}.`);
}

/** Runs promtool; its output, or a thrown error with what it said. */
export function promtool(args: string[], input?: string, cwd?: string): string {
  return execFileSync(promtoolPath(), args, { input, cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}
