import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Disposable } from '../util/events.js';
import { DEFAULT_CONNECT_PORT } from './pinnedVersions.js';
import { assertLocalRuntimeSupported } from './platformSupport.js';
import { findJava } from './prerequisites.js';
import { exitFromStatus, logSaysOutOfMemory, relevantLogLines, type LocalServerExit } from './serverExit.js';
import type { SparkRuntime } from './sparkRuntime.js';

/**
 * Runs spark-submit (which execs the JVM) under a shell that waits for it and records how it ended,
 * so any process watching the server (the extension, the CLI) can say "killed by signal 9" although
 * only the process that started it could reap it. The shell leads the process group stop() signals.
 */
const EXIT_RECORDING_WRAPPER =
  '"$@" & child=$!; echo "$child" > "$SPARK_WORKBENCH_PID_FILE"; wait "$child"; echo "$?" > "$SPARK_WORKBENCH_EXIT_FILE"';

export interface LocalServerOptions {
  readonly port?: number;
  /** Token the server demands; a fresh random one when omitted, `null` for none. */
  readonly token?: string | null;
  /** Extra `--conf` pairs (tests use them for tiny stream limits). */
  readonly conf?: Readonly<Record<string, string>>;
  readonly driverMemory?: string;
  readonly master?: string;
  /** JDK to run on instead of JAVA_HOME or the PATH's java. */
  readonly javaHome?: string;
  /** How long to wait for the server to answer. */
  readonly startTimeoutMs?: number;
  /** Who starts it, as `server list` shows it (the CLI, an editor window). */
  readonly owner?: string;
  /** Maven coordinates of jars it needs (JDBC drivers), fetched once into the runtime home. */
  readonly packages?: readonly string[];
  /** Paths of jars it needs. */
  readonly jars?: readonly string[];
}

/** How long a server may take to answer after it was started. */
const DEFAULT_START_TIMEOUT_MS = 180_000;
/** A gone server's log and exit status stay this long (a crash is explained from them), then go. */
const KEEP_GONE_SERVER_FILES_MS = 24 * 60 * 60_000;

/** The port a local server should use is held: by a server of ours that does not answer, or by another program. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly holder: 'ours' | 'other',
    message: string,
  ) {
    super(message);
    this.name = 'PortInUseError';
  }
}

/** What is recorded about a running server, so another process (CLI, extension) can find and stop it. */
export interface LocalServerState {
  /** The server JVM. */
  readonly pid: number;
  /** The process group to signal on stop (the recording shell's); the JVM's own pid for older state files. */
  readonly processGroup?: number;
  readonly port: number;
  readonly token: string | null;
  readonly startedAt: string;
  readonly logFile: string;
  readonly pysparkVersion: string;
  /** The Spark UI's port on 127.0.0.1 (state files of older versions have none). */
  readonly uiPort?: number;
  /** Who started it (older state files say nothing). */
  readonly owner?: string;
  /** The Maven packages and jars it was started with (JDBC drivers). */
  readonly packages?: readonly string[];
  readonly jars?: readonly string[];
}

export type LocalServerStatus =
  | { readonly state: 'stopped' }
  | {
      readonly state: 'running';
      readonly server: LocalServerState;
      readonly url: string;
    }
  | { readonly state: 'unresponsive'; readonly server: LocalServerState };

/** The `sc://` URL of a local server; the token rides along as a parameter. */
export function localServerUrl(state: Pick<LocalServerState, 'port' | 'token'>): string {
  return `sc://127.0.0.1:${state.port}${state.token ? `/;token=${encodeURIComponent(state.token)}` : ''}`;
}

/**
 * Starts, finds and stops Spark Connect servers run from the pinned pyspark on 127.0.0.1.
 * The server outlives the process that started it (CLI `server start`), so its pid, port and token are
 * kept in a state file that only the owner can read.
 */
export class LocalSparkServer {
  constructor(
    private readonly stateDir: string,
    private readonly log: (line: string) => void = () => {},
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  private statePath(port: number): string {
    return join(this.stateDir, `server-${port}.json`);
  }

  private exitPath(port: number): string {
    return join(this.stateDir, `server-${port}.exit`);
  }

  private pidPath(port: number): string {
    return join(this.stateDir, `server-${port}.pid`);
  }

  /** Written by stop() before it signals, so a watcher in another process knows the stop was asked for. */
  private stopRequestPath(port: number): string {
    return join(this.stateDir, `server-${port}.stopping`);
  }

  warehouseDir(port: number): string {
    return join(this.stateDir, `warehouse-${port}`);
  }

  /** Where Spark's Ivy keeps the packages servers are started with (JDBC drivers): once per runtime home. */
  private ivyDir(): string {
    return join(dirname(this.stateDir), 'ivy');
  }

  readState(port: number = DEFAULT_CONNECT_PORT): LocalServerState | undefined {
    const path = this.statePath(port);
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as LocalServerState;
    } catch {
      return undefined;
    }
  }

  async status(port: number = DEFAULT_CONNECT_PORT): Promise<LocalServerStatus> {
    const server = this.readState(port);
    if (!server || !isProcessAlive(server.pid)) {
      if (server) rmSync(this.statePath(port), { force: true });
      return { state: 'stopped' };
    }
    return (await isPortOpen(port))
      ? { state: 'running', server, url: localServerUrl(server) }
      : { state: 'unresponsive', server };
  }

  /** Every server in this registry with its status; files of servers that are gone are cleaned up. */
  async list(): Promise<Exclude<LocalServerStatus, { state: 'stopped' }>[]> {
    this.removeGoneServerFiles();
    const ports = existsSync(this.stateDir)
      ? readdirSync(this.stateDir)
          .map((name) => /^server-(\d+)\.json$/.exec(name)?.[1])
          .filter((port): port is string => port !== undefined)
          .map(Number)
          .sort((a, b) => a - b)
      : [];
    const statuses = await Promise.all(ports.map((port) => this.status(port)));
    return statuses.filter((status): status is Exclude<LocalServerStatus, { state: 'stopped' }> => status.state !== 'stopped');
  }

  /**
   * Removes what servers that are gone left behind: their state at once, their pid and stop files after
   * a minute, their log, exit status and warehouse once a day old (a crash is explained from the log).
   */
  removeGoneServerFiles(now = Date.now()): void {
    if (!existsSync(this.stateDir)) return;
    for (const name of readdirSync(this.stateDir)) {
      const match = /^(?:server|warehouse)-(\d+)(\.[a-z]+)?$/.exec(name);
      if (!match) continue;
      const port = Number(match[1]);
      const server = this.readState(port);
      if (server && isProcessAlive(server.pid)) continue;
      const path = join(this.stateDir, name);
      if (match[2] === '.json') {
        rmSync(path, { force: true });
        continue;
      }
      const age = now - statSafe(path);
      // A pid file younger than a minute may be a start in progress, before its state file is written.
      const stale = match[2] === '.pid' || match[2] === '.stopping' ? age > 60_000 : age > KEEP_GONE_SERVER_FILES_MS;
      if (stale) rmSync(path, { recursive: true, force: true });
    }
  }

  async start(runtime: SparkRuntime, options: LocalServerOptions = {}): Promise<LocalServerState> {
    assertLocalRuntimeSupported('Local Spark', this.platform);
    const port = options.port ?? DEFAULT_CONNECT_PORT;
    const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const joined = await this.joinRunning(port, startTimeoutMs);
    if (joined) return joined;
    await this.assertPortFree(port);
    this.removeGoneServerFiles();
    const java = await findJava(process.env, options.javaHome);
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    const launched = await this.launch(runtime, port, java.javaHome, options);
    return this.waitUntilReady(launched, startTimeoutMs);
  }

  /** A server of ours already on the port: running, or being started by another process of ours (waited for). */
  private async joinRunning(port: number, startTimeoutMs: number): Promise<LocalServerState | undefined> {
    const current = await this.status(port);
    if (current.state === 'running') return current.server;
    if (current.state === 'unresponsive') {
      // Another process of ours (the editor, the CLI) is starting it: wait for it rather than kill it.
      const startedAgo = Date.now() - Date.parse(current.server.startedAt);
      if (startedAgo < startTimeoutMs && (await this.waitUntilAnswers(current.server, startTimeoutMs - startedAgo)))
        return current.server;
      await this.stop(port);
    }
    return undefined;
  }

  private async assertPortFree(port: number): Promise<void> {
    if (await isPortOpen(port))
      throw new PortInUseError(
        port,
        'other',
        `Port ${port} on 127.0.0.1 is in use by another program (no Spark Workbench server of ${this.stateDir} holds it). Choose another port.`,
      );
  }

  /** The server's configuration: every listener on loopback, the UI on a port of its own, small shuffles. */
  private serverConf(port: number, uiPort: number, options: LocalServerOptions): Record<string, string> {
    return {
      'spark.connect.grpc.binding.address': '127.0.0.1',
      'spark.connect.grpc.binding.port': String(port),
      // Keep every listener of the driver on loopback, not only the gRPC one.
      'spark.driver.host': '127.0.0.1',
      'spark.driver.bindAddress': '127.0.0.1',
      // The UI (on loopback, like every listener here) shows the jobs Spark Connect does not: a cancel
      // uses it to find and kill a job Spark left running after the operation ended.
      'spark.ui.enabled': 'true',
      'spark.ui.port': String(uiPort),
      'spark.ui.showConsoleProgress': 'false',
      'spark.sql.shuffle.partitions': '4',
      // Spark Connect sends a partition's rows only once the whole partition is computed: smaller
      // partitions bring the first rows sooner, and later ones compute while earlier ones stream.
      'spark.default.parallelism': String(4 * availableParallelism()),
      // A Python worker flushes its output when this buffer fills, and only then does a stopped task
      // see its kill: with the default 64 KiB (or 8 KiB), a Python data source reading small pages went
      // on fetching for a second or more after a cancel; with 2 KiB it stops at its next page or two.
      // Large Arrow batches are written straight through either way.
      'spark.buffer.size': '2048',
      // A killed task's Python worker that is busy in Python code (a data source waiting for a slow
      // page) is ended this long after Spark's check finds the kill, rather than the default 2 s.
      'spark.python.task.killTimeout': '200ms',
      'spark.log.level': 'WARN',
      // Each port has its own warehouse, so servers for tests and benchmarks keep their tables apart.
      'spark.sql.warehouse.dir': this.warehouseDir(port),
      ...options.conf,
    };
  }

  /** Spawns spark-submit for the server and records its state (0600) once its JVM wrote its pid. */
  private async launch(
    runtime: SparkRuntime,
    port: number,
    javaHome: string | undefined,
    options: LocalServerOptions,
  ): Promise<{ state: LocalServerState; exitCode: () => number | undefined }> {
    const logFile = join(this.stateDir, `server-${port}.log`);
    const token = options.token === undefined ? randomUUID() : options.token;
    const uiPort = await freeLoopbackPort();
    const conf = this.serverConf(port, uiPort, options);
    const args = [
      '--class',
      'org.apache.spark.sql.connect.service.SparkConnectServer',
      '--name',
      `Spark Workbench local server (${port})`,
      '--master',
      options.master ?? 'local[*]',
      '--driver-memory',
      options.driverMemory ?? '2g',
      ...Object.entries(conf).flatMap(([key, value]) => ['--conf', `${key}=${value}`]),
      ...(options.packages?.length
        ? ['--packages', options.packages.join(','), '--conf', `spark.jars.ivy=${this.ivyDir()}`]
        : []),
      ...(options.jars?.length ? ['--jars', options.jars.join(',')] : []),
    ];
    const out = openSync(logFile, 'w');
    for (const stale of [this.exitPath(port), this.pidPath(port), this.stopRequestPath(port)]) rmSync(stale, { force: true });
    // The pip pyspark has no Hive metastore, so the catalog lives in memory and forgets every table when
    // the server stops; their folders left behind would make the next CREATE TABLE of the same name fail
    // with LOCATION_ALREADY_EXISTS.
    rmSync(this.warehouseDir(port), { recursive: true, force: true });
    const env = sparkProcessEnv(runtime, javaHome, {
      SPARK_WORKBENCH_PID_FILE: this.pidPath(port),
      SPARK_WORKBENCH_EXIT_FILE: this.exitPath(port),
    });
    if (token) env.SPARK_CONNECT_AUTHENTICATE_TOKEN = token;
    this.log(`Starting Spark ${runtime.pysparkVersion} Connect server on 127.0.0.1:${port} (log: ${logFile})`);
    // detached: own process group, so stop() can end the shell and the JVM together.
    const child = spawn(
      '/bin/sh',
      ['-c', EXIT_RECORDING_WRAPPER, 'spark-workbench-server', join(runtime.sparkHome, 'bin', 'spark-submit'), ...args],
      {
        env,
        cwd: this.stateDir, // Spark writes derby.log and friends to its working directory
        detached: true,
        stdio: ['ignore', out, out],
      },
    );
    closeSync(out);
    const processGroup = child.pid;
    if (processGroup === undefined) throw new Error('Could not start spark-submit.');
    let exitCode: number | undefined;
    child.on('exit', (code) => (exitCode = code ?? -1));
    child.unref();
    const pid = await this.waitForPidFile(port, () => exitCode !== undefined);
    const state: LocalServerState = {
      pid,
      processGroup,
      port,
      token,
      startedAt: new Date().toISOString(),
      logFile,
      pysparkVersion: runtime.pysparkVersion,
      uiPort,
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.packages?.length ? { packages: options.packages } : {}),
      ...(options.jars?.length ? { jars: options.jars } : {}),
    };
    writeFileSync(this.statePath(port), JSON.stringify(state, null, 2), {
      mode: 0o600,
    });
    return { state, exitCode: () => exitCode };
  }

  /** Waits until the server answers on its port; one that exits or never answers is reported with its log. */
  private async waitUntilReady(
    launched: { state: LocalServerState; exitCode: () => number | undefined },
    startTimeoutMs: number,
  ): Promise<LocalServerState> {
    const { state } = launched;
    const { port, logFile } = state;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      const exitCode = launched.exitCode();
      if (exitCode !== undefined) {
        rmSync(this.statePath(port), { force: true });
        throw new Error(`The Spark server exited during start-up (exit ${exitCode}). Last log lines:\n${tail(logFile)}`);
      }
      if (await isPortOpen(port)) {
        this.log(`Spark Connect server is ready at sc://127.0.0.1:${port}`);
        return state;
      }
      await delay(250);
    }
    await this.stop(port);
    throw new Error(
      `The Spark server did not answer on 127.0.0.1:${port} within the time limit. Last log lines:\n${tail(logFile)}`,
    );
  }

  /** Whether a server that is starting answers within `timeoutMs` (false once its process is gone). */
  private async waitUntilAnswers(server: LocalServerState, timeoutMs: number): Promise<boolean> {
    this.log(
      `A Spark Workbench server is starting on 127.0.0.1:${server.port} (pid ${server.pid}${server.owner ? `, by ${server.owner}` : ''}): waiting for it.`,
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && isProcessAlive(server.pid)) {
      if (await isPortOpen(server.port)) return true;
      await delay(250);
    }
    return false;
  }

  /** The JVM's pid, as the wrapper shell writes it right after starting spark-submit. */
  private async waitForPidFile(port: number, exited: () => boolean): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pid = readNumber(this.pidPath(port));
      if (pid !== undefined) return pid;
      if (exited() || Date.now() > deadline) throw new Error('Could not start spark-submit.');
      await delay(20);
    }
  }

  /**
   * Calls `onExit` once, within about `intervalMs`, when the server process of `state` ends: by a
   * crash, a signal, running out of memory, or a stop. Watches the process itself (works for a server
   * another process started), never the RPCs.
   */
  watch(state: LocalServerState, onExit: (exit: LocalServerExit) => void, intervalMs = 250): Disposable {
    let disposed = false;
    const timer = setInterval(() => {
      if (isProcessAlive(state.pid)) return;
      clearInterval(timer);
      this.exitOf(state).then(
        (exit) => {
          if (!disposed) onExit(exit);
        },
        () => undefined,
      );
    }, intervalMs);
    timer.unref();
    return {
      dispose: () => {
        disposed = true;
        clearInterval(timer);
      },
    };
  }

  /** How the server of `state` ended: the recorded exit status, whether a stop asked for it, its log. */
  async exitOf(state: LocalServerState): Promise<LocalServerExit> {
    // The shell records the status right after the JVM is reaped; give it a moment.
    let status = readNumber(this.exitPath(state.port));
    for (let waited = 0; status === undefined && waited < 500; waited += 50) {
      await delay(50);
      status = readNumber(this.exitPath(state.port));
    }
    const log = readText(state.logFile);
    const { code, signal } = exitFromStatus(status);
    let requested = false;
    try {
      requested = statSync(this.stopRequestPath(state.port)).mtimeMs >= Date.parse(state.startedAt);
    } catch {
      // no stop was asked for
    }
    return {
      port: state.port,
      pid: state.pid,
      code,
      signal,
      requested,
      outOfMemory: code === 52 || logSaysOutOfMemory(log),
      logLines: relevantLogLines(log),
      logFile: state.logFile,
    };
  }

  /** Stops the server on `port`; true when one was running. */
  async stop(port: number = DEFAULT_CONNECT_PORT, timeoutMs = 20_000): Promise<boolean> {
    const server = this.readState(port);
    if (!server) return false;
    const wasAlive = isProcessAlive(server.pid);
    writeFileSync(this.stopRequestPath(port), new Date().toISOString());
    const group = server.processGroup ?? server.pid;
    signalGroup(group, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (isProcessAlive(server.pid) && Date.now() < deadline) await delay(100);
    if (isProcessAlive(server.pid)) signalGroup(group, 'SIGKILL');
    const killDeadline = Date.now() + 5_000;
    while (isProcessAlive(server.pid) && Date.now() < killDeadline) await delay(50);
    // The port is the resource a restart needs back; give the kernel a moment to release it.
    while ((await isPortOpen(port)) && Date.now() < killDeadline) await delay(100);
    rmSync(this.statePath(port), { force: true });
    if (wasAlive) this.log(`Stopped the Spark server on port ${port}.`);
    return wasAlive;
  }
}

/**
 * The environment of a Spark process we start (a Connect server, a master, a worker): the pinned
 * runtime, every address on loopback, and none of the user's Spark client settings: a token meant for
 * a client, and SPARK_REMOTE, which spark-submit takes for "run as a Connect client" and then refuses
 * to start a server ("Remote cannot be specified with master").
 */
export function sparkProcessEnv(
  runtime: SparkRuntime,
  javaHome: string | undefined,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SPARK_HOME: runtime.sparkHome,
    PYSPARK_PYTHON: runtime.pythonExecutable,
    SPARK_LOCAL_IP: '127.0.0.1',
    ...(javaHome ? { JAVA_HOME: javaHome } : {}),
    ...extra,
  };
  delete env.SPARK_CONNECT_AUTHENTICATE_TOKEN;
  delete env.SPARK_REMOTE;
  return env;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * True while the process runs. A zombie (exited, not yet reaped by its parent) counts as gone; but a
 * JVM whose main thread exited shows "Z" for its leader while other threads still run, so every thread
 * is looked at.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
    });
  } catch {
    return true; // no /proc (macOS), or the process vanished while we looked: kill(pid, 0) said alive
  }
}

/** A port nothing listens on now, on 127.0.0.1. */
export async function freeLoopbackPort(): Promise<number> {
  // Below the kernel's ephemeral range (Linux 32768-60999, macOS 49152-65535): a port handed out for a
  // bind to port 0 (a JVM's driver RPC, say) can be given to someone else the moment it is released,
  // while one of these stays free unless someone asks for it by number.
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  return listenOn(0);
}

function canListen(port: number): Promise<boolean> {
  return listenOn(port).then(
    () => true,
    () => false,
  );
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function readNumber(file: string): number | undefined {
  const text = readText(file).trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A file's modification time, or now when it cannot be read (so it is not taken for old). */
function statSafe(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}
