/**
 * The seed model's fit (Pipeline of VectorAssembler and RandomForestClassifier) on the same table: run as
 * a Python cell through our notebook kernel (the cell's whole round trip: the helper's shell, the tag,
 * progress) against PySpark directly in its own process (only the fit, timed inside Python), on one local
 * server, alternating, several rounds; medians and their ratio printed. Goal: ≤ 1.05 (the kernel adds
 * nothing measurable).
 *
 *   npm run bench:fit                            # 1,000,000 rows, 3 rounds
 *   BENCH_ROWS=100000 BENCH_ROUNDS=5 npm run bench:fit
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { NotebookKernel, type CellOutput } from '../src/core/notebooks/notebookKernel.js';
import { helperConnectionString } from '../src/core/python/helperConnection.js';
import { PythonHelper } from '../src/core/python/pythonHelper.js';
import { projectRoot } from '../scripts/runtimeDir.mjs';
import { startBenchServer } from './benchServer.mjs';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const log = (line: string) => console.error(line);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const FIT = `from pyspark.ml import Pipeline
from pyspark.ml.classification import RandomForestClassifier
from pyspark.ml.feature import VectorAssembler
model = Pipeline(stages=[VectorAssembler(inputCols=["feature1", "feature2"], outputCol="features"),
                         RandomForestClassifier(labelCol="label", numTrees=20, maxDepth=5, seed=7)]).fit(spark.table("bench_fit_data"))
importances = model.stages[-1].featureImportances.toArray().tolist()`;

const server = await startBenchServer(log, { 'spark.sql.shuffle.partitions': '2' });
const { runtime, url } = server;

// PySpark in a long-lived process of its own: each request fits once and answers the seconds it took.
const PEER = `
import json, sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
print(json.dumps({"ready": spark.version}), flush=True)
for _ in sys.stdin:
    started = time.perf_counter()
${FIT.split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
    print(json.dumps({"seconds": time.perf_counter() - started, "importances": importances}), flush=True)
`;

const client = new SparkConnectClient(url, { clientVersion: 'bench' });
const helper = new PythonHelper({
  python: runtime.pythonExecutable,
  script: join(projectRoot, 'python', 'spark_workbench_helper.py'),
  log,
});
const kernel = new NotebookKernel('bench-fit', {
  client: () => Promise.resolve(client),
  python: (c) => Promise.resolve({ helper, remote: helperConnectionString(c.connection, c.sessionId, c.userId) }),
  storedRows: () => 1000,
});
const peer = spawn(runtime.pythonExecutable, ['-c', PEER, url], { stdio: ['pipe', 'pipe', 'inherit'] });
const answers = createInterface({ input: peer.stdout })[Symbol.asyncIterator]();

async function cell(code: string): Promise<{ ms: number; text: string }> {
  const outputs: CellOutput[] = [];
  const started = performance.now();
  const result = await kernel.run('python', code, { output: (o) => outputs.push(o), progress: () => undefined });
  const ms = performance.now() - started;
  const text = outputs.map((o) => (o.kind === 'stream' ? o.text : o.kind === 'error' ? `${o.ename}: ${o.evalue}` : '')).join('');
  if (result.status !== 'ok') throw new Error(`The cell ended ${result.status}: ${text}`);
  return { ms, text };
}

async function pyspark(): Promise<{ ms: number; importances: number[] }> {
  peer.stdin.write('fit\n');
  const next = await answers.next();
  if (next.done) throw new Error('The PySpark process exited.');
  const answer = JSON.parse(next.value) as { seconds: number; importances: number[] };
  return { ms: answer.seconds * 1000, importances: answer.importances };
}

try {
  await cell(
    `spark.range(${rows}).selectExpr("rand(1) AS feature1", "rand(2) AS feature2", "CAST(rand(1) + rand(2) * 0.5 > 0.75 AS DOUBLE) AS label").write.mode("overwrite").saveAsTable("bench_fit_data")`,
  );
  const ready = await answers.next();
  if (ready.done) throw new Error('The PySpark process exited before it was ready (its error is above).');
  log(`Fitting the seed pipeline on ${rows.toLocaleString('en-US')} rows, ${rounds} rounds (PySpark ${ready.value})`);
  // A first fit each, not timed: the JVM's code for the forest is compiled by then.
  await cell(FIT);
  await pyspark();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 ? (['ours', 'peer'] as const) : (['peer', 'ours'] as const);
    let importances: string[] = [];
    for (const who of order) {
      if (who === 'ours') {
        const { ms, text } = await cell(`${FIT}\nprint(importances)`);
        ours.push(ms);
        importances.push(text.trim());
      } else {
        const { ms, importances: values } = await pyspark();
        theirs.push(ms);
        importances.push(JSON.stringify(values).replace(/,/g, ', '));
      }
    }
    // The same seed on the same table: the same forest, whichever client asked.
    if (importances[0] !== importances[1]) throw new Error(`The two fits differ: ${importances.join(' vs ')}`);
    importances = [];
    log(`round ${round}: kernel ${(ours.at(-1)! / 1000).toFixed(2)} s, PySpark ${(theirs.at(-1)! / 1000).toFixed(2)} s`);
  }
  const ratio = median(ours) / median(theirs);
  console.log(
    `fit of the seed pipeline on ${rows.toLocaleString('en-US')} rows: notebook kernel ${(median(ours) / 1000).toFixed(2)} s, PySpark ${(median(theirs) / 1000).toFixed(2)} s, ratio ${ratio.toFixed(2)} (goal <= 1.05)`,
  );
} finally {
  peer.stdin.end();
  peer.kill();
  helper.dispose();
  await client.close();
  await server.stop();
}
