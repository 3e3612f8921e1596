import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { freeLoopbackPort } from '../../src/core/localSpark/localSparkServer.js';

describe('a free loopback port for a server', () => {
  it("is below the kernel's ephemeral range (where a JVM's own random ports come from) and free to listen on", async () => {
    const ports = await Promise.all(Array.from({ length: 5 }, () => freeLoopbackPort()));
    for (const port of ports) {
      assert.ok(port >= 20_000 && port < 32_000, String(port));
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
