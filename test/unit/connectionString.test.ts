import assert from 'node:assert/strict';
import {
  ConnectionStringError,
  endpointLabel,
  parseConnectionString,
  redactConnectionString,
} from '../../src/core/connect/connectionString.js';

function rejects(url: string, part: string, message: RegExp): void {
  assert.throws(
    () => parseConnectionString(url),
    (error: unknown) => error instanceof ConnectionStringError && error.part === part && message.test(error.message),
    `${url} should fail on ${part}`,
  );
}

describe('sc:// connection strings', () => {
  it('reads host, default port and defaults', () => {
    const options = parseConnectionString('sc://spark.example.com');
    assert.equal(options.host, 'spark.example.com');
    assert.equal(options.port, 15002);
    assert.equal(options.useSsl, false);
    assert.equal(options.maxMessageSize, 128 * 1024 * 1024);
    assert.deepEqual(options.metadata, {});
  });

  it('reads every parameter of the spec, URL-decoded, and passes unknown ones as metadata', () => {
    const options = parseConnectionString(
      'sc://10.1.2.3:443/;token=a%2Bb%3Dc;user_id=ana;user_agent=my%20tool;session_id=123e4567-e89b-42d3-a456-426614174000;grpc_max_message_size=1048576;x-tenant=blue',
    );
    assert.equal(options.port, 443);
    assert.equal(options.token, 'a+b=c');
    assert.equal(options.useSsl, true, 'a token turns TLS on for a remote host');
    assert.equal(options.userId, 'ana');
    assert.equal(options.userAgent, 'my tool');
    assert.equal(options.sessionId, '123e4567-e89b-42d3-a456-426614174000');
    assert.equal(options.maxMessageSize, 1048576);
    assert.deepEqual(options.metadata, { 'x-tenant': 'blue' });
  });

  it('keeps plaintext with a token on loopback, and lets use_ssl decide explicitly', () => {
    assert.equal(parseConnectionString('sc://127.0.0.1:15002/;token=t').useSsl, false);
    assert.equal(parseConnectionString('sc://localhost/;token=t').useSsl, false);
    assert.equal(parseConnectionString('sc://localhost/;token=t;use_ssl=true').useSsl, true);
    assert.equal(parseConnectionString('sc://remote/;token=t;use_ssl=false').useSsl, false);
    assert.equal(parseConnectionString('sc://remote/;use_ssl=true').useSsl, true);
  });

  it('reads IPv6 hosts in brackets', () => {
    const options = parseConnectionString('sc://[::1]:16000');
    assert.equal(options.host, '::1');
    assert.equal(endpointLabel(options), '[::1]:16000');
  });

  it('names the bad part of a malformed string', () => {
    rejects('http://host:15002', 'scheme', /starts with 'sc:\/\/'/);
    rejects('sc://host:443/prefix/;token=x', 'path', /no path/);
    rejects('sc://:15002', 'host', /not a valid host|no host/);
    rejects('sc://', 'host', /no host/);
    rejects('sc://host:0', 'port', /'0' is not a valid port/);
    rejects('sc://host:99999', 'port', /'99999' is not a valid port/);
    rejects('sc://host:abc', 'port', /'abc'/);
    rejects('sc://host/;use_ssl=yes', 'use_ssl', /'yes'/);
    rejects('sc://host/;session_id=42', 'session_id', /must be a UUID/);
    rejects('sc://host/;grpc_max_message_size=-1', 'grpc_max_message_size', /positive number/);
    rejects('sc://host/;token=', 'token', /empty/);
    rejects('sc://host/;token', 'parameters', /key=value/);
    rejects('sc://host/;user_id=a;user_id=b', 'user_id', /given twice/);
    rejects(`sc://host/;user_agent=${'x'.repeat(2049)}`, 'user_agent', /2048/);
  });

  it('never repeats a token in an error or a redacted string', () => {
    try {
      parseConnectionString('http://host/;token=s3cret');
    } catch (error) {
      assert.ok(!(error as Error).message.includes('s3cret'));
    }
    assert.equal(redactConnectionString('sc://h:1/;user_id=a;token=s3cret;x=1'), 'sc://h:1/;user_id=a;token=***;x=1');
  });
});
