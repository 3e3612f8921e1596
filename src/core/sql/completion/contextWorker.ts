// The SQL grammar in a worker thread (bundled to dist/sqlContextWorker.js): loading it takes a second or
// more and each analysis tens of milliseconds, which must not block the extension host's one thread.
import { parentPort } from 'node:worker_threads';
import { sqlContextAt, tablesReadBy } from './sqlContext.js';

/** Parsing half-typed statements, the grammar reports syntax errors on stderr: noise here. */
const original = console.error;
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && /^line \d+:\d+ /.test(args[0])) return;
  original(...args);
};

type Request =
  | { readonly id: number; readonly method: 'contextAt'; readonly statement: string; readonly offset: number }
  | { readonly id: number; readonly method: 'tablesRead'; readonly query: string };

parentPort?.on('message', (request: Request) => {
  try {
    const result =
      request.method === 'tablesRead' ? tablesReadBy(request.query) : sqlContextAt(request.statement, request.offset);
    parentPort?.postMessage({ id: request.id, result });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
