/**
 * The retail example's sources beyond files, made ready for a run: a PostgreSQL with the CRM's
 * customers and an empty analytics database (started here from Debian's PostgreSQL binaries, or an
 * existing server given by URL), and the exchange-rate API on loopback. `npm run example` and the
 * integration test of the example use it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWorkbenchFile, type DatabaseSource } from '../../src/core/databases/databaseSources.js';
import type { PublishTarget } from '../../src/core/databases/publishing.js';
import { startPostgres } from '../../test/support/postgresServer.js';
import { customersTableSql } from './crm.js';
import { startRatesApi, type RatesApi } from './ratesApi.js';

export interface ExampleSources {
  /** spark-workbench.yml's databases, their URLs pointing at the server in use. */
  readonly databases: readonly DatabaseSource[];
  readonly publish: readonly PublishTarget[];
  /** The databases' password (one user for both). */
  readonly password: string;
  readonly api: RatesApi;
  /** Runs SQL in one of its databases with psql; returns psql's unaligned output. */
  psql(database: string, sql: string): string;
  close(): Promise<void>;
}

export interface ExampleSourcesOptions {
  readonly exampleRoot: string;
  /** An existing server, `postgresql://user:password@host:port`; else one is started here. */
  readonly pgUrl?: string;
  /** The started server's port (default: the one spark-workbench.yml names; 0: any free one). */
  readonly pgPort?: number;
  /** The API's port (default: the one the spec's retail.api names; 0: any free one). */
  readonly apiPort?: number;
  readonly log: (line: string) => void;
}

export async function startExampleSources(options: ExampleSourcesOptions): Promise<ExampleSources> {
  const file = readWorkbenchFile(readFileSync(join(options.exampleRoot, 'spark-workbench.yml'), 'utf8'));
  if (file.problems.length) throw new Error(`spark-workbench.yml: ${file.problems.map((p) => p.message).join('; ')}`);
  const declared = new URL(file.databases[0]!.url.replace(/^jdbc:/, ''));
  const server = options.pgUrl
    ? existingServer(options.pgUrl)
    : await startedServer(options, Number(declared.port), file.databases[0]!.user!);
  const databases = file.databases.map((source) => {
    const url = new URL(source.url.replace(/^jdbc:/, ''));
    url.hostname = server.host;
    url.port = String(server.port);
    return { ...source, url: `jdbc:${url.href}`, user: server.user };
  });
  try {
    const existing = server.psql('postgres', 'SELECT datname FROM pg_database').split('\n');
    for (const name of ['crm', 'analytics']) if (!existing.includes(name)) server.psql('postgres', `CREATE DATABASE ${name}`);
    server.psql('crm', customersTableSql());
    options.log(`PostgreSQL at ${server.host}:${server.port}: the CRM's 500 customers loaded, the analytics database ready`);
    const spec = readFileSync(join(options.exampleRoot, 'spark-pipeline.yml'), 'utf8');
    const apiPort = options.apiPort ?? Number(new URL(/^ {2}retail\.api: (.*)$/m.exec(spec)![1]!).port);
    const api = await startRatesApi(apiPort).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === 'EADDRINUSE'
          ? `The example's rates API needs port ${apiPort} on 127.0.0.1, and it is in use.`
          : error.message,
      );
    });
    options.log(`The exchange-rate API answers at ${api.url}/rates`);
    return {
      databases,
      publish: file.publish,
      password: server.password,
      api,
      psql: server.psql,
      close: async () => {
        await api.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

interface Server {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  psql(database: string, sql: string): string;
  stop(): Promise<void>;
}

async function startedServer(options: ExampleSourcesOptions, declaredPort: number, user: string): Promise<Server> {
  const port = options.pgPort ?? declaredPort;
  const pg = await startPostgres({ port: port === 0 ? undefined : port, user, log: options.log }).catch((error: Error) => {
    throw new Error(
      `${error.message} (or give npm run example an existing server: --pg-url postgresql://user:password@host:port)`,
    );
  });
  return { host: pg.host, port: pg.port, user: pg.user, password: pg.password, psql: pg.psql, stop: pg.stop };
}

function existingServer(given: string): Server {
  const url = new URL(given);
  if (!/^postgres(ql)?:$/.test(url.protocol) || !url.username)
    throw new Error(`--pg-url is postgresql://user:password@host:port, not ${url.protocol}//…`);
  const password = decodeURIComponent(url.password);
  const psql = (database: string, sql: string): string => {
    const result = spawnSync(
      'psql',
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-At',
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username),
        '-d',
        database,
      ],
      { input: sql, encoding: 'utf8', env: { ...process.env, PGPASSWORD: password } },
    );
    if (result.status !== 0) throw new Error(`psql: ${result.stderr || result.error?.message}`.trim());
    return result.stdout.replace(/\n$/, '');
  };
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password,
    psql,
    stop: async () => undefined,
  };
}
