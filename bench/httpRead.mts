/**
 * Reading a paged JSON API into Spark: ours (`spark.read.format("http")`, 4 partitions) against what one
 * writes without it (a sequential loop of requests and `createDataFrame`), both in one PySpark process
 * on the same local server, against a loopback API whose every page takes 20 ms, alternating, several
 * rounds. Goal: ≤ 0.4 of the loop's time.
 *
 *   npm run bench:http                          # 100,000 records over 1,000 pages, 5 rounds
 *   BENCH_ROWS=20000 BENCH_ROUNDS=3 npm run bench:http
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { freePort } from '../test/support/sparkTestServer.js';
import { projectRoot, projectRuntimeDir } from '../scripts/runtimeDir.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 100_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const perPage = 100;
const pages = Math.ceil(rows / perPage);
const latencyMs = 20;
const partitions = 4;

const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

let requests = 0;
let inFlight = 0;
let mostInFlight = 0;
const api = createServer((request, response) => {
  requests++;
  mostInFlight = Math.max(mostInFlight, ++inFlight);
  response.once('close', () => inFlight--);
  const page = Number(new URL(request.url!, 'http://127.0.0.1').searchParams.get('page') ?? 1);
  const first = (page - 1) * perPage;
  const data =
    page >= 1 && page <= pages
      ? Array.from({ length: Math.min(perPage, rows - first) }, (_, i) => ({
          id: first + i,
          name: `customer-${first + i}`,
          amount: (first + i) % 997,
        }))
      : [];
  setTimeout(() => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ data }));
  }, latencyMs);
});
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/customers`;

const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureHelperPackages();
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = await freePort();
// No token: PySpark's client turns TLS on whenever a token is set; the server is on 127.0.0.1 for this run only.
const state = await servers.start(runtime, {
  port,
  token: null,
  driverMemory: '2g',
  conf: { 'spark.sql.shuffle.partitions': '2' },
});
const stopAll = async () => {
  api.close();
  await servers.stop(port);
};
process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

const worker = spawn(
  runtime.pythonExecutable,
  [join(projectRoot, 'bench', 'pyspark_http_worker.py'), localServerUrl(state), join(projectRoot, 'python')],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const answers = createInterface({ input: worker.stdout })[Symbol.asyncIterator]();
async function read(who: 'ours' | 'peer'): Promise<{ seconds: number; rows: number; ids: string; requests: number }> {
  const before = requests;
  worker.stdin.write(`${JSON.stringify({ who, url: apiUrl, partitions })}\n`);
  const next = await answers.next();
  if (next.done) throw new Error('The PySpark worker exited.');
  return { ...(JSON.parse(next.value) as { seconds: number; rows: number; ids: string }), requests: requests - before };
}

try {
  log(`PySpark worker connected: ${(await answers.next()).value}`);
  const expectedIds = String((BigInt(rows) * BigInt(rows - 1)) / 2n);
  log(`Warming up both on ${rows.toLocaleString('en-US')} records (${pages} pages, ${latencyMs} ms each)…`);
  for (const who of ['ours', 'peer'] as const) {
    const warm = await read(who);
    if (warm.rows !== rows || warm.ids !== expectedIds) throw new Error(`${who} read ${warm.rows} records (ids ${warm.ids})`);
  }
  mostInFlight = 0;
  const oursTimes: number[] = [];
  const theirs: number[] = [];
  let oursRequests = 0;
  for (let round = 1; round <= rounds; round++) {
    for (const who of round % 2 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const)) {
      const result = await read(who);
      if (result.rows !== rows || result.ids !== expectedIds) throw new Error(`${who} read other records in round ${round}`);
      (who === 'ours' ? oursTimes : theirs).push(result.seconds);
      if (who === 'ours') oursRequests = result.requests;
    }
    console.log(`round ${round}: ours ${oursTimes.at(-1)!.toFixed(3)} s, sequential loop ${theirs.at(-1)!.toFixed(3)} s`);
  }
  console.log(
    `\nrecords: ${rows.toLocaleString('en-US')} over ${pages} pages of ${latencyMs} ms, ${partitions} partitions, ${rounds} rounds`,
  );
  console.log(`requests per read (ours): ${oursRequests} (${pages} pages and the empty ones that end each partition)`);
  console.log(
    `most requests in flight at once: ${mostInFlight} (ours holds at most partitions × concurrency = ${partitions * 4} pages; the loop 1)`,
  );
  console.log(`median ours (spark.read.format("http")): ${median(oursTimes).toFixed(3)} s`);
  console.log(`median sequential loop + createDataFrame: ${median(theirs).toFixed(3)} s`);
  console.log(`ratio ours/loop: ${(median(oursTimes) / median(theirs)).toFixed(2)} (goal ≤ 0.40)`);
} finally {
  worker.stdin.end();
  worker.kill();
  await stopAll();
}
