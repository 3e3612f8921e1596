import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { assertLocalRuntimeSupported } from '../localSpark/platformSupport.js';
import type { Disposable } from '../util/events.js';

/** A failure the helper reported: Python's message, and where in a user's file it happened. */
export class PythonHelperError extends Error {
  readonly errorClass: string | undefined;
  readonly pythonType: string;
  /** The definition file (relative to the pipeline's root) and line, when the failure is in one. */
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly traceback: string;

  constructor(reported: {
    message: string;
    type: string;
    errorClass?: string;
    file?: string;
    line?: number;
    traceback?: string;
  }) {
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
  /** The platform it runs on (tests fake it). */
  readonly platform?: NodeJS.Platform;
  /** How long a request may wait for its answer once sent, by method; `default` for the rest. */
  readonly timeoutsMs?: Partial<Record<string, number>>;
}

/** The helper refuses longer request lines, so they are refused here before they are written. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * Bounds of a request once Python has it. Registering pipeline files runs the user's definitions
 * (and Spark's analysis of them); the others answer at once. A notebook cell runs until it ends or is
 * interrupted, so streamed calls have no bound but their signal.
 */
const DEFAULT_TIMEOUTS_MS: Record<string, number> = {
  default: 120_000,
  registerPipelineFiles: 600_000,
  ping: 60_000,
  variableValues: 30_000,
  forgetNotebook: 30_000,
};

/** After an interrupt, how long a streamed call may take to answer before the process is ended. */
const INTERRUPT_GRACE_MS = 5_000;

const seconds = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000)));

interface Call {
  readonly id: number;
  readonly method: string;
  readonly line: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onEvent?: (event: unknown) => void;
  readonly timeoutMs: number | undefined;
}

/**
 * The window's one Python helper process (pipelines' Python definitions; notebooks' Python cells join
 * the same one): JSON lines in and out, started on first use, started again after it died. Python
 * answers one request at a time, so requests are written one at a time: a request's bound starts when
 * Python gets it, and one still waiting its turn is dropped from the queue, not killed, when aborted.
 */
export class PythonHelper implements Disposable {
  private process: ChildProcessWithoutNullStreams | undefined;
  private nextId = 1;
  private readonly queue: Call[] = [];
  private current: { call: Call; timer: ReturnType<typeof setTimeout> | undefined } | undefined;
  private disposed = false;

  constructor(private readonly options: PythonHelperOptions) {}

  /**
   * Calls `method`; rejects with a PythonHelperError when Python reports a failure, and with an Error
   * when the request cannot be sent, is aborted, or is not answered within its bound (the process is
   * then ended: the next request starts a new one).
   */
  request<T>(method: string, params: object, signal?: AbortSignal): Promise<T> {
    return this.send<T>(method, params, { signal, timeoutMs: this.timeoutOf(method) });
  }

  /**
   * Calls a method that reports events while it works (a notebook cell's output as it comes); they
   * reach `onEvent` in order, before the answer. It is stopped early by `interrupt()`, or by `signal`:
   * an interrupt, then the process ended if Python has not answered within a few seconds.
   */
  stream<T>(method: string, params: object, onEvent: (event: unknown) => void, signal?: AbortSignal): Promise<T> {
    return this.send<T>(method, params, { signal, onEvent, timeoutMs: undefined });
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
    this.stop(new Error('The Python helper was stopped (its process was ended).'));
  }

  private timeoutOf(method: string): number {
    const own = this.options.timeoutsMs ?? {};
    return own[method] ?? DEFAULT_TIMEOUTS_MS[method] ?? own.default ?? DEFAULT_TIMEOUTS_MS.default!;
  }

  private send<T>(
    method: string,
    params: object,
    how: { signal?: AbortSignal; onEvent?: (event: unknown) => void; timeoutMs: number | undefined },
  ): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The Python helper was closed.'));
    if (how.signal?.aborted) return Promise.reject(new Error('The Python helper was stopped.'));
    const id = this.nextId++;
    let line: string;
    try {
      line = `${JSON.stringify({ id, method, params })}\n`;
    } catch (error) {
      return Promise.reject(
        new Error(`The request ${method} cannot be sent to Python: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    if (Buffer.byteLength(line) > MAX_REQUEST_BYTES)
      return Promise.reject(
        new Error(`The request ${method} is larger than the Python helper takes (${MAX_REQUEST_BYTES / 1024 / 1024} MiB).`),
      );
    return new Promise<T>((resolve, reject) => {
      const signal = how.signal;
      const onAbort = () => this.abort(call);
      const settle = () => signal?.removeEventListener('abort', onAbort);
      const call: Call = {
        id,
        method,
        line,
        resolve: (value) => (settle(), resolve(value as T)),
        reject: (error) => (settle(), reject(error)),
        onEvent: how.onEvent,
        timeoutMs: how.timeoutMs,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(call);
      this.pump();
    });
  }

  /** Writes the next queued request once Python has answered the one before. */
  private pump(): void {
    if (this.current || this.disposed) return;
    const call = this.queue.shift();
    if (!call) return;
    let child: ChildProcessWithoutNullStreams;
    try {
      child = this.start();
    } catch (error) {
      call.reject(error instanceof Error ? error : new Error(String(error)));
      this.pump();
      return;
    }
    const timer =
      call.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () =>
              this.stop(
                new Error(
                  `The Python helper did not answer ${call.method} within ${seconds(call.timeoutMs!)} s; its process was ended.`,
                ),
              ),
            call.timeoutMs,
          );
    this.current = { call, timer };
    child.stdin.write(call.line);
  }

  private abort(call: Call): void {
    const queued = this.queue.indexOf(call);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      call.reject(new Error('The Python helper was stopped.'));
      return;
    }
    if (this.current?.call !== call) return;
    if (!call.onEvent) {
      // Python cannot be interrupted between two of our messages: end the process; the next request starts a new one.
      this.stop(new Error('The Python helper was stopped.'));
      return;
    }
    this.interrupt();
    const grace = setTimeout(() => {
      if (this.current?.call === call)
        this.stop(new Error('The Python helper did not stop when interrupted; its process was ended.'));
    }, INTERRUPT_GRACE_MS);
    grace.unref?.();
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.process) return this.process;
    assertLocalRuntimeSupported('The Python helper (Python cells and definitions)', this.options.platform);
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
      this.failAll(new Error(`The Python helper stopped (${reason}).`));
    };
    child.on('error', (error) => ended(error.message));
    child.on('exit', (code, signal) => ended(signal ? `signal ${signal}` : `exit code ${code}`));
    // A write to a process that just died fails with EPIPE: its exit reports it, nothing is thrown.
    child.stdin.on('error', (error) => this.options.log(`[python] request not delivered: ${error.message}`));
    return child;
  }

  private answer(line: string): void {
    let message: {
      id?: number | null;
      result?: unknown;
      event?: unknown;
      error?: ConstructorParameters<typeof PythonHelperError>[0];
    };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      this.options.log(`[python] ${line}`);
      return;
    }
    const current = this.current;
    if (!current || typeof message !== 'object' || message === null || message.id !== current.call.id) {
      this.options.log(`[python] an answer to no waiting request: ${line.slice(0, 200)}`);
      return;
    }
    if (message.event !== undefined) {
      current.call.onEvent?.(message.event);
      return;
    }
    clearTimeout(current.timer);
    this.current = undefined;
    if (message.error) current.call.reject(new PythonHelperError(message.error));
    else current.call.resolve(message.result);
    this.pump();
  }

  private stop(error: Error): void {
    const child = this.process;
    this.process = undefined;
    child?.kill('SIGKILL');
    this.failAll(error);
  }

  /** The request Python had fails with `error`; those still queued go to the next process. */
  private failAll(error: Error): void {
    const current = this.current;
    this.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.call.reject(error);
    }
    if (this.disposed) for (const call of this.queue.splice(0)) call.reject(error);
    else this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new Error('The Python helper was closed.'));
  }
}
