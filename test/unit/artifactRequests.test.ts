import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { ARTIFACT_CHUNK_BYTES, addArtifactsRequests } from '../../src/core/connect/artifactRequests.js';

const header = { sessionId: 's-1', userContext: { userId: 'u', userName: 'u', extensions: [] }, clientType: 'test' };
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

describe('AddArtifacts requests', () => {
  it('batches small artifacts together, up to a chunk of bytes, each with its CRC-32', () => {
    const small = [1, 2, 3].map((i) => ({ name: `pyfiles/m${i}.py`, data: bytes(ARTIFACT_CHUNK_BYTES / 2 - 10, i) }));
    const requests = addArtifactsRequests(header, small);
    assert.deepEqual(
      requests.map((r) => (r.payload.case === 'batch' ? r.payload.value.artifacts.map((a) => a.name) : r.payload.case)),
      [['pyfiles/m1.py', 'pyfiles/m2.py'], ['pyfiles/m3.py']],
    );
    const first = requests[0]!.payload.value as { artifacts: { data?: { data: Uint8Array; crc: bigint } }[] };
    assert.equal(first.artifacts[0]!.data!.crc, BigInt(crc32(small[0]!.data)));
    assert.equal(requests[0]!.sessionId, 's-1');
  });

  it('sends a large artifact in chunks: begun with the first, then the rest in order, the bytes whole', () => {
    const jar = bytes(ARTIFACT_CHUNK_BYTES * 2 + 5, 7);
    const requests = addArtifactsRequests(header, [
      { name: 'pyfiles/tiny.py', data: bytes(3, 1) },
      { name: 'jars/driver.jar', data: jar },
    ]);
    assert.deepEqual(
      requests.map((r) => r.payload.case),
      ['batch', 'beginChunk', 'chunk', 'chunk'],
    );
    const begin = requests[1]!.payload.value as {
      name: string;
      totalBytes: bigint;
      numChunks: bigint;
      initialChunk: { data: Uint8Array; crc: bigint };
    };
    assert.deepEqual([begin.name, begin.totalBytes, begin.numChunks], ['jars/driver.jar', BigInt(jar.byteLength), 3n]);
    const chunks: { data: Uint8Array; crc: bigint }[] = [
      begin.initialChunk,
      ...requests.slice(2).map((r) => r.payload.value as { data: Uint8Array; crc: bigint }),
    ];
    assert.deepEqual(Buffer.concat(chunks.map((c) => c.data)), Buffer.from(jar));
    for (const chunk of chunks) assert.equal(chunk.crc, BigInt(crc32(chunk.data)));
  });
});
