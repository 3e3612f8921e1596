import { create, toBinary } from '@bufbuild/protobuf';
import { anyPack, DurationSchema } from '@bufbuild/protobuf/wkt';
import { Metadata, status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { ErrorInfoSchema, RetryInfoSchema } from '../../src/generated/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../src/generated/google/rpc/status_pb.js';
import { FetchErrorDetailsResponseSchema } from '../../src/generated/spark/connect/base_pb.js';
import { sparkErrorFromGrpc } from '../../src/core/connect/grpcErrors.js';
import { isRetryable, parseErrorPosition } from '../../src/core/connect/sparkError.js';

function trailer(details: Parameters<typeof anyPack>[]): Metadata {
  const metadata = new Metadata();
  const packed = create(StatusSchema, {
    code: 13,
    message: 'x',
    details: details.map(([schema, message]) => anyPack(schema, message)),
  });
  metadata.set('grpc-status-details-bin', Buffer.from(toBinary(StatusSchema, packed)));
  return metadata;
}

describe('mapping gRPC failures to SparkError', () => {
  it('turns transport failures into plain sentences', () => {
    const refused = sparkErrorFromGrpc(
      { code: status.UNAVAILABLE, details: 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1' },
      '127.0.0.1:1',
    );
    assert.equal(refused.kind, 'unavailable');
    assert.equal(refused.message, 'Cannot reach the Spark server at 127.0.0.1:1: connection refused (is the server running?).');
    const rejected = sparkErrorFromGrpc({ code: status.UNAUTHENTICATED, details: 'Invalid authentication token' }, 'h:1');
    assert.equal(rejected.message, 'The Spark server at h:1 rejected the token.');
    const missing = sparkErrorFromGrpc({ code: status.UNAUTHENTICATED, details: 'No authentication token provided' }, 'h:1');
    assert.equal(missing.message, 'The Spark server at h:1 requires a token, and none was given.');
    assert.equal(sparkErrorFromGrpc({ code: status.CANCELLED, details: 'x' }, 'h:1').kind, 'cancelled');
    assert.equal(sparkErrorFromGrpc({ code: status.DEADLINE_EXCEEDED, details: 'x' }, 'h:1').kind, 'deadlineExceeded');
  });

  it("reads Spark's ErrorInfo and RetryInfo from the status details trailer", () => {
    const metadata = trailer([
      [
        ErrorInfoSchema,
        create(ErrorInfoSchema, {
          reason: 'org.apache.spark.sql.AnalysisException',
          domain: 'org.apache.spark',
          metadata: {
            errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
            sqlState: '42P01',
            messageParameters: '{"relationName":"`t`"}',
            errorId: 'e-1',
          },
        }),
      ],
      [RetryInfoSchema, create(RetryInfoSchema, { retryDelay: create(DurationSchema, { seconds: 2n, nanos: 500_000_000 }) })],
    ] as never);
    const error = sparkErrorFromGrpc({ code: status.INTERNAL, details: '[TABLE_OR_VIEW_NOT_FOUND] …', metadata }, 'h:1');
    assert.equal(error.kind, 'spark');
    assert.equal(error.errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
    assert.equal(error.sqlState, '42P01');
    assert.deepEqual(error.messageParameters, { relationName: '`t`' });
    assert.equal(error.errorId, 'e-1');
    assert.equal(error.exceptionClass, 'org.apache.spark.sql.AnalysisException');
    assert.equal(error.retryDelayMs, 2500);
    assert.equal(isRetryable(error), true, 'a RetryInfo makes it retryable');
  });

  it('retries by PySpark’s rules only', () => {
    assert.equal(isRetryable(sparkErrorFromGrpc({ code: status.UNAVAILABLE, details: 'x' }, 'h:1')), true);
    assert.equal(
      isRetryable(sparkErrorFromGrpc({ code: status.INTERNAL, details: '[INVALID_CURSOR.DISCONNECTED] x' }, 'h:1')),
      true,
    );
    assert.equal(isRetryable(sparkErrorFromGrpc({ code: status.INTERNAL, details: '[DIVIDE_BY_ZERO] x' }, 'h:1')), false);
    assert.equal(isRetryable(sparkErrorFromGrpc({ code: status.UNAUTHENTICATED, details: 'x' }, 'h:1')), false);
  });

  it('reads a parse position', () => {
    assert.deepEqual(parseErrorPosition("[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'. SQLSTATE: 42601 (line 2, pos 5)"), {
      line: 2,
      column: 5,
    });
    assert.equal(parseErrorPosition('no position'), undefined);
  });

  it('takes the full message and SQL query contexts from FetchErrorDetails', () => {
    const base = sparkErrorFromGrpc({ code: status.INTERNAL, details: 'short' }, 'h:1');
    const details = create(FetchErrorDetailsResponseSchema, {
      rootErrorIdx: 1,
      errors: [
        { message: 'cause', errorTypeHierarchy: ['java.lang.Exception'] },
        {
          message: '\n[UNRESOLVED_COLUMN.WITH_SUGGESTION] full message',
          errorTypeHierarchy: ['org.apache.spark.sql.AnalysisException'],
          sparkThrowable: {
            errorClass: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
            sqlState: '42703',
            messageParameters: { objectName: '`nope`' },
            queryContexts: [
              { contextType: 1, startIndex: 0, stopIndex: 1, fragment: 'df' },
              { contextType: 0, objectType: 'VIEW', objectName: 'v', startIndex: 0, stopIndex: 3, fragment: 'SELE' },
              { contextType: 0, startIndex: 7, stopIndex: 10, fragment: 'nope' },
            ],
          },
        },
      ],
    });
    const enriched = base.withDetails(details);
    assert.equal(enriched.message, '[UNRESOLVED_COLUMN.WITH_SUGGESTION] full message');
    assert.equal(enriched.errorClass, 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
    assert.equal(enriched.queryContexts.length, 2, 'DataFrame contexts are dropped');
    assert.deepEqual(enriched.sqlContext, { startIndex: 7, stopIndex: 10, fragment: 'nope', objectType: '', objectName: '' });
  });
});
