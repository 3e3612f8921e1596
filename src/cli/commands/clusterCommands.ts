import { Option, type Command } from 'commander';
import { redactConnectionString } from '../../core/connect/connectionString.js';
import { DEFAULT_CLUSTER_CONNECT_PORT, LocalSparkCluster } from '../../core/localSpark/localSparkCluster.js';
import { localServerUrl } from '../../core/localSpark/localSparkServer.js';
import { clustersDir, serversDir } from '../../core/localSpark/runtimeHome.js';
import { SparkRuntimeInstaller } from '../../core/localSpark/sparkRuntime.js';
import { serverDrivers } from '../../core/databases/databaseSources.js';
import { CLI_OWNER, log, runtimeHomeHint } from '../cliConnection.js';
import { workspaceDatabases } from '../cliDatabases.js';
import { parsePositiveInt } from '../cliOptions.js';
import { EXIT } from '../errorReport.js';
import { runtimeHome } from '../runtimeHome.js';

function localCluster(): LocalSparkCluster {
  return new LocalSparkCluster(clustersDir(runtimeHome()), serversDir(runtimeHome()), log);
}

function clusterPortOption(): Option {
  return new Option('--port <port>', "port of the cluster's Spark Connect server on 127.0.0.1")
    .default(DEFAULT_CLUSTER_CONNECT_PORT)
    .argParser(parsePositiveInt);
}

/** `cluster start|stop|status`: a Spark standalone cluster on this machine, to try cluster mode. */
export function addClusterCommands(program: Command): void {
  const cluster = program
    .command('cluster')
    .description(
      `a Spark standalone cluster on 127.0.0.1 (a master, workers and a Spark Connect server submitted to it), started with Spark's own launcher from the pinned pyspark; one machine, for trying cluster mode, not for production (${runtimeHomeHint()})`,
    );
  cluster
    .command('start')
    .description('start the cluster, then print its Connect URL; commands reach it with --port')
    .addOption(clusterPortOption())
    .addOption(new Option('--workers <n>', 'how many workers').default(2).argParser(parsePositiveInt))
    .addOption(new Option('--worker-cores <n>', 'cores each worker offers').default(1).argParser(parsePositiveInt))
    .addOption(new Option('--worker-memory <mb>', 'memory each worker offers, in MB').default(1280).argParser(parsePositiveInt))
    .option('--no-token', 'accept clients without a token (by default a random token is required)')
    .action(async (options: { port: number; workers: number; workerCores: number; workerMemory: number; token: boolean }) => {
      const runtime = await new SparkRuntimeInstaller(runtimeHome(), log).ensureInstalled();
      const state = await localCluster().start(runtime, {
        connectPort: options.port,
        workers: options.workers,
        workerCores: options.workerCores,
        workerMemoryMb: options.workerMemory,
        token: options.token ? undefined : null,
        owner: `${CLI_OWNER} (cluster)`,
        ...serverDrivers(workspaceDatabases(log)),
      });
      log(
        `Master ${state.masterUrl} (UI http://127.0.0.1:${state.masterUiPort}); Spark UI http://127.0.0.1:${state.connect.uiPort}`,
      );
      log(`Run commands on it with --port ${options.port}, e.g. spark-workbench pipeline run --port ${options.port}`);
      process.stdout.write(`${redactConnectionString(localServerUrl(state.connect))}\n`);
    });
  cluster
    .command('stop')
    .description("stop the cluster's Connect server, workers and master")
    .addOption(clusterPortOption())
    .action(async (options: { port: number }) => {
      if (!(await localCluster().stop(options.port))) log(`No local Spark cluster was running on port ${options.port}.`);
    });
  cluster
    .command('status')
    .description('say whether the cluster runs, and its workers')
    .addOption(clusterPortOption())
    .option('--json', 'print the status as JSON')
    .action(async (options: { port: number; json?: boolean }) => {
      const clusters = localCluster();
      const state = await clusters.running(options.port);
      const workers = state ? await clusters.workers(state).catch(() => []) : [];
      if (options.json) {
        const detail = state
          ? {
              port: state.connectPort,
              master: state.masterUrl,
              masterUi: `http://127.0.0.1:${state.masterUiPort}`,
              workers: workers.map((w) => ({
                id: w.id,
                state: w.state,
                cores: w.cores,
                coresUsed: w.coresused,
                memoryMb: w.memory,
              })),
            }
          : {};
        process.stdout.write(`${JSON.stringify({ state: state ? 'running' : 'stopped', ...detail })}\n`);
      } else if (state) {
        const alive = workers.filter((w) => w.state === 'ALIVE').length;
        process.stdout.write(
          `running: sc://127.0.0.1:${state.connectPort} on ${state.masterUrl}, ${alive} of ${workers.length} workers alive (master UI http://127.0.0.1:${state.masterUiPort})\n`,
        );
      } else process.stdout.write('stopped\n');
      if (!state) process.exitCode = EXIT.connection;
    });
}
