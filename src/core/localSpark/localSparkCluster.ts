import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertLocalRuntimeSupported } from './platformSupport.js';
import { findJava } from './prerequisites.js';
import {
  delay,
  freeLoopbackPort,
  isPortOpen,
  isProcessAlive,
  LocalSparkServer,
  PortInUseError,
  sparkProcessEnv,
  type LocalServerState,
} from './localSparkServer.js';
import type { SparkRuntime } from './sparkRuntime.js';

/** The Connect server of a loopback cluster listens here unless told otherwise (the local server has 15002). */
export const DEFAULT_CLUSTER_CONNECT_PORT = 15010;

export interface LocalClusterOptions {
  /** The Spark Connect server's port; the cluster is known by it. */
  readonly connectPort?: number;
  readonly workers?: number;
  /** Cores each worker offers (one executor per worker uses them all). */
  readonly workerCores?: number;
  /** Memory each worker offers; its executor gets all but a margin. */
  readonly workerMemoryMb?: number;
  /** Token the Connect server demands; a fresh random one when omitted, `null` for none. */
  readonly token?: string | null;
  /** Extra `--conf` pairs for the Connect server (the application every worker runs executors of). */
  readonly conf?: Readonly<Record<string, string>>;
  readonly driverMemory?: string;
  readonly packages?: readonly string[];
  readonly jars?: readonly string[];
  readonly owner?: string;
  readonly startTimeoutMs?: number;
}

/** What is recorded about a running cluster (beside its Connect server's own state). */
export interface LocalClusterState {
  readonly connectPort: number;
  readonly masterUrl: string;
  readonly masterPort: number;
  readonly masterUiPort: number;
  readonly workerUiPorts: readonly number[];
  readonly workDir: string;
  readonly startedAt: string;
  readonly connect: LocalServerState;
}

/** One worker as the master's status page reports it. */
export interface ClusterWorker {
  readonly id: string;
  readonly state: string;
  readonly cores: number;
  readonly coresused: number;
  readonly memory: number;
}

const MASTER = 'org.apache.spark.deploy.master.Master';
const WORKER = 'org.apache.spark.deploy.worker.Worker';
/** Memory a worker keeps for itself beyond its executor's heap (Spark adds overhead to the executor). */
const EXECUTOR_MARGIN_MB = 256;

/**
 * A Spark standalone cluster on 127.0.0.1, started with Spark's own launcher (`sbin/spark-daemon.sh`)
 * from the pinned pyspark: a master, workers that register with it, and a Spark Connect server
 * submitted to the master, whose executors run on the workers. One machine, so it proves that work
 * crosses processes (executors, shuffles, Python workers, jars shipped to executors) as on a real
 * cluster, not that it scales.
 */
export class LocalSparkCluster {
  private readonly servers: LocalSparkServer;

  constructor(
    private readonly stateDir: string,
    serversDir: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.servers = new LocalSparkServer(serversDir, log);
  }

  private statePath(connectPort: number): string {
    return join(this.stateDir, `cluster-${connectPort}.json`);
  }

  private workDir(connectPort: number): string {
    return join(this.stateDir, `cluster-${connectPort}`);
  }

  readState(connectPort: number = DEFAULT_CLUSTER_CONNECT_PORT): LocalClusterState | undefined {
    try {
      return JSON.parse(readFileSync(this.statePath(connectPort), 'utf8')) as LocalClusterState;
    } catch {
      return undefined;
    }
  }

  /** The cluster of this Connect port, when its Connect server answers. */
  async running(connectPort: number = DEFAULT_CLUSTER_CONNECT_PORT): Promise<LocalClusterState | undefined> {
    const state = this.readState(connectPort);
    return state?.connect && (await this.servers.status(connectPort)).state === 'running' ? state : undefined;
  }

  /** The workers the master knows, with the cores its applications use on them. */
  async workers(state: Pick<LocalClusterState, 'masterUiPort'>): Promise<ClusterWorker[]> {
    const response = await fetch(`http://127.0.0.1:${state.masterUiPort}/json/`, { signal: AbortSignal.timeout(5_000) });
    const status = (await response.json()) as { workers?: ClusterWorker[] };
    return status.workers ?? [];
  }

  async start(runtime: SparkRuntime, options: LocalClusterOptions = {}): Promise<LocalClusterState> {
    assertLocalRuntimeSupported('A local Spark cluster', process.platform);
    const connectPort = options.connectPort ?? DEFAULT_CLUSTER_CONNECT_PORT;
    const running = await this.running(connectPort);
    if (running) return running;
    // What a failed or crashed start left behind (daemons, folders) goes first.
    await this.stop(connectPort);
    if (await isPortOpen(connectPort))
      throw new PortInUseError(
        connectPort,
        'other',
        `Port ${connectPort} on 127.0.0.1 is in use (a local Spark server or another program): choose another port for the cluster's Connect server.`,
      );
    const workers = options.workers ?? 2;
    const workerCores = options.workerCores ?? 1;
    const workerMemoryMb = options.workerMemoryMb ?? 1280;
    const startTimeoutMs = options.startTimeoutMs ?? 180_000;
    const java = await findJava(process.env, undefined);
    const workDir = this.workDir(connectPort);
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const daemonEnv = sparkProcessEnv(runtime, java.javaHome, {
      SPARK_LOG_DIR: join(workDir, 'logs'),
      SPARK_PID_DIR: join(workDir, 'pids'),
      SPARK_IDENT_STRING: `workbench-${connectPort}`,
      SPARK_DAEMON_MEMORY: '512m',
      SPARK_WORKER_DIR: join(workDir, 'work'),
    });
    const masterPort = await freeLoopbackPort();
    const masterUiPort = await freeLoopbackPort();
    const masterUrl = `spark://127.0.0.1:${masterPort}`;
    const workerUiPorts: number[] = [];
    for (let i = 0; i < workers; i++) workerUiPorts.push(await freeLoopbackPort());
    const partial = { connectPort, masterPort, masterUiPort, workerUiPorts, workDir };
    // Recorded before anything starts, so a failed start is stopped as a whole.
    writeFileSync(this.statePath(connectPort), JSON.stringify({ ...partial, masterUrl, startedAt: new Date().toISOString() }), {
      mode: 0o600,
    });
    try {
      this.log(`Starting a Spark standalone master on ${masterUrl} (UI http://127.0.0.1:${masterUiPort})`);
      await this.daemon(runtime, daemonEnv, 'start', MASTER, 1, [
        '--host',
        '127.0.0.1',
        '--port',
        String(masterPort),
        '--webui-port',
        String(masterUiPort),
      ]);
      await waitFor(
        () => isPortOpen(masterPort),
        startTimeoutMs,
        () => this.logTail(workDir, MASTER, 1),
      );
      this.log(`Starting ${workers} workers (${workerCores} core, ${workerMemoryMb} MB each)`);
      await Promise.all(
        workerUiPorts.map((uiPort, i) =>
          this.daemon(runtime, daemonEnv, 'start', WORKER, i + 1, [
            '--host',
            '127.0.0.1',
            '--cores',
            String(workerCores),
            '--memory',
            `${workerMemoryMb}m`,
            '--webui-port',
            String(uiPort),
            masterUrl,
          ]),
        ),
      );
      await waitFor(
        async () => (await this.workers({ masterUiPort }).catch(() => [])).filter((w) => w.state === 'ALIVE').length >= workers,
        startTimeoutMs,
        () => this.logTail(workDir, WORKER, 1),
      );
      const connect = await this.servers.start(runtime, {
        port: connectPort,
        token: options.token,
        master: masterUrl,
        driverMemory: options.driverMemory ?? '1g',
        owner: options.owner,
        packages: options.packages,
        jars: options.jars,
        startTimeoutMs,
        conf: {
          'spark.executor.cores': String(workerCores),
          'spark.executor.memory': `${workerMemoryMb - EXECUTOR_MARGIN_MB}m`,
          'spark.cores.max': String(workers * workerCores),
          // Every executor must have registered before the first job, or the first stages run on one.
          'spark.scheduler.minRegisteredResourcesRatio': '1.0',
          'spark.scheduler.maxRegisteredResourcesWaitingTime': '60s',
          'spark.default.parallelism': String(2 * workers * workerCores),
          ...options.conf,
        },
      });
      const state: LocalClusterState = { ...partial, masterUrl, startedAt: new Date().toISOString(), connect };
      writeFileSync(this.statePath(connectPort), JSON.stringify(state, null, 2), { mode: 0o600 });
      await waitFor(
        async () => (await this.workers(state).catch(() => [])).filter((w) => w.coresused > 0).length >= workers,
        60_000,
        () => this.logTail(workDir, WORKER, 1),
      ).catch(() => this.log('Not every worker runs an executor yet: the first jobs may use fewer.'));
      this.log(`The cluster's Spark Connect server is ready at sc://127.0.0.1:${connectPort}`);
      return state;
    } catch (error) {
      await this.stop(connectPort);
      throw error;
    }
  }

  /** Stops the Connect server, then the workers and the master; true when any part was running. */
  async stop(connectPort: number = DEFAULT_CLUSTER_CONNECT_PORT): Promise<boolean> {
    const state = this.readState(connectPort) as Partial<LocalClusterState> | undefined;
    if (!state?.workDir) return false;
    const stoppedServer = this.servers.readState(connectPort) !== undefined && (await this.servers.stop(connectPort));
    const pids = join(state.workDir, 'pids');
    const daemons = existsSync(pids) ? readdirSync(pids).filter((name) => name.endsWith('.pid')) : [];
    const running = daemons.map((name) => Number(readFileSync(join(pids, name), 'utf8').trim())).filter(isProcessAlive);
    // Workers first: a master stopped first leaves them retrying their registration.
    for (const pid of [...running].reverse()) signal(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (running.some(isProcessAlive) && Date.now() < deadline) await delay(100);
    for (const pid of running.filter(isProcessAlive)) signal(pid, 'SIGKILL');
    rmSync(this.statePath(connectPort), { force: true });
    rmSync(state.workDir, { recursive: true, force: true });
    if (running.length || stoppedServer) this.log(`Stopped the local Spark cluster of port ${connectPort}.`);
    return running.length > 0 || stoppedServer;
  }

  /** `sbin/spark-daemon.sh start CLASS N ARGS…`: Spark's own launcher, as start-master.sh and start-worker.sh call it. */
  private daemon(
    runtime: SparkRuntime,
    env: NodeJS.ProcessEnv,
    action: 'start',
    className: string,
    instance: number,
    args: string[],
  ) {
    return new Promise<void>((resolve, reject) => {
      const child = spawn(
        'bash',
        [join(runtime.sparkHome, 'sbin', 'spark-daemon.sh'), action, className, String(instance), ...args],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0 && !output.includes('failed to launch')) resolve();
        else reject(new Error(`Spark's launcher could not start ${className.split('.').pop()} ${instance}:\n${output.trim()}`));
      });
    });
  }

  private logTail(workDir: string, className: string, instance: number): string {
    const logs = join(workDir, 'logs');
    const name = existsSync(logs) ? readdirSync(logs).find((file) => file.includes(`${className}-${instance}-`)) : undefined;
    if (!name) return '(no log)';
    return readFileSync(join(logs, name), 'utf8').trim().split('\n').slice(-15).join('\n');
  }
}

async function waitFor(ready: () => Promise<boolean>, timeoutMs: number, explain: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await delay(250);
  }
  throw new Error(
    `The local Spark cluster did not come up within ${Math.round(timeoutMs / 1000)} s. Last log lines:\n${explain()}`,
  );
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
