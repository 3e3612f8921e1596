import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSparkServer } from '../../src/core/localSpark/localSparkServer.js';
import { ConnectionManager, type ConnectionProfile } from '../../src/core/session/connectionManager.js';

describe('the connection manager without a server', () => {
  it('a changed profile replaces a failed one, so the next use goes to the new port; a live or other one stays', async () => {
    const connections = new ConnectionManager({
      tokens: { get: async () => undefined },
      localSpark: {
        ensureRuntime: () => Promise.reject(new Error('Port 15002 on 127.0.0.1 is in use by another program.')),
        server: new LocalSparkServer(join(tmpdir(), 'sw-no-servers')),
      },
      clientVersion: 'test',
    });
    const old: ConnectionProfile = { kind: 'local', name: 'Local Spark', port: 15002 };
    await assert.rejects(connections.client(old), /in use by another program/);
    assert.equal(connections.state.kind, 'error');
    connections.updateProfile({ kind: 'remote', name: 'Other', url: 'sc://127.0.0.1:1' });
    assert.equal(connections.state.kind, 'error', 'another connection changed: this failure stays');
    const moved: ConnectionProfile = { kind: 'local', name: 'Local Spark', port: 15010 };
    connections.updateProfile(moved);
    assert.deepEqual(connections.state, { kind: 'disconnected', profile: moved });
    await assert.rejects(connections.client(), /in use/, 'the next use starts the server on the new port');
    assert.deepEqual(connections.state.profile, moved);
    connections.dispose();
  });
});
