import assert from 'node:assert/strict';
import {
  ConnectionStringError,
  DEFAULT_MAX_MESSAGE_SIZE,
  endpointLabel,
  isLoopback,
  parseConnectionString,
  redactConnectionString,
} from '../../src/core/connect/connectionString.js';

const UUID = '123e4567-e89b-42d3-a456-426614174000';
const SECRET = 's3cretT0ken';

/** Parses `url`, expecting a ConnectionStringError naming `part`; returns the error for further checks. */
function failure(url: string): ConnectionStringError {
  try {
    parseConnectionString(url);
  } catch (error) {
    assert.ok(error instanceof ConnectionStringError, `${url}: expected a ConnectionStringError, got ${String(error)}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ConnectionStringError');
    return error;
  }
  assert.fail(`${url} should not parse`);
}

function rejects(url: string, part: string, message: RegExp | string): void {
  const error = failure(url);
  assert.equal(error.part, part, `${url}: wrong part (message: ${error.message})`);
  if (typeof message === 'string') {
    assert.ok(error.message.includes(message), `${url}: message '${error.message}' should mention '${message}'`);
  } else {
    assert.match(error.message, message, `${url}`);
  }
}

describe('sc:// connection strings', () => {
  describe('valid strings', () => {
    it('reads a bare host with every default', () => {
      const options = parseConnectionString('sc://spark.example.com');
      assert.deepEqual(
        { ...options },
        {
          host: 'spark.example.com',
          port: 15002,
          token: undefined,
          useSsl: false,
          userId: undefined,
          userAgent: undefined,
          sessionId: undefined,
          maxMessageSize: 128 * 1024 * 1024,
          metadata: {},
        },
      );
      assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 134_217_728);
    });

    it('accepts a trailing slash, an empty parameter list and surrounding whitespace', () => {
      for (const url of ['sc://h/', 'sc://h/;', 'sc://h:15003/;;', '  sc://h:15003/  ', '\tsc://h:15003\n']) {
        const options = parseConnectionString(url);
        assert.equal(options.host, 'h', url);
        assert.deepEqual(options.metadata, {}, url);
        assert.equal(options.token, undefined, url);
      }
      assert.equal(parseConnectionString('  sc://h:15003/  ').port, 15003);
      assert.equal(parseConnectionString('sc://h/').port, 15002);
    });

    it('reads explicit ports, including both ends of the valid range', () => {
      assert.equal(parseConnectionString('sc://h:1').port, 1);
      assert.equal(parseConnectionString('sc://h:443').port, 443);
      assert.equal(parseConnectionString('sc://h:65535').port, 65535);
      assert.equal(parseConnectionString('sc://h:15002/;user_id=a').port, 15002);
    });

    it('reads every parameter of the spec, URL-decoded, and passes unknown ones as metadata', () => {
      const options = parseConnectionString(
        `sc://10.1.2.3:443/;token=a%2Bb%3Dc;user_id=ana;user_agent=my%20tool;session_id=${UUID};grpc_max_message_size=1048576;x-tenant=blue`,
      );
      assert.equal(options.host, '10.1.2.3');
      assert.equal(options.port, 443);
      assert.equal(options.token, 'a+b=c');
      assert.equal(options.useSsl, true, 'a token turns TLS on for a remote host');
      assert.equal(options.userId, 'ana');
      assert.equal(options.userAgent, 'my tool');
      assert.equal(options.sessionId, UUID);
      assert.equal(options.maxMessageSize, 1048576);
      assert.deepEqual(options.metadata, { 'x-tenant': 'blue' });
    });

    it('keeps everything after the first = in a value (base64 tokens end in =)', () => {
      const options = parseConnectionString('sc://h/;token=abc==;x=a=b');
      assert.equal(options.token, 'abc==');
      assert.deepEqual(options.metadata, { x: 'a=b' });
    });

    it('decodes an encoded ; inside a value instead of splitting on it', () => {
      const options = parseConnectionString('sc://h/;token=a%3Bb;user_id=%C3%A9l%C3%A8ve;note=x%2Fy%20z');
      assert.equal(options.token, 'a;b');
      assert.equal(options.userId, 'élève');
      assert.deepEqual(options.metadata, { note: 'x/y z' });
    });

    it('treats parameter names case-sensitively: other spellings are plain metadata', () => {
      const options = parseConnectionString('sc://remote/;Token=abc;USE_SSL=maybe;Session_Id=nope;User_Id=u');
      assert.equal(options.token, undefined);
      assert.equal(options.useSsl, false, "'Token' is not a token, so TLS stays off");
      assert.equal(options.sessionId, undefined);
      assert.equal(options.userId, undefined);
      assert.deepEqual(options.metadata, { Token: 'abc', USE_SSL: 'maybe', Session_Id: 'nope', User_Id: 'u' });
    });

    it('sends every unknown parameter as metadata, and none of the known ones', () => {
      const options = parseConnectionString(
        `sc://h/;a=1;token=t;b=two;use_ssl=false;user_id=u;user_agent=ua;session_id=${UUID};grpc_max_message_size=10;c=`,
      );
      assert.deepEqual(options.metadata, { a: '1', b: 'two', c: '' });
    });

    it('accepts a session id UUID in either case', () => {
      assert.equal(parseConnectionString(`sc://h/;session_id=${UUID.toUpperCase()}`).sessionId, UUID.toUpperCase());
    });

    it('accepts grpc_max_message_size from 1 byte up', () => {
      assert.equal(parseConnectionString('sc://h/;grpc_max_message_size=1').maxMessageSize, 1);
      assert.equal(parseConnectionString('sc://h/;grpc_max_message_size=268435456').maxMessageSize, 268435456);
      assert.equal(parseConnectionString('sc://h/;grpc_max_message_size=007').maxMessageSize, 7);
    });

    it('accepts a user_agent of exactly 2048 characters', () => {
      const agent = 'a'.repeat(2048);
      assert.equal(parseConnectionString(`sc://h/;user_agent=${agent}`).userAgent, agent);
    });

    it('reads IPv6 hosts in brackets, with and without a port', () => {
      const withPort = parseConnectionString('sc://[::1]:16000');
      assert.equal(withPort.host, '::1');
      assert.equal(withPort.port, 16000);
      assert.equal(endpointLabel(withPort), '[::1]:16000');
      const bare = parseConnectionString('sc://[2001:db8::42]/;user_id=x');
      assert.equal(bare.host, '2001:db8::42');
      assert.equal(bare.port, 15002);
      assert.equal(bare.userId, 'x');
      assert.equal(endpointLabel(bare), '[2001:db8::42]:15002');
    });
  });

  describe('TLS', () => {
    const cases: [string, boolean][] = [
      ['sc://remote', false],
      ['sc://remote/;use_ssl=false', false],
      ['sc://remote/;use_ssl=true', true],
      ['sc://remote/;token=t', true],
      ['sc://remote:443/;token=t;use_ssl=true', true],
      ['sc://remote/;token=t;use_ssl=false', false],
      ['sc://remote/;use_ssl=false;token=t', false],
      ['sc://10.0.0.1/;token=t', true],
      ['sc://128.0.0.1/;token=t', true],
      ['sc://localhost.example.com/;token=t', true],
      ['sc://127.0.0.1.nip.io/;token=t', true],
      ['sc://[2001:db8::1]/;token=t', true],
      ['sc://localhost/;token=t', false],
      ['sc://localhost:15002/;token=t', false],
      ['sc://127.0.0.1:15002/;token=t', false],
      ['sc://127.8.9.10/;token=t', false],
      ['sc://[::1]/;token=t', false],
      ['sc://[::1]:15002/;token=t', false],
      ['sc://localhost/;token=t;use_ssl=true', true],
      ['sc://127.0.0.1/;token=t;use_ssl=true', true],
      ['sc://[::1]/;use_ssl=true', true],
      ['sc://localhost/;token=t;use_ssl=false', false],
    ];
    for (const [url, useSsl] of cases) {
      it(`${url} → useSsl ${useSsl}`, () => {
        assert.equal(parseConnectionString(url).useSsl, useSsl);
      });
    }
  });

  describe('errors name the bad part and show the bad value', () => {
    it('scheme', () => {
      rejects('http://host:15002', 'scheme', "'http://host:15002'");
      rejects('https://host', 'scheme', 'sc://');
      rejects('SC://host', 'scheme', "'SC://host'");
      rejects('sc:/host', 'scheme', "'sc:/host'");
      rejects('host:15002', 'scheme', "'host:15002'");
      rejects('grpc://host', 'scheme', 'grpc://host');
      rejects('', 'scheme', 'sc://');
    });

    it('path', () => {
      rejects('sc://h:443/prefix/;token=x', 'path', "'/prefix/'");
      rejects('sc://h:443/prefix', 'path', "'/prefix'");
      rejects('sc://h/a/b;user_id=x', 'path', "'/a/b'");
      rejects('sc://h//;user_id=x', 'path', 'no path');
    });

    it('host', () => {
      rejects('sc://', 'host', /no host/);
      rejects('sc:///;token=x', 'host', /no host/);
      rejects('sc://:15002', 'host', /host/);
      rejects('sc://bad host:1', 'host', "'bad host'");
      rejects('sc://ho_st!', 'host', "'ho_st!'");
      rejects('sc://user@host', 'host', "'user@host'");
      rejects('sc://[::1', 'host', "'[::1'");
      rejects('sc://[::1]x', 'host', "'x'");
      rejects('sc://[::1]15002', 'host', "'15002'");
      rejects('sc://[]:1', 'host', /host/);
      rejects('sc://::1', 'host', /brackets/);
      rejects('sc://fe80::1:15002', 'host', /brackets/);
      rejects('sc://[not-ipv6]:1', 'host', /IPv6/);
    });

    it('port', () => {
      rejects('sc://host:0', 'port', "'0' is not a valid port");
      rejects('sc://host:65536', 'port', "'65536'");
      rejects('sc://host:99999', 'port', "'99999' is not a valid port");
      rejects('sc://host:abc', 'port', "'abc'");
      rejects('sc://host:', 'port', "'' is not a valid port");
      rejects('sc://host:-1', 'port', "'-1'");
      rejects('sc://host:1.5', 'port', "'1.5'");
      rejects('sc://host: 80', 'port', "' 80'");
      rejects('sc://host:1e3', 'port', "'1e3'");
      rejects('sc://[::1]:0', 'port', "'0'");
      rejects('sc://[::1]:', 'port', "''");
      rejects('sc://host:0/;token=x', 'port', "'0'");
    });

    it('parameters without key=value', () => {
      rejects('sc://host/;token', 'parameters', "'token' needs the form key=value");
      rejects('sc://host/;user_id=a;flag', 'parameters', "'flag'");
      rejects('sc://host/;=value', 'parameters', 'key=value');
    });

    it('token', () => {
      rejects('sc://host/;token=', 'token', /empty/);
      rejects('sc://host/;token=;user_id=a', 'token', /empty/);
    });

    it('use_ssl', () => {
      rejects('sc://host/;use_ssl=yes', 'use_ssl', "'yes'");
      rejects('sc://host/;use_ssl=TRUE', 'use_ssl', "'TRUE'");
      rejects('sc://host/;use_ssl=1', 'use_ssl', "'1'");
      rejects('sc://host/;use_ssl=', 'use_ssl', "''");
    });

    it('session_id', () => {
      rejects('sc://host/;session_id=42', 'session_id', "must be a UUID (got '42')");
      rejects('sc://host/;session_id=123e4567e89b42d3a456426614174000', 'session_id', "'123e4567e89b42d3a456426614174000'");
      rejects(`sc://host/;session_id=${UUID}0`, 'session_id', `'${UUID}0'`);
      rejects(`sc://host/;session_id=x${UUID}`, 'session_id', `'x${UUID}'`);
      rejects('sc://host/;session_id=123e4567-e89b-42d3-a456-42661417400g', 'session_id', '42661417400g');
      rejects('sc://host/;session_id=', 'session_id', 'UUID');
    });

    it('grpc_max_message_size', () => {
      for (const bad of ['0', '-1', '1.5', '1e6', 'abc', '', ' 10', '0x10', '9007199254740993', '128MiB']) {
        rejects(`sc://host/;grpc_max_message_size=${bad}`, 'grpc_max_message_size', `'${bad}'`);
      }
    });

    it('user_agent', () => {
      rejects(`sc://host/;user_agent=${'x'.repeat(2049)}`, 'user_agent', '2048');
    });

    it('duplicate keys, known or not', () => {
      rejects('sc://host/;user_id=a;user_id=b', 'user_id', "'user_id' is given twice");
      rejects('sc://host/;use_ssl=true;use_ssl=true', 'use_ssl', 'given twice');
      rejects(`sc://host/;session_id=${UUID};session_id=${UUID}`, 'session_id', 'given twice');
      rejects('sc://host/;x=1;y=2;x=1', 'x', "'x' is given twice");
      rejects('sc://host/;token=a;token=b', 'token', "'token' is given twice");
    });

    it('badly URL-encoded values name their key', () => {
      rejects('sc://host/;user_id=%ZZ', 'user_id', "'user_id'");
      rejects('sc://host/;x-extra=%E0%A4%A', 'x-extra', "'x-extra'");
    });
  });

  describe('token secrecy', () => {
    // Each of these is wrong somewhere other than the token; the message must still not show the token.
    const withToken = [
      `http://host/;token=${SECRET}`,
      `https://host:443/;user_id=a;token=${SECRET};x=1`,
      `sc:/host/;token=${SECRET}`,
      `sc://host:443/prefix/;token=${SECRET}`,
      `sc://host:443/prefix;token=${SECRET}`,
      `sc:///;token=${SECRET}`,
      `sc://bad host/;token=${SECRET}`,
      `sc://host:0/;token=${SECRET}`,
      `sc://host:abc/;token=${SECRET}`,
      `sc://host/;token=${SECRET};use_ssl=yes`,
      `sc://host/;token=${SECRET};session_id=42`,
      `sc://host/;token=${SECRET};grpc_max_message_size=-5`,
      `sc://host/;token=${SECRET};user_agent=${'x'.repeat(3000)}`,
      `sc://host/;token=${SECRET};user_id=a;user_id=b`,
      `sc://host/;token=${SECRET};flag`,
      `sc://host/;token=a;token=${SECRET}`,
      `sc://host/;token=${SECRET};token=${SECRET}`,
      `sc://host/;token=${SECRET}%ZZ`,
      `sc://host/;token=%ZZ${SECRET}`,
    ];
    for (const url of withToken) {
      it(`does not repeat the token: ${url.slice(0, 70)}`, () => {
        const error = failure(url);
        assert.ok(!error.message.includes(SECRET), `message leaks the token: ${error.message}`);
        assert.ok(!String(error.stack).includes(SECRET), 'stack leaks the token');
      });
    }

    it('does not repeat the token when the authority, path or a parameter is malformed', () => {
      for (const url of [
        `sc://host/;token:${SECRET}`,
        `sc://host;token=${SECRET}`,
        `sc://host:15002;token=${SECRET}`,
        `sc://host/token=${SECRET}`,
        `sc://host?token=${SECRET}`,
        `sc://[::1;token=${SECRET}`,
        `sc://[::1]x;token=${SECRET}`,
      ]) {
        const error = failure(url);
        assert.ok(!error.message.includes(SECRET), `${url}: message leaks the token: ${error.message}`);
      }
    });
  });

  describe('redactConnectionString', () => {
    it('replaces every token value and leaves the rest alone', () => {
      assert.equal(redactConnectionString('sc://h:1/;user_id=a;token=s3cret;x=1'), 'sc://h:1/;user_id=a;token=***;x=1');
      assert.equal(redactConnectionString('sc://h/;token=abc=='), 'sc://h/;token=***');
      assert.equal(redactConnectionString('sc://h/;token=a;token=b'), 'sc://h/;token=***;token=***');
      assert.equal(redactConnectionString('sc://h/;token='), 'sc://h/;token=***');
      assert.equal(redactConnectionString('sc://h:1/;user_id=a'), 'sc://h:1/;user_id=a');
      assert.equal(redactConnectionString(''), '');
    });
  });

  describe('isLoopback', () => {
    for (const host of ['localhost', 'LocalHost', '127.0.0.1', '127.0.1.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1']) {
      it(`${host} is loopback`, () => assert.equal(isLoopback(host), true));
    }
    for (const host of [
      'remote',
      '10.0.0.1',
      '128.0.0.1',
      '1127.0.0.1',
      '127.0.0',
      '127.0.0.1.nip.io',
      '127.0.0.256',
      'localhost.example.com',
      'mylocalhost',
      '::2',
      '[::1]',
      '',
    ]) {
      it(`${JSON.stringify(host)} is not loopback`, () => assert.equal(isLoopback(host), false));
    }
  });

  describe('endpointLabel', () => {
    it('writes host:port, bracketing IPv6 hosts', () => {
      assert.equal(endpointLabel({ host: 'spark.example.com', port: 443 }), 'spark.example.com:443');
      assert.equal(endpointLabel({ host: '127.0.0.1', port: 15002 }), '127.0.0.1:15002');
      assert.equal(endpointLabel({ host: '::1', port: 15002 }), '[::1]:15002');
      assert.equal(endpointLabel(parseConnectionString('sc://[fe80::1]:7')), '[fe80::1]:7');
      assert.equal(endpointLabel(parseConnectionString('sc://h')), 'h:15002');
    });
  });
});
