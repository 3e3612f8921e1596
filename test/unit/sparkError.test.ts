import { create, toBinary } from '@bufbuild/protobuf';
import { anyPack, DurationSchema, type Any } from '@bufbuild/protobuf/wkt';
import { Metadata, status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { ErrorInfoSchema, RetryInfoSchema } from '../../src/generated/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../src/generated/google/rpc/status_pb.js';
import { FetchErrorDetailsResponseSchema } from '../../src/generated/spark/connect/base_pb.js';
import { sparkErrorFromGrpc } from '../../src/core/connect/grpcErrors.js';
import { asSparkError, cancelledError, isRetryable, parseErrorPosition, SparkError } from '../../src/core/connect/sparkError.js';

/** A grpc-js trailer carrying a google.rpc.Status with the given packed details, as Spark sends it. */
function trailer(...details: Any[]): Metadata {
  const metadata = new Metadata();
  const packed = create(StatusSchema, { code: status.INTERNAL, message: 'x', details });
  metadata.set('grpc-status-details-bin', Buffer.from(toBinary(StatusSchema, packed)));
  return metadata;
}

function errorInfo(reason: string, metadata: Record<string, string>): Any {
  return anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason, domain: 'org.apache.spark', metadata }));
}

function retryInfo(seconds: bigint, nanos: number): Any {
  return anyPack(RetryInfoSchema, create(RetryInfoSchema, { retryDelay: create(DurationSchema, { seconds, nanos }) }));
}

const fromGrpc = (code: number | undefined, details: string, metadata?: Metadata) =>
  sparkErrorFromGrpc({ code, details, metadata }, 'spark.example.com:15002');

describe('mapping gRPC failures to SparkError', () => {
  describe('transport failures in plain sentences', () => {
    it('UNAVAILABLE with a refused connection', () => {
      const cause = {
        code: status.UNAVAILABLE,
        details: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1',
      };
      const refused = sparkErrorFromGrpc(cause, '127.0.0.1:1');
      assert.ok(refused instanceof SparkError);
      assert.equal(refused.name, 'SparkError');
      assert.equal(refused.kind, 'unavailable');
      assert.equal(refused.grpcCode, status.UNAVAILABLE);
      assert.equal(refused.message, 'Cannot reach the Spark server at 127.0.0.1:1: connection refused (is the server running?).');
      assert.equal(refused.cause, cause);
      assert.equal(refused.errorClass, undefined);
      assert.deepEqual(refused.messageParameters, {});
      assert.deepEqual(refused.queryContexts, []);
    });

    it('UNAVAILABLE for other network reasons', () => {
      const cases: [string, string][] = [
        ['getaddrinfo ENOTFOUND nowhere.invalid', 'the host name could not be resolved'],
        ['Name resolution failed for target dns:nowhere', 'the host name could not be resolved'],
        ['connect ETIMEDOUT 10.0.0.1:15002', 'the connection timed out'],
        ['read ECONNRESET', 'the connection was closed'],
        ['Connection dropped', 'Connection dropped'],
        ['14 UNAVAILABLE: Server is shutting down', 'Server is shutting down'],
      ];
      for (const [details, reason] of cases) {
        const error = fromGrpc(status.UNAVAILABLE, details);
        assert.equal(error.kind, 'unavailable', details);
        assert.equal(error.message, `Cannot reach the Spark server at spark.example.com:15002: ${reason}.`, details);
      }
    });

    it('UNAUTHENTICATED: a rejected token and a missing one', () => {
      const rejected = sparkErrorFromGrpc({ code: status.UNAUTHENTICATED, details: 'Invalid authentication token' }, 'h:1');
      assert.equal(rejected.kind, 'unauthenticated');
      assert.equal(rejected.grpcCode, status.UNAUTHENTICATED);
      assert.equal(rejected.message, 'The Spark server at h:1 rejected the token.');
      const missing = sparkErrorFromGrpc({ code: status.UNAUTHENTICATED, details: 'No authentication token provided' }, 'h:1');
      assert.equal(missing.kind, 'unauthenticated');
      assert.equal(missing.message, 'The Spark server at h:1 requires a token, and none was given.');
    });

    it('CANCELLED and DEADLINE_EXCEEDED', () => {
      const cancelled = fromGrpc(status.CANCELLED, 'Cancelled on client');
      assert.equal(cancelled.kind, 'cancelled');
      assert.equal(cancelled.message, 'The operation was cancelled.');
      assert.equal(cancelled.grpcCode, status.CANCELLED);
      const late = fromGrpc(status.DEADLINE_EXCEEDED, 'Deadline exceeded');
      assert.equal(late.kind, 'deadlineExceeded');
      assert.equal(late.message, 'The Spark server at spark.example.com:15002 did not answer in time.');
    });

    it('INTERNAL and UNKNOWN carry the server message as a Spark error', () => {
      const details = '[DIVIDE_BY_ZERO] Division by zero. SQLSTATE: 22012';
      const internal = fromGrpc(status.INTERNAL, details);
      assert.equal(internal.kind, 'spark');
      assert.equal(internal.message, details);
      assert.equal(internal.grpcCode, status.INTERNAL);
      assert.equal(fromGrpc(status.UNKNOWN, 'boom').kind, 'spark');
    });

    it('other codes without a Spark error class are kind other', () => {
      const error = fromGrpc(status.INVALID_ARGUMENT, 'bad plan');
      assert.equal(error.kind, 'other');
      assert.equal(error.message, 'bad plan');
    });

    it('non-gRPC errors keep their message, and a SparkError passes through unchanged', () => {
      const plain = sparkErrorFromGrpc(new Error('socket hang up'), 'h:1');
      assert.equal(plain.kind, 'other');
      assert.equal(plain.message, 'socket hang up');
      assert.equal(plain.grpcCode, undefined);
      assert.equal(sparkErrorFromGrpc('weird', 'h:1').message, 'weird');
      const existing = new SparkError({ kind: 'spark', message: 'x' });
      assert.equal(sparkErrorFromGrpc(existing, 'h:1'), existing);
    });
  });

  describe('grpc-status-details-bin trailer', () => {
    it("reads Spark's ErrorInfo and RetryInfo", () => {
      const metadata = trailer(
        errorInfo('org.apache.spark.sql.AnalysisException', {
          classes: '["org.apache.spark.sql.AnalysisException"]',
          errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
          sqlState: '42P01',
          messageParameters: '{"relationName":"`t`"}',
          errorId: 'e-1',
        }),
        retryInfo(2n, 500_000_000),
      );
      const error = fromGrpc(status.INTERNAL, '[TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found.', metadata);
      assert.equal(error.kind, 'spark');
      assert.equal(error.message, '[TABLE_OR_VIEW_NOT_FOUND] The table or view `t` cannot be found.');
      assert.equal(error.errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
      assert.equal(error.sqlState, '42P01');
      assert.deepEqual(error.messageParameters, { relationName: '`t`' });
      assert.equal(error.errorId, 'e-1');
      assert.equal(error.exceptionClass, 'org.apache.spark.sql.AnalysisException');
      assert.equal(error.retryDelayMs, 2500);
      assert.equal(error.grpcCode, status.INTERNAL);
      assert.equal(isRetryable(error), true, 'a RetryInfo makes it retryable');
    });

    it('reads ErrorInfo alone, with several message parameters', () => {
      const metadata = trailer(
        errorInfo('org.apache.spark.SparkArithmeticException', {
          errorClass: 'DIVIDE_BY_ZERO',
          sqlState: '22012',
          messageParameters: '{"config":"\\"spark.sql.ansi.enabled\\"","extra":"a,b"}',
        }),
      );
      const error = fromGrpc(status.INTERNAL, '[DIVIDE_BY_ZERO] …', metadata);
      assert.equal(error.errorClass, 'DIVIDE_BY_ZERO');
      assert.equal(error.sqlState, '22012');
      assert.deepEqual(error.messageParameters, { config: '"spark.sql.ansi.enabled"', extra: 'a,b' });
      assert.equal(error.errorId, undefined);
      assert.equal(error.retryDelayMs, undefined);
      assert.equal(error.exceptionClass, 'org.apache.spark.SparkArithmeticException');
      assert.equal(isRetryable(error), false);
    });

    it('keeps the rest when messageParameters is cut short', () => {
      const metadata = trailer(errorInfo('X', { errorClass: 'SOME_ERROR', messageParameters: '{"a":"tru' }));
      const error = fromGrpc(status.INTERNAL, 'x', metadata);
      assert.equal(error.errorClass, 'SOME_ERROR');
      assert.deepEqual(error.messageParameters, {});
    });

    it('leaves exceptionClass unset for an empty reason', () => {
      const error = fromGrpc(status.INTERNAL, 'x', trailer(errorInfo('', { errorClass: 'E' })));
      assert.equal(error.exceptionClass, undefined);
      assert.equal(error.errorClass, 'E');
    });

    it('makes any code with a Spark error class a Spark error', () => {
      const error = fromGrpc(status.INVALID_ARGUMENT, 'bad', trailer(errorInfo('X', { errorClass: 'INVALID_PARAMETER_VALUE' })));
      assert.equal(error.kind, 'spark');
      assert.equal(error.message, 'bad');
    });

    it('reads a RetryInfo delay to the millisecond, rounding nanoseconds down', () => {
      assert.equal(fromGrpc(status.UNAVAILABLE, 'x', trailer(retryInfo(1n, 999_999_999))).retryDelayMs, 1999);
      assert.equal(fromGrpc(status.UNAVAILABLE, 'x', trailer(retryInfo(0n, 250_000_000))).retryDelayMs, 250);
      assert.equal(fromGrpc(status.UNAVAILABLE, 'x', trailer(retryInfo(30n, 0))).retryDelayMs, 30_000);
    });

    it('turns a changed server session into kind sessionChanged, whatever the code', () => {
      const metadata = trailer(errorInfo('org.apache.spark.SparkSQLException', { errorClass: 'INVALID_HANDLE.SESSION_CHANGED' }));
      const error = fromGrpc(status.INTERNAL, '[INVALID_HANDLE.SESSION_CHANGED] …', metadata);
      assert.equal(error.kind, 'sessionChanged');
      assert.equal(
        error.message,
        'The Spark server at spark.example.com:15002 restarted or dropped this session; the next request starts a new session.',
      );
      assert.equal(error.errorClass, 'INVALID_HANDLE.SESSION_CHANGED');
      assert.equal(fromGrpc(status.UNKNOWN, 'x', metadata).kind, 'sessionChanged');
    });

    it('ignores undecodable details and unknown detail types', () => {
      const garbage = new Metadata();
      garbage.set('grpc-status-details-bin', Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]));
      const error = fromGrpc(status.INTERNAL, 'server said no', garbage);
      assert.equal(error.kind, 'spark');
      assert.equal(error.message, 'server said no');
      assert.equal(error.errorClass, undefined);
      const unknownType = trailer(anyPack(DurationSchema, create(DurationSchema, { seconds: 5n })));
      const other = fromGrpc(status.INTERNAL, 'y', unknownType);
      assert.equal(other.retryDelayMs, undefined);
      assert.equal(other.errorClass, undefined);
    });
  });

  describe('isRetryable (PySpark rules)', () => {
    it('retries UNAVAILABLE, a preempted cursor and anything with a RetryInfo', () => {
      assert.equal(isRetryable(fromGrpc(status.UNAVAILABLE, 'x')), true);
      assert.equal(isRetryable(fromGrpc(status.INTERNAL, '[INVALID_CURSOR.DISCONNECTED] x')), true);
      assert.equal(isRetryable(fromGrpc(status.INVALID_ARGUMENT, 'x', trailer(retryInfo(1n, 0)))), true);
      assert.equal(isRetryable(new SparkError({ kind: 'other', message: 'x', retryDelayMs: 0 })), true);
    });

    it('does not retry anything else', () => {
      assert.equal(isRetryable(fromGrpc(status.INTERNAL, '[DIVIDE_BY_ZERO] x')), false);
      assert.equal(isRetryable(fromGrpc(status.UNAUTHENTICATED, 'x')), false);
      assert.equal(isRetryable(fromGrpc(status.CANCELLED, 'x')), false);
      assert.equal(isRetryable(fromGrpc(status.DEADLINE_EXCEEDED, 'x')), false);
      assert.equal(isRetryable(fromGrpc(status.UNKNOWN, '[INVALID_CURSOR.DISCONNECTED] x')), false, 'only INTERNAL');
      assert.equal(isRetryable(fromGrpc(status.INTERNAL, '[INVALID_CURSOR.POSITION_NOT_AVAILABLE] x')), false);
      assert.equal(isRetryable(new SparkError({ kind: 'unavailable', message: 'x' })), false, 'no gRPC code');
      assert.equal(isRetryable(sparkErrorFromGrpc(new Error('boom'), 'h:1')), false);
    });
  });

  describe('parse positions', () => {
    it("reads the line and column of Spark's '(line L, pos P)'", () => {
      assert.deepEqual(parseErrorPosition("[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'. SQLSTATE: 42601 (line 2, pos 5)"), {
        line: 2,
        column: 5,
      });
      assert.deepEqual(
        parseErrorPosition(
          '[PARSE_SYNTAX_ERROR] Syntax error at or near end of input.(line 1, pos 0)\n\n== SQL ==\nSELECT\n------^^^',
        ),
        {
          line: 1,
          column: 0,
        },
      );
      assert.deepEqual(parseErrorPosition('(line 120, pos 34) then (line 3, pos 4)'), { line: 120, column: 34 });
    });

    it('finds nothing without a position', () => {
      assert.equal(parseErrorPosition('no position'), undefined);
      assert.equal(parseErrorPosition('line 2, pos 5'), undefined);
      assert.equal(parseErrorPosition('(line x, pos 5)'), undefined);
      assert.equal(parseErrorPosition(''), undefined);
    });

    it('is exposed as SparkError.parsePosition', () => {
      const error = fromGrpc(
        status.INTERNAL,
        "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'. SQLSTATE: 42601 (line 3, pos 12)",
      );
      assert.deepEqual(error.parsePosition, { line: 3, column: 12 });
      assert.equal(fromGrpc(status.INTERNAL, 'no').parsePosition, undefined);
    });
  });

  describe('withDetails (FetchErrorDetails)', () => {
    const base = () =>
      sparkErrorFromGrpc(
        {
          code: status.INTERNAL,
          details: 'short',
          metadata: trailer(
            errorInfo('org.apache.spark.sql.AnalysisException', {
              errorClass: 'BASE_CLASS',
              sqlState: '00000',
              messageParameters: '{"p":"base"}',
              errorId: 'id-7',
            }),
            retryInfo(3n, 0),
          ),
        },
        'h:1',
      );

    it('takes the root error message, class and SQL query contexts', () => {
      const details = create(FetchErrorDetailsResponseSchema, {
        rootErrorIdx: 1,
        errors: [
          { message: 'cause', errorTypeHierarchy: ['java.lang.Exception'] },
          {
            message: '\n[UNRESOLVED_COLUMN.WITH_SUGGESTION] full message  ',
            errorTypeHierarchy: ['org.apache.spark.sql.AnalysisException', 'java.lang.Exception'],
            sparkThrowable: {
              errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
              sqlState: '42703',
              messageParameters: { objectName: '`nope`', proposal: '`id`' },
              queryContexts: [
                { contextType: 1, startIndex: 0, stopIndex: 1, fragment: 'df', callSite: 'x.py:1' },
                { contextType: 0, objectType: 'VIEW', objectName: 'v', startIndex: 0, stopIndex: 3, fragment: 'SELE' },
                { contextType: 0, startIndex: 7, stopIndex: 10, fragment: 'nope', summary: 'ignored' },
                { contextType: 1, startIndex: 2, stopIndex: 3, fragment: 'dg' },
              ],
            },
          },
        ],
      });
      const original = base();
      const enriched = original.withDetails(details);
      assert.notEqual(enriched, original);
      assert.ok(enriched instanceof SparkError);
      assert.equal(enriched.message, '[UNRESOLVED_COLUMN.WITH_SUGGESTION] full message');
      assert.equal(enriched.errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
      assert.equal(enriched.sqlState, '42703');
      assert.deepEqual(enriched.messageParameters, { objectName: '`nope`', proposal: '`id`' });
      assert.equal(enriched.exceptionClass, 'org.apache.spark.sql.AnalysisException');
      assert.deepEqual(enriched.queryContexts, [
        { startIndex: 0, stopIndex: 3, fragment: 'SELE', objectType: 'VIEW', objectName: 'v' },
        { startIndex: 7, stopIndex: 10, fragment: 'nope', objectType: '', objectName: '' },
      ]);
      assert.deepEqual(enriched.sqlContext, { startIndex: 7, stopIndex: 10, fragment: 'nope', objectType: '', objectName: '' });
      // What FetchErrorDetails does not say is kept from the original error.
      assert.equal(enriched.kind, 'spark');
      assert.equal(enriched.grpcCode, status.INTERNAL);
      assert.equal(enriched.errorId, 'id-7');
      assert.equal(enriched.retryDelayMs, 3000);
      assert.equal(enriched.cause, original.cause);
      // The original is left as it was.
      assert.equal(original.message, 'short');
      assert.equal(original.errorClass, 'BASE_CLASS');
      assert.deepEqual(original.queryContexts, []);
    });

    it('uses the first error when there is no root index', () => {
      const details = create(FetchErrorDetailsResponseSchema, {
        errors: [
          { message: 'first', errorTypeHierarchy: ['a.First'] },
          { message: 'second', errorTypeHierarchy: ['b.Second'] },
        ],
      });
      const enriched = base().withDetails(details);
      assert.equal(enriched.message, 'first');
      assert.equal(enriched.exceptionClass, 'a.First');
    });

    it('falls back on the original for what the root error leaves empty', () => {
      const details = create(FetchErrorDetailsResponseSchema, {
        rootErrorIdx: 0,
        errors: [{ message: '', errorTypeHierarchy: [], sparkThrowable: { messageParameters: {} } }],
      });
      const enriched = base().withDetails(details);
      assert.equal(enriched.message, 'short');
      assert.equal(enriched.errorClass, 'BASE_CLASS');
      assert.equal(enriched.sqlState, '00000');
      assert.deepEqual(enriched.messageParameters, { p: 'base' });
      assert.equal(enriched.exceptionClass, 'org.apache.spark.sql.AnalysisException');
      assert.deepEqual(enriched.queryContexts, []);
      assert.equal(enriched.sqlContext, undefined);
    });

    it('keeps the original when the root error is missing', () => {
      const original = base();
      assert.equal(original.withDetails(create(FetchErrorDetailsResponseSchema, { errors: [] })), original);
      assert.equal(
        original.withDetails(create(FetchErrorDetailsResponseSchema, { rootErrorIdx: 5, errors: [{ message: 'only' }] })),
        original,
      );
    });

    it('has no sqlContext when every SQL context is inside a view', () => {
      const details = create(FetchErrorDetailsResponseSchema, {
        errors: [
          {
            message: 'in a view',
            sparkThrowable: {
              errorClass: 'DIVIDE_BY_ZERO',
              queryContexts: [
                { contextType: 0, objectType: 'VIEW', objectName: 'v1', startIndex: 7, stopIndex: 9, fragment: '1/0' },
                { contextType: 1, startIndex: 0, stopIndex: 1, fragment: 'df' },
              ],
            },
          },
        ],
      });
      const enriched = base().withDetails(details);
      assert.equal(enriched.queryContexts.length, 1);
      assert.equal(enriched.sqlContext, undefined);
    });
  });

  describe('helpers', () => {
    it('asSparkError wraps anything else as kind other', () => {
      const existing = new SparkError({ kind: 'spark', message: 'x' });
      assert.equal(asSparkError(existing), existing);
      const cause = new TypeError('oops');
      const wrapped = asSparkError(cause);
      assert.equal(wrapped.kind, 'other');
      assert.equal(wrapped.message, 'TypeError: oops');
      assert.equal(wrapped.cause, cause);
    });

    it('cancelledError keeps a cancellation and replaces anything else', () => {
      const cancelled = new SparkError({ kind: 'cancelled', message: 'The operation was cancelled.' });
      assert.equal(cancelledError(cancelled), cancelled);
      const other = new SparkError({ kind: 'unavailable', message: 'gone' });
      const replaced = cancelledError(other);
      assert.equal(replaced.kind, 'cancelled');
      assert.equal(replaced.message, 'The operation was cancelled.');
      assert.equal(replaced.cause, other);
      assert.equal(cancelledError().kind, 'cancelled');
    });

    it('a SparkError without a cause has none', () => {
      assert.equal('cause' in new SparkError({ kind: 'other', message: 'x' }), false);
    });
  });
});
