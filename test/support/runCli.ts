import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, runtimeDir } from './sparkTestServer.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/cli.js through bin/), as a user would. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliResult> {
  return startCli(args, env, cwd).result;
}

/** Starts the built CLI and hands back its process (to signal it) and its result. */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'spark-workbench.js'), ...args], {
    cwd,
    env: { ...process.env, SPARK_REMOTE: '', SPARK_CONNECT_AUTHENTICATE_TOKEN: '', SPARK_WORKBENCH_HOME: runtimeDir(), ...env },
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, result };
}
