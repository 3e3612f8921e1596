import { Worker } from 'node:worker_threads';
import type { Disposable } from '../../util/events.js';
import type { SqlContext } from './sqlContext.js';

/**
 * Asks the grammar worker for a statement's context at an offset. The worker starts on first use and
 * warms up in the background (the grammar's first analysis is its slowest).
 */
export class SqlContextWorker implements Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  /** `script`: the absolute path of dist/sqlContextWorker.js. */
  constructor(private readonly script: string) {}

  /** Starts the worker and has it load the grammar, so the first completion is quick. */
  warmUp(): void {
    this.contextAt('SELECT 1 FROM t', 9).catch(() => undefined);
  }

  contextAt(statement: string, offset: number, signal?: AbortSignal): Promise<SqlContext> {
    return this.call<SqlContext>({ method: 'contextAt', statement, offset }, signal);
  }

  /** The tables a query reads (see tablesReadBy). */
  tablesRead(query: string): Promise<string[]> {
    return this.call<string[]>({ method: 'tablesRead', query });
  }

  private call<T>(request: object, signal?: AbortSignal): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(id);
        reject(new Error('cancelled'));
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.waiting.set(id, {
        resolve: (result) => (done(), resolve(result as T)),
        reject: (error) => (done(), reject(error)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, ...request });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.error === undefined) waiting?.resolve(message.result);
      else waiting?.reject(new Error(message.error));
    });
    const failAll = (error: Error) => {
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
      this.worker = undefined; // the next request starts a new one
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`The SQL grammar worker stopped (exit code ${code}).`)));
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) worker.terminate().catch(() => undefined);
  }
}
