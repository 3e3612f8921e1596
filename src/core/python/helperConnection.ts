import { isLoopback, type ConnectionOptions } from '../connect/connectionString.js';

/**
 * The connection string that puts pyspark's Spark Connect client into our client's very session: the
 * server keys sessions by user id and session id together, so both are given. pyspark turns TLS on
 * whenever a token is set unless the host is named `localhost`, so a loopback server is named so.
 */
export function helperConnectionString(connection: ConnectionOptions, sessionId: string, userId: string): string {
  const host =
    isLoopback(connection.host) && !connection.useSsl
      ? 'localhost'
      : connection.host.includes(':')
        ? `[${connection.host}]`
        : connection.host;
  const params: [string, string][] = [
    ['session_id', sessionId],
    ['user_id', userId],
    ...(connection.token ? ([['token', connection.token]] as [string, string][]) : []),
    ...(connection.useSsl ? ([['use_ssl', 'true']] as [string, string][]) : []),
    ...Object.entries(connection.metadata),
  ];
  return `sc://${host}:${connection.port}/;${params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join(';')}`;
}
