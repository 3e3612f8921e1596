import { fromBinary } from '@bufbuild/protobuf';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { ErrorInfoSchema, RetryInfoSchema } from '../../generated/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../generated/google/rpc/status_pb.js';
import type { FetchErrorDetailsResponse } from '../../generated/spark/connect/base_pb.js';

/** Where in the SQL text an error points: 0-based UTF-16 offsets, stop inclusive (Spark's convention). */
export interface SqlQueryContext {
  readonly startIndex: number;
  readonly stopIndex: number;
  readonly fragment: string;
  /** Non-empty when the error is inside a view, e.g. objectType 'VIEW'; then the offsets refer to the view text. */
  readonly objectType: string;
  readonly objectName: string;
}

/** A parse error's position: 1-based line, 0-based column within that line (ANTLR's convention). */
export interface SqlParsePosition {
  readonly line: number;
  readonly column: number;
}

export type SparkErrorKind =
  /** The server answered with a Spark error (analysis, parse, runtime). */
  | 'spark'
  /** The server could not be reached or went away. */
  | 'unavailable'
  /** The token was missing or rejected. */
  | 'unauthenticated'
  /** The server's session is not the one we talked to before (server restart, session expiry). */
  | 'sessionChanged'
  /** We cancelled the operation. */
  | 'cancelled'
  | 'deadlineExceeded'
  | 'other';

export interface SparkErrorInit {
  readonly kind: SparkErrorKind;
  readonly message: string;
  readonly errorClass?: string;
  readonly sqlState?: string;
  readonly messageParameters?: Readonly<Record<string, string>>;
  readonly queryContexts?: readonly SqlQueryContext[];
  readonly grpcCode?: number;
  readonly errorId?: string;
  readonly exceptionClass?: string;
  /** Server-suggested wait before retrying (google.rpc.RetryInfo). */
  readonly retryDelayMs?: number;
  readonly cause?: unknown;
}

/** Every failure the client reports: a Spark error with its class and position, or a transport failure in plain words. */
export class SparkError extends Error {
  readonly kind: SparkErrorKind;
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Readonly<Record<string, string>>;
  readonly queryContexts: readonly SqlQueryContext[];
  readonly grpcCode: number | undefined;
  readonly errorId: string | undefined;
  readonly exceptionClass: string | undefined;
  readonly retryDelayMs: number | undefined;

  constructor(init: SparkErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'SparkError';
    this.kind = init.kind;
    this.errorClass = init.errorClass;
    this.sqlState = init.sqlState;
    this.messageParameters = init.messageParameters ?? {};
    this.queryContexts = init.queryContexts ?? [];
    this.grpcCode = init.grpcCode;
    this.errorId = init.errorId;
    this.exceptionClass = init.exceptionClass;
    this.retryDelayMs = init.retryDelayMs;
  }

  /** The position of a parse error, read from the message's "(line L, pos P)". */
  get parsePosition(): SqlParsePosition | undefined {
    return parseErrorPosition(this.message);
  }

  /** The first SQL context outside any view: the part of the submitted text the error is about. */
  get sqlContext(): SqlQueryContext | undefined {
    return this.queryContexts.find((c) => c.objectType === '') ?? undefined;
  }

  /** A copy with the details FetchErrorDetails returned (full message, query contexts). */
  withDetails(details: FetchErrorDetailsResponse): SparkError {
    const root = details.errors[details.rootErrorIdx ?? 0];
    if (!root) return this;
    const throwable = root.sparkThrowable;
    return new SparkError({
      kind: this.kind,
      message: (root.message || this.message).trim(),
      errorClass: throwable?.errorClass ?? this.errorClass,
      sqlState: throwable?.sqlState ?? this.sqlState,
      messageParameters:
        throwable && Object.keys(throwable.messageParameters).length ? throwable.messageParameters : this.messageParameters,
      queryContexts: (throwable?.queryContexts ?? [])
        .filter((c) => c.contextType === 0)
        .map((c) => ({
          startIndex: c.startIndex,
          stopIndex: c.stopIndex,
          fragment: c.fragment,
          objectType: c.objectType,
          objectName: c.objectName,
        })),
      grpcCode: this.grpcCode,
      errorId: this.errorId,
      exceptionClass: root.errorTypeHierarchy[0] ?? this.exceptionClass,
      retryDelayMs: this.retryDelayMs,
      cause: this.cause,
    });
  }
}

export function parseErrorPosition(message: string): SqlParsePosition | undefined {
  const match = /\(line (\d+), pos (\d+)\)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
}

interface GrpcLikeError {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

/**
 * Turns a grpc-js error into a SparkError: Spark's ErrorInfo (class, SQL state, parameters, error id)
 * from the `grpc-status-details-bin` trailer, RetryInfo, and a plain sentence for transport failures.
 */
export function sparkErrorFromGrpc(error: unknown, endpoint: string): SparkError {
  if (error instanceof SparkError) return error;
  const grpc = error as GrpcLikeError;
  const code = typeof grpc.code === 'number' ? grpc.code : undefined;
  const serverMessage = grpc.details ?? grpc.message ?? String(error);
  const info = decodeStatusDetails(grpc.metadata);
  const base = {
    grpcCode: code,
    cause: error,
    errorClass: info.errorClass,
    sqlState: info.sqlState,
    messageParameters: info.messageParameters,
    errorId: info.errorId,
    exceptionClass: info.exceptionClass,
    retryDelayMs: info.retryDelayMs,
  };
  if (info.errorClass?.startsWith('INVALID_HANDLE.SESSION_CHANGED')) {
    return new SparkError({
      ...base,
      kind: 'sessionChanged',
      message: `The Spark server at ${endpoint} restarted or dropped this session; the next request starts a new session.`,
    });
  }
  switch (code) {
    case GrpcStatus.UNAVAILABLE:
      return new SparkError({
        ...base,
        kind: 'unavailable',
        message: `Cannot reach the Spark server at ${endpoint}: ${describeUnavailable(serverMessage)}.`,
      });
    case GrpcStatus.UNAUTHENTICATED:
      return new SparkError({
        ...base,
        kind: 'unauthenticated',
        message: /no authentication token/i.test(serverMessage)
          ? `The Spark server at ${endpoint} requires a token, and none was given.`
          : `The Spark server at ${endpoint} rejected the token.`,
      });
    case GrpcStatus.CANCELLED:
      return new SparkError({
        ...base,
        kind: 'cancelled',
        message: 'The operation was cancelled.',
      });
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new SparkError({
        ...base,
        kind: 'deadlineExceeded',
        message: `The Spark server at ${endpoint} did not answer in time.`,
      });
    default:
      return new SparkError({
        ...base,
        kind: info.errorClass || code === GrpcStatus.INTERNAL || code === GrpcStatus.UNKNOWN ? 'spark' : 'other',
        message: serverMessage,
      });
  }
}

function describeUnavailable(message: string): string {
  if (/ECONNREFUSED|Connection refused|connect ECONN/i.test(message)) return 'connection refused (is the server running?)';
  if (/ENOTFOUND|Name resolution|getaddrinfo/i.test(message)) return 'the host name could not be resolved';
  if (/ETIMEDOUT|timed out/i.test(message)) return 'the connection timed out';
  if (/ECONNRESET|reset|closed|ended|EPIPE/i.test(message)) return 'the connection was closed';
  return message.replace(/^\d+ UNAVAILABLE: /, '');
}

interface StatusDetails {
  errorClass?: string;
  sqlState?: string;
  messageParameters?: Record<string, string>;
  errorId?: string;
  exceptionClass?: string;
  retryDelayMs?: number;
}

function decodeStatusDetails(metadata: Metadata | undefined): StatusDetails {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!raw || typeof raw === 'string') return {};
  const result: StatusDetails = {};
  try {
    const status = fromBinary(StatusSchema, raw);
    for (const detail of status.details) {
      if (detail.typeUrl.endsWith('/google.rpc.ErrorInfo')) {
        const info = fromBinary(ErrorInfoSchema, detail.value);
        result.exceptionClass = info.reason || undefined;
        result.errorClass = info.metadata.errorClass;
        result.sqlState = info.metadata.sqlState;
        result.errorId = info.metadata.errorId;
        if (info.metadata.messageParameters) {
          try {
            result.messageParameters = JSON.parse(info.metadata.messageParameters) as Record<string, string>;
          } catch {
            // cut or malformed: FetchErrorDetails has the full parameters
          }
        }
      } else if (detail.typeUrl.endsWith('/google.rpc.RetryInfo')) {
        const delay = fromBinary(RetryInfoSchema, detail.value).retryDelay;
        if (delay) result.retryDelayMs = Number(delay.seconds) * 1000 + Math.floor(delay.nanos / 1e6);
      }
    }
  } catch {
    // undecodable details: the status message alone still explains the error
  }
  return result;
}

/** Any thrown value as a SparkError (a bug or an unexpected failure becomes kind 'other'). */
export function asSparkError(error: unknown): SparkError {
  return error instanceof SparkError ? error : new SparkError({ kind: 'other', message: String(error), cause: error });
}

/** The error a run ends with when we cancelled it, whatever the transport said at that moment. */
export function cancelledError(cause?: SparkError): SparkError {
  return cause?.kind === 'cancelled'
    ? cause
    : new SparkError({ kind: 'cancelled', message: 'The operation was cancelled.', cause });
}

/** Errors worth retrying, by PySpark's rules: UNAVAILABLE, a preempted cursor, or a server RetryInfo. */
export function isRetryable(error: SparkError): boolean {
  if (error.retryDelayMs !== undefined) return true;
  if (error.grpcCode === GrpcStatus.UNAVAILABLE) return true;
  return error.grpcCode === GrpcStatus.INTERNAL && error.message.includes('INVALID_CURSOR.DISCONNECTED');
}
