import { create } from '@bufbuild/protobuf';
import {
  ExecutePlanRequestSchema,
  ExecutePlanResponseSchema,
  ReattachExecuteRequestSchema,
  ReleaseExecuteRequestSchema,
  ReleaseExecuteResponseSchema,
  type ExecutePlanRequest,
  type ExecutePlanResponse,
} from '../../generated/spark/connect/base_pb.js';
import type { RetryPolicy } from './retryPolicy.js';
import { asSparkError, cancelledError, isRetryable, SparkError } from './sparkError.js';
import type { SessionContext } from './sessionContext.js';

export interface ExecutionCounters {
  responses: number;
  reattaches: number;
  retries: number;
}

/** Reattaching after a stream that ended without any new response; a server that keeps doing that is broken. */
const MAX_EMPTY_REATTACHES = 20;

/**
 * Runs an ExecutePlan as a reattachable execution and yields every response exactly once, following
 * PySpark's ExecutePlanResponseReattachableIterator: a stream that ends without ResultComplete, or
 * breaks with a retryable error, is resumed with ReattachExecute after the last response id seen;
 * responses already consumed are released so the server can free them. Leaving the loop early (break,
 * error, abort) releases the whole operation, which interrupts it on the server.
 */
export async function* executeReattachable(
  session: SessionContext,
  request: ExecutePlanRequest,
  retryPolicy: RetryPolicy,
  counters: ExecutionCounters,
  signal?: AbortSignal,
): AsyncGenerator<ExecutePlanResponse> {
  const operationId = request.operationId;
  if (!operationId) throw new Error('A reattachable execution needs a client-chosen operation id.');
  const releaser = new ResponseReleaser(session, operationId);
  let lastResponseId: string | undefined;
  let resultComplete = false;
  let attempt = 0;
  let emptyReattaches = 0;
  let receivedAny = false;
  let restartedInNewSession = false;
  let stream = session.transport.serverStream('ExecutePlan', ExecutePlanRequestSchema, ExecutePlanResponseSchema, request, {
    signal,
  });
  try {
    for (;;) {
      let gotResponse = false;
      try {
        for await (const response of stream) {
          session.observeServerSession(response.serverSideSessionId);
          gotResponse = true;
          receivedAny = true;
          attempt = 0; // progress resets the backoff, so a long run survives many short outages
          counters.responses++;
          lastResponseId = response.responseId;
          if (response.responseType.case === 'resultComplete') {
            resultComplete = true;
            break;
          }
          releaser.releaseUntil(response.responseId);
          yield response;
        }
        if (resultComplete) return;
        emptyReattaches = gotResponse ? 0 : emptyReattaches + 1;
        if (emptyReattaches > MAX_EMPTY_REATTACHES) {
          throw new SparkError({
            kind: 'other',
            message: `The Spark server ended the result stream ${MAX_EMPTY_REATTACHES} times in a row without sending anything; giving up so no result is shown as complete when it is not.`,
          });
        }
      } catch (error) {
        const failure = asSparkError(error);
        if (signal?.aborted) throw cancelledError(failure);
        const lost =
          /INVALID_HANDLE\.(OPERATION_NOT_FOUND|SESSION_NOT_FOUND)/.test(failure.message) ||
          failure.errorClass?.startsWith('INVALID_HANDLE.OPERATION_NOT_FOUND');
        if (lost && receivedAny) {
          // We were reading this operation and the server no longer knows it: it restarted or dropped us.
          throw session.sessionLost(
            new SparkError({
              kind: 'sessionChanged',
              errorClass: failure.errorClass,
              message: `The Spark server at ${session.transport.endpoint} restarted or dropped this session during the run; the result is incomplete. Run it again.`,
              cause: failure,
            }),
          );
        }
        if (lost && !receivedAny) {
          // The first ExecutePlan never reached the server: send it again (through the backoff, see SPARK-44833).
          await backoff(retryPolicy, attempt++, failure, signal);
          counters.retries++;
          stream = session.transport.serverStream('ExecutePlan', ExecutePlanRequestSchema, ExecutePlanResponseSchema, request, {
            signal,
          });
          continue;
        }
        if (failure.kind === 'sessionChanged') {
          session.sessionLost(failure);
          if (receivedAny || restartedInNewSession) throw failure;
          // The server lost our session before this run began: nothing of it is lost, so run it in the new session.
          restartedInNewSession = true;
          request.sessionId = session.sessionId;
          request.clientObservedServerSideSessionId = undefined;
          stream = session.transport.serverStream('ExecutePlan', ExecutePlanRequestSchema, ExecutePlanResponseSchema, request, {
            signal,
          });
          continue;
        }
        if (!isRetryable(failure)) throw failure;
        await backoff(retryPolicy, attempt++, failure, signal);
        counters.retries++;
      }
      counters.reattaches++;
      stream = session.transport.serverStream(
        'ReattachExecute',
        ReattachExecuteRequestSchema,
        ExecutePlanResponseSchema,
        create(ReattachExecuteRequestSchema, {
          ...session.requestHeader(),
          operationId,
          lastResponseId,
        }),
        { signal },
      );
    }
  } finally {
    // Complete, failed or abandoned: the server may drop everything it kept for this operation.
    releaser.releaseAll();
  }
}

async function backoff(policy: RetryPolicy, attempt: number, failure: SparkError, signal?: AbortSignal): Promise<void> {
  const wait = policy.delayBeforeRetry(attempt, failure.retryDelayMs);
  if (wait === undefined) throw failure;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, wait);
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new SparkError({
          kind: 'cancelled',
          message: 'The operation was cancelled.',
        }),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends ReleaseExecute in the background, one call at a time: while one is in flight, later response
 * ids replace each other, so a fast stream costs a handful of release calls rather than one per batch.
 * Failures are ignored: releasing is a courtesy; the server frees everything at release_all or timeout.
 */
class ResponseReleaser {
  private inFlight = false;
  private pendingUntil: string | undefined;
  private released = false;

  constructor(
    private readonly session: SessionContext,
    private readonly operationId: string,
  ) {}

  releaseUntil(responseId: string): void {
    if (this.released) return;
    this.pendingUntil = responseId;
    if (!this.inFlight) this.flush();
  }

  releaseAll(): void {
    if (this.released) return;
    this.released = true;
    this.send({ case: 'releaseAll', value: {} });
  }

  private flush(): void {
    const until = this.pendingUntil;
    if (until === undefined || this.released) return;
    this.pendingUntil = undefined;
    this.inFlight = true;
    this.send({ case: 'releaseUntil', value: { responseId: until } }).finally(() => {
      this.inFlight = false;
      this.flush();
    });
  }

  private send(
    release: { case: 'releaseAll'; value: object } | { case: 'releaseUntil'; value: { responseId: string } },
  ): Promise<unknown> {
    const request = create(ReleaseExecuteRequestSchema, {
      ...this.session.requestHeader(),
      operationId: this.operationId,
      release: release as never,
    });
    return this.session.transport
      .unary('ReleaseExecute', ReleaseExecuteRequestSchema, ReleaseExecuteResponseSchema, request, { deadlineMs: 30_000 })
      .catch(() => undefined);
  }
}
