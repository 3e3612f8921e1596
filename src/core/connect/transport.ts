import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import {
  Client,
  credentials,
  Metadata,
  type CallOptions as CallOptionsOfGrpc,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { endpointLabel, type ConnectionOptions } from './connectionString.js';
import { sparkErrorFromGrpc } from './grpcErrors.js';

const SERVICE = '/spark.connect.SparkConnectService/';
/** HTTP/2 receive window, per stream and per connection. */
const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly deadlineMs?: number;
}

/**
 * A thin gRPC channel to one Spark Connect endpoint: protobuf-es messages in and out, the token and the
 * URL's extra parameters on every call, and every failure turned into a SparkError. Knows nothing of
 * sessions or retries; the client layers those on top.
 */
export class SparkConnectTransport {
  private readonly client: Client;
  readonly endpoint: string;
  /** Bytes of protobuf received, for throughput figures. */
  receivedBytes = 0;

  constructor(
    private readonly options: ConnectionOptions,
    userAgent: string,
  ) {
    this.endpoint = endpointLabel(options);
    const channelCredentials = options.useSsl ? credentials.createSsl() : credentials.createInsecure();
    this.client = new Client(this.endpoint, channelCredentials, {
      'grpc.max_receive_message_length': options.maxMessageSize,
      'grpc.max_send_message_length': options.maxMessageSize,
      'grpc.primary_user_agent': userAgent,
      // Spark's Netty server tolerates a ping only every 5 minutes (grpc-java's default permitKeepAliveTime);
      // faster pings get the connection closed with "too_many_pings".
      'grpc.keepalive_time_ms': 310_000,
      'grpc.keepalive_timeout_ms': 20_000,
      // Retries and reattach are ours: grpc-js must not replay calls on its own.
      'grpc.enable_retries': 0,
      // Node's HTTP/2 default window is 64 KiB: Spark could have only 64 KiB of a 4 MiB Arrow batch in
      // flight before waiting for our window update. Room for a few batches keeps its sender busy
      // (10M-row fetch 1.67 -> 1.29 x PySpark's time in bench/fetchThroughput.mts).
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
    });
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.options.token) metadata.set('authorization', `Bearer ${this.options.token}`);
    for (const [key, value] of Object.entries(this.options.metadata)) metadata.set(key, value);
    return metadata;
  }

  /** Decodes responses, counting their bytes for throughput figures. */
  private decoder<O extends DescMessage>(output: O): (bytes: Buffer) => MessageShape<O> {
    return (bytes) => {
      this.receivedBytes += bytes.byteLength;
      return fromBinary(output, bytes);
    };
  }

  unary<I extends DescMessage, O extends DescMessage>(
    method: string,
    input: I,
    output: O,
    request: MessageShape<I>,
    options: CallOptions = {},
  ): Promise<MessageShape<O>> {
    return this.oneAnswer(options, (callOptions, answered) =>
      this.client.makeUnaryRequest(
        SERVICE + method,
        (message: MessageShape<I>) => serialize(input, message),
        this.decoder(output),
        request,
        this.metadata(),
        callOptions,
        answered,
      ),
    );
  }

  /** A client stream: every request written in order, then the server's one answer. */
  clientStream<I extends DescMessage, O extends DescMessage>(
    method: string,
    input: I,
    output: O,
    requests: readonly MessageShape<I>[],
    options: CallOptions = {},
  ): Promise<MessageShape<O>> {
    return this.oneAnswer(options, (callOptions, answered) => {
      const call = this.client.makeClientStreamRequest(
        SERVICE + method,
        (message: MessageShape<I>) => serialize(input, message),
        this.decoder(output),
        this.metadata(),
        callOptions,
        answered,
      );
      // Written one after another as the stream drains, so a large artifact is never all in flight.
      const writeFrom = (index: number): void => {
        for (let i = index; i < requests.length; i++)
          if (!call.write(requests[i]!)) {
            call.once('drain', () => writeFrom(i + 1));
            return;
          }
        call.end();
      };
      writeFrom(0);
      return call;
    });
  }

  /** A call the server answers once: the caller's signal cancels it, its failure becomes a SparkError. */
  private oneAnswer<O>(
    options: CallOptions,
    start: (callOptions: CallOptionsOfGrpc, answered: (error: ServiceError | null, response?: O) => void) => { cancel(): void },
  ): Promise<O> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(sparkErrorFromGrpc({ code: 1, details: 'Cancelled before start' }, this.endpoint));
        return;
      }
      const call = start(options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {}, (error, response) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (error || !response) reject(sparkErrorFromGrpc(error, this.endpoint));
        else resolve(response);
      });
      const onAbort = () => call.cancel();
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A server stream as an async iterable; breaking out of the loop or aborting cancels the call. */
  async *serverStream<I extends DescMessage, O extends DescMessage>(
    method: string,
    input: I,
    output: O,
    request: MessageShape<I>,
    options: CallOptions = {},
  ): AsyncGenerator<MessageShape<O>> {
    if (options.signal?.aborted) throw sparkErrorFromGrpc({ code: 1, details: 'Cancelled before start' }, this.endpoint);
    const call: ClientReadableStream<MessageShape<O>> = this.client.makeServerStreamRequest(
      SERVICE + method,
      (message: MessageShape<I>) => serialize(input, message),
      this.decoder(output),
      request,
      this.metadata(),
      options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {},
    );
    const onAbort = () => call.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      for await (const message of call) yield message as MessageShape<O>;
      finished = true;
    } catch (error) {
      finished = true;
      throw sparkErrorFromGrpc(error, this.endpoint);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (!finished) call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }
}

function serialize<I extends DescMessage>(schema: I, message: MessageShape<I>): Buffer {
  const bytes = toBinary(schema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
