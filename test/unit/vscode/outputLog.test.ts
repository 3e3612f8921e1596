import assert from 'node:assert/strict';
import { SecretTokenStore } from '../../../src/vscode/connections/secretTokenStore.js';
import { OutputLog } from '../../../src/vscode/outputLog.js';
import { FakeLogChannel } from './fakeHost.js';

describe('output log', () => {
  it('writes info and errors, an error with its message', () => {
    const channel = new FakeLogChannel();
    const log = new OutputLog(channel);
    log.info('Connected to Spark 4.1.1 at 127.0.0.1:15002 (Local Spark).');
    log.error('SELECT 1', new Error('boom'));
    log.error('A connection in sparkWorkbench.connections needs both a name and a url.', 'not an Error');
    assert.deepEqual(channel.lines, [
      'info: Connected to Spark 4.1.1 at 127.0.0.1:15002 (Local Spark).',
      'error: SELECT 1: boom',
      'error: A connection in sparkWorkbench.connections needs both a name and a url.',
    ]);
  });

  it('never writes a token: connection-string tokens and bearer tokens are masked', () => {
    const channel = new FakeLogChannel();
    const log = new OutputLog(channel);
    log.info('Using sc://127.0.0.1:15002/;token=s3cret;use_ssl=false');
    log.error('Request failed', new Error('authorization: Bearer abc.def.ghi was rejected'));
    assert.deepEqual(channel.lines, [
      'info: Using sc://127.0.0.1:15002/;token=***;use_ssl=false',
      'error: Request failed: authorization: Bearer *** was rejected',
    ]);
  });

  it('shows the channel without taking the focus, and disposes it', () => {
    const channel = new FakeLogChannel();
    const log = new OutputLog(channel);
    log.show();
    log.dispose();
    assert.equal(channel.shownPreservingFocus, true);
    assert.equal(channel.disposed, true);
  });
});

describe('secret token store', () => {
  function secrets() {
    const stored = new Map<string, string>();
    return {
      stored,
      get: async (key: string) => stored.get(key),
      store: async (key: string, value: string) => void stored.set(key, value),
      delete: async (key: string) => void stored.delete(key),
    };
  }

  it('keeps one token per connection name, under sparkWorkbench.token.<name>', async () => {
    const storage = secrets();
    const tokens = new SecretTokenStore(storage);
    await tokens.set('Test Spark', 'tok-1');
    await tokens.set('Prod', 'tok-2');
    assert.deepEqual(
      [...storage.stored],
      [
        ['sparkWorkbench.token.Test Spark', 'tok-1'],
        ['sparkWorkbench.token.Prod', 'tok-2'],
      ],
    );
    assert.equal(await tokens.get('Test Spark'), 'tok-1');
    assert.equal(await tokens.get('Other'), undefined);
  });

  it('an empty or missing token removes the stored one', async () => {
    const storage = secrets();
    const tokens = new SecretTokenStore(storage);
    await tokens.set('A', 'tok');
    await tokens.set('B', 'tok');
    await tokens.set('A', '');
    await tokens.set('B', undefined);
    assert.equal(storage.stored.size, 0);
  });
});
