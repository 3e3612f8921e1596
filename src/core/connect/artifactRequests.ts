import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { crc32 } from 'node:zlib';
import { AddArtifactsRequestSchema, type AddArtifactsRequest } from '../../generated/spark/connect/base_pb.js';
import type { RequestHeader } from './sessionContext.js';

/** A file for the server's session: `jars/driver.jar` (the class path), `pyfiles/…`, `files/…`. */
export interface Artifact {
  readonly name: string;
  readonly data: Uint8Array;
}

/** PySpark's chunk size: small artifacts travel together in one batch, larger ones in chunks of it. */
export const ARTIFACT_CHUNK_BYTES = 32 * 1024;

/**
 * The AddArtifacts stream for these artifacts, as PySpark writes it: artifacts smaller than a chunk
 * batched together, each larger one begun with its first chunk and continued chunk by chunk, every chunk
 * with its CRC-32 (the server checks each).
 */
export function addArtifactsRequests(header: RequestHeader, artifacts: readonly Artifact[]): AddArtifactsRequest[] {
  const requests: AddArtifactsRequest[] = [];
  const request = (payload: MessageInitShape<typeof AddArtifactsRequestSchema>['payload']) =>
    requests.push(create(AddArtifactsRequestSchema, { ...header, payload }));
  const chunk = (data: Uint8Array) => ({ data, crc: BigInt(crc32(data)) });
  let batch: { name: string; data: ReturnType<typeof chunk> }[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length) request({ case: 'batch', value: { artifacts: batch } });
    batch = [];
    batchBytes = 0;
  };
  for (const artifact of artifacts) {
    if (artifact.data.byteLength < ARTIFACT_CHUNK_BYTES) {
      if (batchBytes + artifact.data.byteLength > ARTIFACT_CHUNK_BYTES) flush();
      batch.push({ name: artifact.name, data: chunk(artifact.data) });
      batchBytes += artifact.data.byteLength;
      continue;
    }
    flush();
    const chunks = Math.ceil(artifact.data.byteLength / ARTIFACT_CHUNK_BYTES);
    const part = (i: number) => chunk(artifact.data.subarray(i * ARTIFACT_CHUNK_BYTES, (i + 1) * ARTIFACT_CHUNK_BYTES));
    request({
      case: 'beginChunk',
      value: {
        name: artifact.name,
        totalBytes: BigInt(artifact.data.byteLength),
        numChunks: BigInt(chunks),
        initialChunk: part(0),
      },
    });
    for (let i = 1; i < chunks; i++) request({ case: 'chunk', value: part(i) });
  }
  flush();
  return requests;
}
