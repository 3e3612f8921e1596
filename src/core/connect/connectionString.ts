import { DEFAULT_CONNECT_PORT } from '../localSpark/pinnedVersions.js';

/** A malformed `sc://` string; `part` names the piece that is wrong so the message can point at it. */
export class ConnectionStringError extends Error {
  constructor(
    message: string,
    readonly part: string,
  ) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

export const DEFAULT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  /** TLS on; a token turns it on too, except on loopback, where local servers use a token without TLS. */
  readonly useSsl: boolean;
  readonly userId: string | undefined;
  readonly userAgent: string | undefined;
  readonly sessionId: string | undefined;
  readonly maxMessageSize: number;
  /** Every other parameter is sent as gRPC metadata on each call, as the spec says. */
  readonly metadata: Readonly<Record<string, string>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN = new Set(['token', 'use_ssl', 'user_id', 'user_agent', 'session_id', 'grpc_max_message_size']);

/**
 * Parses a Spark Connect connection string, `sc://host[:port][/;key=value;...]`, following
 * Spark's client-connection-string spec: fixed scheme, empty path, case-sensitive parameters.
 */
export function parseConnectionString(text: string): ConnectionOptions {
  const input = text.trim();
  if (!input.startsWith('sc://')) {
    throw new ConnectionStringError(
      `A Spark Connect URL starts with 'sc://' (got '${redactConnectionString(input.slice(0, 40))}').`,
      'scheme',
    );
  }
  const rest = input.slice('sc://'.length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const tail = slash === -1 ? '' : rest.slice(slash + 1);
  if (tail !== '' && !tail.startsWith(';')) {
    throw new ConnectionStringError(
      `A Spark Connect URL has no path: parameters follow '/;' (found '${shown('/' + tail.split(';')[0])}').`,
      'path',
    );
  }
  const { host, port } = parseAuthority(authority);
  const params = parseParameters(tail.slice(1));

  const token = params.get('token');
  if (token !== undefined && token === '') throw new ConnectionStringError(`The 'token' parameter is empty.`, 'token');
  const useSslText = params.get('use_ssl');
  if (useSslText !== undefined && useSslText !== 'true' && useSslText !== 'false') {
    throw new ConnectionStringError(`'use_ssl' must be 'true' or 'false' (got '${useSslText}').`, 'use_ssl');
  }
  const sessionId = params.get('session_id');
  if (sessionId !== undefined && !UUID.test(sessionId)) {
    throw new ConnectionStringError(`'session_id' must be a UUID (got '${sessionId}').`, 'session_id');
  }
  const sizeText = params.get('grpc_max_message_size');
  let maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
  if (sizeText !== undefined) {
    maxMessageSize = Number(sizeText);
    if (!/^\d+$/.test(sizeText) || maxMessageSize <= 0 || !Number.isSafeInteger(maxMessageSize)) {
      throw new ConnectionStringError(
        `'grpc_max_message_size' must be a positive number of bytes (got '${sizeText}').`,
        'grpc_max_message_size',
      );
    }
  }
  const userAgent = params.get('user_agent');
  if (userAgent !== undefined && userAgent.length > 2048) {
    throw new ConnectionStringError(`'user_agent' is longer than 2048 characters.`, 'user_agent');
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of params) if (!KNOWN.has(key)) metadata[key] = value;

  return {
    host,
    port,
    token,
    useSsl: useSslText === 'true' || (token !== undefined && useSslText !== 'false' && !isLoopback(host)),
    userId: params.get('user_id'),
    userAgent,
    sessionId,
    maxMessageSize,
    metadata,
  };
}

function parseAuthority(authority: string): { host: string; port: number } {
  if (authority === '') throw new ConnectionStringError('The Spark Connect URL has no host.', 'host');
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) throw new ConnectionStringError(`The IPv6 host '${shown(authority)}' has no closing ']'.`, 'host');
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':'))
      throw new ConnectionStringError(`Unexpected '${shown(after)}' after the host.`, 'host');
    portText = after === '' ? undefined : after.slice(1);
    if (!/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(':')) {
      throw new ConnectionStringError(`'${shown(host)}' is not a valid IPv6 host address.`, 'host');
    }
  } else {
    if (authority.split(':').length > 2) {
      throw new ConnectionStringError(
        `An IPv6 host goes in brackets, as in sc://[::1]:15002 (got '${shown(authority)}').`,
        'host',
      );
    }
    const colon = authority.lastIndexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
    if (!/^[A-Za-z0-9._-]+$/.test(host)) throw new ConnectionStringError(`'${shown(host)}' is not a valid host name.`, 'host');
  }
  if (portText === undefined) return { host, port: DEFAULT_CONNECT_PORT };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new ConnectionStringError(`'${shown(portText)}' is not a valid port (1-65535).`, 'port');
  }
  return { host, port };
}

function parseParameters(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of text.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      // Only a plain name is echoed: a malformed pair such as 'token:s3cret' may hold a secret.
      const name = /^[A-Za-z_][A-Za-z0-9_-]{0,40}$/.test(pair) ? `'${pair}'` : 'with no name';
      throw new ConnectionStringError(`Parameter ${name} needs the form key=value.`, 'parameters');
    }
    const key = pair.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      throw new ConnectionStringError(`The value of '${key}' is not valid URL encoding.`, key);
    }
    if (params.has(key)) throw new ConnectionStringError(`Parameter '${key}' is given twice.`, key);
    params.set(key, value);
  }
  return params;
}

export function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  return (
    name === 'localhost' ||
    /^(0{1,4}:){7}0{0,3}1$/.test(name) ||
    name === '::1' ||
    /^127\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(name)
  );
}

/** The connection string with its token replaced, fit for logs, errors and the UI. */
export function redactConnectionString(text: string): string {
  return text.replace(/(token=)[^;]*/g, '$1***');
}

/** A fragment of user input for an error message: redacted, and anything after a ';' dropped, since a secret may follow. */
function shown(fragment: string): string {
  const semicolon = fragment.indexOf(';');
  const head = semicolon === -1 ? fragment : `${fragment.slice(0, semicolon)};…`;
  return redactConnectionString(head).slice(0, 80);
}

/** `host:port` as shown in messages (IPv6 in brackets). */
export function endpointLabel(options: Pick<ConnectionOptions, 'host' | 'port'>): string {
  return options.host.includes(':') ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
}
