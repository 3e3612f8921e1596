// The SQL grammar in a worker thread (bundled to dist/sqlContextWorker.js): loading it takes a second or
// more and each analysis tens of milliseconds, which must not block the extension host's one thread.
import { parentPort } from 'node:worker_threads';
import { sqlContextAt } from './sqlContext.js';

/** Parsing half-typed statements, the grammar reports syntax errors on stderr: noise here. */
const original = console.error;
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && /^line \d+:\d+ /.test(args[0])) return;
  original(...args);
};

parentPort?.on('message', (request: { id: number; statement: string; offset: number }) => {
  try {
    parentPort?.postMessage({ id: request.id, context: sqlContextAt(request.statement, request.offset) });
  } catch (error) {
    parentPort?.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
