import { spawn, type SpawnOptions } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion, collecting its output; never throws for a non-zero exit. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { onOutput?: (line: string) => void } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const forward = (chunk: Buffer, sink: 'out' | 'err') => {
      const text = chunk.toString('utf8');
      if (sink === 'out') stdout += text;
      else stderr += text;
      if (options.onOutput) for (const line of text.split(/\r?\n/)) if (line.trim()) options.onOutput(line);
    };
    child.stdout?.on('data', (c: Buffer) => forward(c, 'out'));
    child.stderr?.on('data', (c: Buffer) => forward(c, 'err'));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
