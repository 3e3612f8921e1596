// Kept free of gRPC and protobuf runtime imports: the VS Code layer loads this at activation, and the
// transport-specific decoding lives in grpcErrors.ts, loaded with the client on first use.
import type { FetchErrorDetailsResponse } from '../../generated/spark/connect/base_pb.js';
import { blankLiteralsAndComments } from '../sql/sqlText.js';

/** gRPC status codes used here (the numbers are fixed by the gRPC spec). */
const GRPC_UNAVAILABLE = 14;
const GRPC_INTERNAL = 13;

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
  /** The managed local server's process ended (crash, signal, out of memory, or a stop). */
  | 'serverStopped'
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

/**
 * Marks SparkErrors by a registered symbol, not by class identity: the extension loads the Spark client
 * in a bundle of its own, which has its own copy of this class, and `instanceof` must still hold.
 */
const SPARK_ERROR_BRAND = Symbol.for('spark-workbench.SparkError');

/** Every failure the client reports: a Spark error with its class and position, or a transport failure in plain words. */
export class SparkError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SPARK_ERROR_BRAND] === true;
  }

  readonly [SPARK_ERROR_BRAND] = true;
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

  /** A copy with another message (the same class, state, contexts). */
  withMessage(message: string): SparkError {
    return new SparkError({
      kind: this.kind,
      message,
      errorClass: this.errorClass,
      sqlState: this.sqlState,
      messageParameters: this.messageParameters,
      queryContexts: this.queryContexts,
      grpcCode: this.grpcCode,
      errorId: this.errorId,
      exceptionClass: this.exceptionClass,
      retryDelayMs: this.retryDelayMs,
      cause: this.cause,
    });
  }

  /** A copy with the details FetchErrorDetails returned (full message, query contexts). */
  withDetails(details: FetchErrorDetailsResponse): SparkError {
    const root = details.errors[details.rootErrorIdx ?? 0];
    if (!root) return this;
    const throwable = root.sparkThrowable;
    const message = (root.message || this.message).trim();
    const cause = GENERIC_ERROR_CLASSES.test(throwable?.errorClass ?? '') ? directCause(details, root) : undefined;
    return new SparkError({
      kind: this.kind,
      message: cause && !message.includes(cause) ? `${message} Cause: ${cause}` : message,
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

/**
 * Error classes whose message says only that something failed (a JDBC connection: "Couldn't connect
 * to the database"): what the person needs is in the cause (the database's own words).
 */
const GENERIC_ERROR_CLASSES = /^FAILED_JDBC\./;

/**
 * The message of the error that caused the root: the driver's own words ("FATAL: password
 * authentication failed for user …", "Connection to host:port refused. Check that …"), where the
 * errors under it say less ("Connection refused").
 */
function directCause(details: FetchErrorDetailsResponse, root: FetchErrorDetailsResponse['errors'][number]): string | undefined {
  const cause = root.causeIdx === undefined ? undefined : details.errors[root.causeIdx];
  return cause?.message.trim() || undefined;
}

export function parseErrorPosition(message: string): SqlParsePosition | undefined {
  const match = /\(line (\d+), pos (\d+)\)/.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
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
  if (error.grpcCode === GRPC_UNAVAILABLE) return true;
  return error.grpcCode === GRPC_INTERNAL && error.message.includes('INVALID_CURSOR.DISCONNECTED');
}

/**
 * A JDBC failure names the database by its redacted URL only (`jdbc:postgresql:*********(redacted)`):
 * the databases `text` reads (catalogs of the session, `crm.public.customers`) are named instead, with
 * their URLs (never with credentials: a source's URL holds none).
 */
export function namingDatabases(error: SparkError, text: string, databases: ReadonlyMap<string, string>): SparkError {
  if (!/^FAILED_JDBC\./.test(error.errorClass ?? '') || !databases.size) return error;
  const code = blankLiteralsAndComments(text);
  const read = [...databases].filter(([name]) =>
    new RegExp(`(^|[^\\w.\x60])\x60?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\x60?\\s*\\.`, 'i').test(code),
  );
  if (!read.length) return error;
  const named = read.map(([name, url]) => `the database ${name} (${url})`).join(' or ');
  const redacted = /jdbc:[a-z0-9]+:\*+\(redacted\)/i;
  return error.withMessage(
    redacted.test(error.message) ? error.message.replace(redacted, () => named) : `${error.message} (${named})`,
  );
}
