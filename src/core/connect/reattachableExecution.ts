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
import { retryTimeoutError, waitToRetry, type RetryDeadline, type RetryNotice } from './retryWait.js';
import { asSparkError, cancelledError, isRetryable, SparkError } from './sparkError.js';
import type { SessionContext } from './sessionContext.js';

export interface ExecutionCounters {
  responses: number;
  reattaches: number;
  retries: number;
}

/** Reattaching after a stream that ended without any new response; a server that keeps doing that is broken. */
const MAX_EMPTY_REATTACHES = 20;
/** How long a result stream may stay silent before we ask the server whether it is still there. */
const PROBE_AFTER_SILENCE_MS = 5_000;

export interface ReattachContext {
  readonly session: SessionContext;
  readonly retryPolicy: RetryPolicy;
  readonly counters: ExecutionCounters;
  /** Aborting it ends the run; an abort reason that is a SparkError is what the run fails with. */
  readonly signal?: AbortSignal;
  /**
   * The longest time the run goes without hearing from the server (a response, or an answer to a probe)
   * before it fails; none: the retry policy's budget alone (PySpark's, about ten minutes).
   */
  readonly retryTimeoutMs?: number;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Called for every response and answered probe: the server is there. */
  readonly onContact?: () => void;
  /** Asks the server, once and without retries, whether it is there; rejects when it is not. */
  readonly probe?: (deadlineMs: number) => Promise<void>;
}

/**
 * Runs an ExecutePlan as a reattachable execution and yields every response exactly once, following
 * PySpark's ExecutePlanResponseReattachableIterator: a stream that ends without ResultComplete, or
 * breaks with a retryable error, is resumed with ReattachExecute after the last response id seen;
 * responses already consumed are released so the server can free them. Leaving the loop early (break,
 * error, abort) releases the whole operation, which interrupts it on the server; `holdRelease` keeps the
 * operation for a caller that still watches it after a cancel (see CancelWatch).
 *
 * With a retry time limit, a silent stream is not trusted blindly: after a few seconds without a
 * response the server is probed, and the run fails once nothing was heard from it for the whole limit
 * (a server behind a dead proxy never refuses a connection, it just never answers).
 */
export async function* executeReattachable(
  context: ReattachContext,
  request: ExecutePlanRequest,
  holdRelease: () => boolean = () => false,
): AsyncGenerator<ExecutePlanResponse> {
  const { session, retryPolicy, counters, signal } = context;
  const operationId = request.operationId;
  if (!operationId) throw new Error('A reattachable execution needs a client-chosen operation id.');
  const releaser = new ResponseReleaser(session, operationId);
  const contact = new ContactWatch(context);
  let lastResponseId: string | undefined;
  let resultComplete = false;
  let attempt = 0;
  let emptyReattaches = 0;
  let receivedAny = false;
  let restartedInNewSession = false;
  const retry = (failure: SparkError) =>
    waitToRetry(
      {
        policy: retryPolicy,
        endpoint: session.transport.endpoint,
        deadline: contact.deadline(),
        signal,
        onRetry: context.onRetry,
      },
      attempt++,
      failure,
    );
  const executePlan = (attemptSignal: AbortSignal) =>
    session.transport.serverStream('ExecutePlan', ExecutePlanRequestSchema, ExecutePlanResponseSchema, request, {
      signal: attemptSignal,
    });
  let open = executePlan;
  try {
    for (;;) {
      let gotResponse = false;
      const guard = contact.guard(signal);
      try {
        for await (const response of open(guard.signal)) {
          session.observeServerSession(response.serverSideSessionId);
          contact.heard();
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
        if (signal?.aborted) throw signal.reason instanceof SparkError ? signal.reason : cancelledError(failure);
        if (guard.signal.aborted && guard.signal.reason instanceof SparkError) throw guard.signal.reason;
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
          await retry(failure);
          counters.retries++;
          open = executePlan;
          continue;
        }
        if (failure.kind === 'sessionChanged') {
          session.sessionLost(failure);
          if (receivedAny || restartedInNewSession) throw failure;
          // The server lost our session before this run began: nothing of it is lost, so run it in the new session.
          restartedInNewSession = true;
          request.sessionId = session.sessionId;
          request.clientObservedServerSideSessionId = undefined;
          open = executePlan;
          continue;
        }
        if (!isRetryable(failure)) throw failure;
        await retry(failure);
        counters.retries++;
      } finally {
        guard.dispose();
      }
      counters.reattaches++;
      open = (attemptSignal) =>
        session.transport.serverStream(
          'ReattachExecute',
          ReattachExecuteRequestSchema,
          ExecutePlanResponseSchema,
          create(ReattachExecuteRequestSchema, {
            ...session.requestHeader(),
            operationId,
            lastResponseId,
          }),
          { signal: attemptSignal },
        );
    }
  } finally {
    // Complete, failed or abandoned: the server may drop everything it kept for this operation, unless
    // a cancel watch still follows it.
    if (resultComplete || !holdRelease()) releaser.releaseAll();
  }
}

/**
 * Knows when the server was last heard from, and while a stream is open, probes a silent server and
 * ends the stream once the retry time limit passes without contact.
 */
class ContactWatch {
  private lastContact = Date.now();
  private probing = false;

  constructor(private readonly context: ReattachContext) {}

  heard(): void {
    this.lastContact = Date.now();
    this.context.onContact?.();
  }

  /** When retrying must give up: the limit after the last contact. */
  deadline(): RetryDeadline | undefined {
    const limitMs = this.context.retryTimeoutMs;
    return limitMs === undefined ? undefined : { at: this.lastContact + limitMs, limitMs };
  }

  /** A signal for one stream attempt: aborted with the caller's signal, or with a timeout error. */
  guard(outer: AbortSignal | undefined): { signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    const forward = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', forward, { once: true });
    if (outer?.aborted) forward();
    const limitMs = this.context.retryTimeoutMs;
    const probe = this.context.probe;
    const timer =
      limitMs === undefined || !probe
        ? undefined
        : setInterval(() => {
            const silentFor = Date.now() - this.lastContact;
            if (silentFor >= limitMs) {
              controller.abort(retryTimeoutError(this.context.session.transport.endpoint, limitMs));
              return;
            }
            if (silentFor >= PROBE_AFTER_SILENCE_MS && !this.probing) {
              this.probing = true;
              const answered = () => this.heard();
              probe(Math.min(PROBE_AFTER_SILENCE_MS, limitMs - silentFor))
                .then(answered, () => undefined)
                .finally(() => (this.probing = false))
                .catch(() => undefined);
            }
          }, 250);
    return {
      signal: controller.signal,
      dispose: () => {
        if (timer) clearInterval(timer);
        outer?.removeEventListener('abort', forward);
      },
    };
  }
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
    this.send({ case: 'releaseAll', value: {} }).catch(() => undefined);
  }

  private flush(): void {
    const until = this.pendingUntil;
    if (until === undefined || this.released) return;
    this.pendingUntil = undefined;
    this.inFlight = true;
    const next = () => {
      this.inFlight = false;
      this.flush();
    };
    this.send({ case: 'releaseUntil', value: { responseId: until } }).then(next, next);
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
