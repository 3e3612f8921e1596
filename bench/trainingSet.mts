/**
 * Point-in-time training sets: ours (spark_workbench_features, one window per feature table) against
 * Feast's Spark way (a join on feature_time <= label_time, ROW_NUMBER, a join back), both in one PySpark
 * process on the same local server, on the same deterministic tables, alternating, several rounds; the
 * two must give identical rows (a checksum over every label's features). Goal: ≤ 0.7 of Feast's time.
 *
 *   npm run bench:training                      # 1,000,000 labels, 2 feature tables of 10,000,000 rows, 3 rounds
 *   BENCH_ROWS=100000 BENCH_ROUNDS=3 npm run bench:training   # labels; feature tables 10× as many rows
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const labels = Number(process.env.BENCH_ROWS ?? 1_000_000);
const featureRows = labels * 10;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
// No token: PySpark's client turns TLS on whenever a token is set; the server is on 127.0.0.1 for this run only.
const state = await servers.start(runtime, { port, token: null, driverMemory: '3g' });
process.once('SIGINT', () => void servers.stop(port).finally(() => process.exit(130)));

const worker = spawn(
  runtime.pythonExecutable,
  [
    join(projectRoot, 'bench', 'pyspark_training_set_worker.py'),
    localServerUrl(state),
    join(projectRoot, 'python'),
    String(labels),
    String(featureRows),
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const answers = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
async function build(who: 'ours' | 'peer'): Promise<{ seconds: number; rows: number; checksum: string }> {
  worker.stdin.write(`${who}\n`);
  const next = await answers.next();
  if (next.done) throw new Error('The PySpark worker exited.');
  return JSON.parse(next.value) as { seconds: number; rows: number; checksum: string };
}

try {
  const ready = await answers.next();
  if (ready.done) throw new Error('The PySpark worker exited before its tables were made (its error is above).');
  log(`PySpark worker ready: ${ready.value}`);
  const ourTimes: number[] = [];
  const feastTimes: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const results: Record<string, { seconds: number; rows: number; checksum: string }> = {};
    for (const who of round % 2 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const)) results[who] = await build(who);
    const { ours, peer } = results as { ours: { seconds: number; rows: number; checksum: string }; peer: typeof results.ours };
    if (ours.rows !== labels || ours.rows !== peer!.rows || ours.checksum !== peer!.checksum)
      throw new Error(
        `round ${round}: different training sets: ours ${ours.rows} rows (${ours.checksum}), Feast's ${peer!.rows} (${peer!.checksum})`,
      );
    ourTimes.push(ours.seconds);
    feastTimes.push(peer!.seconds);
    console.log(
      `round ${round}: ours ${ours.seconds.toFixed(2)} s, Feast's window join ${peer!.seconds.toFixed(2)} s (same ${ours.rows.toLocaleString('en-US')} rows)`,
    );
  }
  console.log(
    `\nlabels: ${labels.toLocaleString('en-US')}; 2 feature tables of ${featureRows.toLocaleString('en-US')} rows; ${rounds} rounds`,
  );
  console.log(`median ours (spark_workbench_features): ${median(ourTimes).toFixed(2)} s`);
  console.log(`median Feast's join + ROW_NUMBER: ${median(feastTimes).toFixed(2)} s`);
  console.log(`ratio ours/Feast: ${(median(ourTimes) / median(feastTimes)).toFixed(2)} (goal ≤ 0.70)`);
} finally {
  worker.stdin.end();
  await new Promise((resolve) => worker.once('close', resolve));
  await servers.stop(port);
}
