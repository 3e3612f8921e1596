import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Disposable } from '../util/events.js';

/** A failure the helper reported: Python's message, and where in a user's file it happened. */
export class PythonHelperError extends Error {
  readonly errorClass: string | undefined;
  readonly pythonType: string;
  /** The definition file (relative to the pipeline's root) and line, when the failure is in one. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly traceback: string;

  constructor(reported: { message: string; type: string; errorClass?: string; file?: string; line?: number; traceback?: string }) {
    super(reported.message);
    this.name = 'PythonHelperError';
    this.pythonType = reported.type;
    this.errorClass = reported.errorClass;
    this.file = reported.file;
    this.line = reported.line;
    this.traceback = reported.traceback ?? '';
  }
}

export interface PythonHelperOptions {
  /** The interpreter (one with pyspark[connect]). */
  readonly python: string;
  /** python/spark_workbench_helper.py */
  readonly script: string;
  /** What the helper and the user code it runs print. */
  readonly log: (line: string) => void;
}

/**
 * The window's one Python helper process (pipelines' Python definitions; notebooks' Python cells join
 * the same one): JSON lines in and out, started on first use, started again after it died.
 */
export class PythonHelper implements Disposable {
  private process: ChildProcessWithoutNullStreams | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; onEvent?: (event: unknown) => void }
  >();
  private disposed = false;

  constructor(private readonly options: PythonHelperOptions) {}

  /** Calls `method`; rejects with a PythonHelperError when Python reports a failure. */
  request<T>(method: string, params: object, signal?: AbortSignal): Promise<T> {
    return this.send<T>(method, params, signal);
  }

  /**
   * Calls a method that reports events while it works (a notebook cell's output as it comes); they
   * reach `onEvent` in order, before the answer. `interrupt()` is how such a call is stopped early.
   */
  stream<T>(method: string, params: object, onEvent: (event: unknown) => void): Promise<T> {
    return this.send<T>(method, params, undefined, onEvent);
  }

  /** Interrupts the Python code that runs now (KeyboardInterrupt), keeping the process and its variables. */
  interrupt(): boolean {
    return this.process?.kill('SIGINT') ?? false;
  }

  /** Whether a process runs now (a dead one is started again by the next call). */
  get running(): boolean {
    return this.process !== undefined;
  }

  /** Ends the process now, as if it had died: calls waiting on it fail, the next call starts a new one. */
  kill(): void {
    this.stop();
  }

  private send<T>(method: string, params: object, signal?: AbortSignal, onEvent?: (event: unknown) => void): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The Python helper was closed.'));
    const child = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // Python cannot be interrupted between two of our messages: end the process; the next request starts a new one.
        this.stop();
        reject(new Error('The Python helper was stopped.'));
      };
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.waiting.set(id, {
        resolve: (value) => (settle(), resolve(value as T)),
        reject: (error) => (settle(), reject(error)),
        onEvent,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.process) return this.process;
    const child = spawn(this.options.python, ['-u', this.options.script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYSPARK_CONNECT_MODE_ENABLED: '1' },
    });
    this.process = child;
    createInterface({ input: child.stdout }).on('line', (line) => this.answer(line));
    createInterface({ input: child.stderr }).on('line', (line) => this.options.log(`[python] ${line}`));
    const ended = (reason: string) => {
      if (this.process !== child) return; // stopped on purpose: its calls were failed then
      this.process = undefined;
      this.failWaiting(new Error(`The Python helper stopped (${reason}).`));
    };
    child.on('error', (error) => ended(error.message));
    child.on('exit', (code, signal) => ended(signal ? `signal ${signal}` : `exit code ${code}`));
    return child;
  }

  private answer(line: string): void {
    let message: { id?: number; result?: unknown; event?: unknown; error?: ConstructorParameters<typeof PythonHelperError>[0] };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      this.options.log(`[python] ${line}`);
      return;
    }
    const waiting = message.id === undefined ? undefined : this.waiting.get(message.id);
    if (!waiting || message.id === undefined) return;
    if (message.event !== undefined) {
      waiting.onEvent?.(message.event);
      return;
    }
    this.waiting.delete(message.id);
    if (message.error) waiting.reject(new PythonHelperError(message.error));
    else waiting.resolve(message.result);
  }

  private stop(): void {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    child.kill('SIGKILL');
    this.failWaiting(new Error('The Python helper was stopped (its process was ended).'));
  }

  private failWaiting(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const call of waiting) call.reject(error);
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }
}
