import type { ExecutePlanResponse_ArrowBatch } from '../../generated/spark/connect/base_pb.js';

/**
 * Joins the chunks of one Arrow batch (Spark 4.1+, `allow_arrow_batch_chunking`) back into the single
 * Arrow IPC stream they were cut from. Each complete batch is its own IPC stream with its own schema,
 * so it must be decoded alone, never concatenated with the next batch.
 */
export class ArrowBatchAssembler {
  private chunks: Uint8Array[] = [];
  private expectedChunks = 0;

  /** Returns the whole IPC stream once the batch is complete, else undefined. */
  push(batch: Pick<ExecutePlanResponse_ArrowBatch, 'data' | 'chunkIndex' | 'numChunksInBatch'>): Uint8Array | undefined {
    const total = batch.numChunksInBatch === undefined ? 1 : Number(batch.numChunksInBatch);
    const index = batch.chunkIndex === undefined ? 0 : Number(batch.chunkIndex);
    if (this.chunks.length === 0) {
      if (index !== 0) throw new Error(`Arrow batch chunk ${index} of ${total} arrived before chunk 0.`);
      if (total <= 1) return batch.data;
      this.expectedChunks = total;
    } else {
      if (total !== this.expectedChunks) {
        throw new Error(`Arrow batch chunk says ${total} chunks, but its batch started with ${this.expectedChunks}.`);
      }
      if (index !== this.chunks.length) {
        throw new Error(`Arrow batch chunk ${index} arrived where chunk ${this.chunks.length} was expected.`);
      }
    }
    this.chunks.push(batch.data);
    if (this.chunks.length < this.expectedChunks) return undefined;
    const whole = concatBytes(this.chunks);
    this.chunks = [];
    this.expectedChunks = 0;
    return whole;
  }

  /** True while a batch is half received: a stream that ends now has lost data. */
  get incomplete(): boolean {
    return this.chunks.length > 0;
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
