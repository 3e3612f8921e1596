import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freeLoopbackPort } from '../../src/core/localSpark/localSparkServer.js';

/** A real PostgreSQL server on 127.0.0.1, its data in a temporary folder, for the tests' database sources. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `jdbc:postgresql://127.0.0.1:<port>/<database>` */
  jdbcUrl(database: string): string;
  /** Runs SQL with psql in a database and returns its unaligned output (`-At`), one row per line. */
  psql(database: string, sql: string): string;
  /**
   * Runs a query again and again on one connection of its own (psql's \watch) until stopped; resolves
   * to every row it printed, and what psql said on stderr (an error ends the watch).
   */
  watch(database: string, query: string): { stop: () => Promise<{ rows: string[]; errors: string }> };
  stop(): Promise<void>;
}

/**
 * Debian's PostgreSQL binaries: the folder of `initdb` on the PATH, else the newest of
 * /usr/lib/postgresql/<version>/bin. `.ci/run` installs Debian's `postgresql` package when neither exists.
 */
function postgresBinaries(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = join('/usr/lib/postgresql', version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error('No PostgreSQL server binaries (initdb, pg_ctl): install Debian\'s "postgresql" package.');
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user Debian's package makes. */
function asServerUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export interface PostgresOptions {
  /** Default: a free one. */
  readonly port?: number;
  /** The superuser it is made with (default: workbench). */
  readonly user?: string;
  readonly log?: (line: string) => void;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const log = options.log ?? (() => undefined);
  const bin = postgresBinaries();
  const owner = asServerUser();
  const folder = mkdtempSync(join(tmpdir(), 'sw-postgres-'));
  const data = join(folder, 'data');
  const passwordFile = join(folder, 'password');
  const user = options.user ?? 'workbench';
  const password = `pw-${randomUUID()}`;
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(folder, owner.uid, owner.gid);
    chownSync(passwordFile, owner.uid, owner.gid);
  }
  chmodSync(folder, 0o700);
  const run = (command: string, args: string[]) => {
    const result = spawnSync(join(bin, command), args, {
      encoding: 'utf8',
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      env: { ...process.env, LC_ALL: 'C' },
    });
    if (result.status !== 0)
      throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`.trim());
    return result.stdout;
  };
  run('initdb', ['-D', data, '-U', user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale']);
  const port = options.port ?? (await freeLoopbackPort());
  // Loopback only; the socket in the data folder's parent (not /var/run, which root owns); no fsync: test data.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(folder, 'server.log'), '-o', serverOptions]);
  log(`PostgreSQL started on 127.0.0.1:${port} (data in ${data})`);
  const psql = (database: string, sql: string): string => {
    const result = spawnSync(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database],
      {
        input: sql,
        encoding: 'utf8',
        env: { ...process.env, PGPASSWORD: password },
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    if (result.status !== 0) throw new Error(`psql: ${result.stderr}`.trim());
    return result.stdout.replace(/\n$/, '');
  };
  const watch = (database: string, query: string) => {
    const child = spawn('psql', ['-X', '-q', '-At', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database], {
      env: { ...process.env, PGPASSWORD: password },
    });
    let out = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    child.stdin.end(`${query} \\watch 0.01\n`);
    return {
      stop: async () => {
        child.kill('SIGINT');
        await closed;
        // The stop itself may cancel a query that was running: that is not the query failing.
        const stopped = /^(Cancel request sent|ERROR: {2}canceling statement due to user request)$/;
        return {
          rows: out.split('\n').filter((line) => line.trim() !== ''),
          errors: errors
            .split('\n')
            .filter((line) => line.trim() !== '' && !stopped.test(line.trim()))
            .join('\n'),
        };
      },
    };
  };
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    jdbcUrl: (database) => `jdbc:postgresql://127.0.0.1:${port}/${database}`,
    psql,
    watch,
    stop: async () => {
      if (!existsSync(folder)) return;
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
