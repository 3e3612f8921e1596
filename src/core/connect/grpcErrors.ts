import { fromBinary } from '@bufbuild/protobuf';
import { status as GrpcStatus, type Metadata } from '@grpc/grpc-js';
import { ErrorInfoSchema, RetryInfoSchema } from '../../generated/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../generated/google/rpc/status_pb.js';
import { SparkError } from './sparkError.js';

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
