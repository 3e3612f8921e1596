/**
 * The main job: the retail pipeline (examples/retail) on the managed local Spark server, with its four
 * kinds of source. Makes the raw files afresh (2,000 transactions, with duplicates and missing values),
 * starts PostgreSQL (the CRM's customers, the analytics database) and the exchange-rate API, starts the
 * Spark server when none is running (with PostgreSQL's JDBC driver), runs the pipeline (its events as
 * they come), publishes trend_analysis to PostgreSQL, prints the datasets it produced with their rows
 * and times; then trains the churn model headless (churn_model.ipynb, its executed copy written beside
 * the storage) and runs the pipeline's scoring with it; renders the example dashboard (dashboard.yml)
 * as one HTML page beside the storage; and stops what it started (the Spark server stays with
 * --keep-server).
 *
 *   npm run example [-- --rows 100000] [-- --keep-server] [-- --pg-url postgresql://user:password@host:port]
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderDashboardCommand } from '../src/cli/dashboardCommand.js';
import { startExampleSources } from '../examples/retail/exampleSources.js';
import { writeRetailData } from '../examples/retail/generator.js';
import { attachDatabases, driversMissingFrom } from '../src/core/databases/databaseCatalogs.js';
import { serverDrivers } from '../src/core/databases/databaseSources.js';
import { describeError } from '../src/cli/errorReport.js';
import { runNotebookCommand } from '../src/cli/notebookCommand.js';
import { runPipelineCommand } from '../src/cli/pipelineCommand.js';
import { SparkConnectClient } from '../src/core/connect/sparkConnectClient.js';
import { LocalSparkServer, localServerUrl } from '../src/core/localSpark/localSparkServer.js';
import { DEFAULT_CONNECT_PORT } from '../src/core/localSpark/pinnedVersions.js';
import { SparkRuntimeInstaller } from '../src/core/localSpark/sparkRuntime.js';
import { SparkUiJobs } from '../src/core/localSpark/sparkUiJobs.js';
import { projectRoot, projectRuntimeDir } from './runtimeDir.mjs';

const log = (line: string) => console.error(line);
const keepServer = process.argv.includes('--keep-server');
const rowsFlag = process.argv.indexOf('--rows');
const rows = rowsFlag === -1 ? 2_000 : Number(process.argv[rowsFlag + 1]);
const pgUrlFlag = process.argv.indexOf('--pg-url');
const pgUrl = pgUrlFlag === -1 ? undefined : process.argv[pgUrlFlag + 1];

const specPath = join(projectRoot, 'examples', 'retail', 'spark-pipeline.yml');
const spec = parse(readFileSync(specPath, 'utf8')) as { storage: string; configuration: Record<string, string> };
// A fresh start: new raw files, and no streaming checkpoint remembering the old ones.
const raw = fileURLToPath(spec.configuration['retail.raw']!);
rmSync(raw, { recursive: true, force: true });
rmSync(fileURLToPath(spec.storage), { recursive: true, force: true });
const files = writeRetailData(raw, { rows });
log(`Wrote ${rows.toLocaleString('en-US')} transactions (${files.length} files, with duplicates and missing values) to ${raw}`);

// The example's CLI code (its Python helper among it) uses the project's runtime, not the user's home.
process.env.SPARK_WORKBENCH_HOME ??= projectRuntimeDir;
const runtime = await new SparkRuntimeInstaller(projectRuntimeDir, log).ensureInstalled();
const sources = await startExampleSources({ exampleRoot: dirname(specPath), pgUrl, log });
const servers = new LocalSparkServer(join(projectRuntimeDir, 'servers'), log);
const port = DEFAULT_CONNECT_PORT;
const wasRunning = (await servers.status(port)).state === 'running';
let exitCode: number;
let client: SparkConnectClient | undefined;
try {
  const state = await servers.start(runtime, { port, ...serverDrivers(sources.databases) });
  const missing = driversMissingFrom(state, sources.databases);
  if (missing.length)
    throw new Error(
      `The Spark server on port ${port} runs without ${missing.join(', ')}: stop it (npx spark-workbench server stop) and run the example again.`,
    );
  client = new SparkConnectClient(localServerUrl(state), {
    clientVersion: 'example',
    jobControl: state.uiPort ? new SparkUiJobs(state.uiPort) : undefined,
  });
  await attachDatabases(client, sources.databases, async () => sources.password);
  log(`Connected to Spark ${(await client.sparkVersion()).text} at sc://127.0.0.1:${port}; running ${specPath}`);
  // A full refresh: the pipeline's tables start over, as the raw files did.
  const summary = await runPipelineCommand(
    client,
    specPath,
    false,
    { format: 'text', distDir: join(projectRoot, 'dist'), fullRefreshAll: true, publish: sources.publish },
    new AbortController().signal,
    log,
  );
  exitCode = summary.outcome === 'completed' ? 0 : 1;
  if (exitCode === 0) {
    const published = sources.psql('analytics', 'SELECT count(*) FROM public.trend_analysis');
    log(
      `PostgreSQL's analytics.public.trend_analysis holds ${published} rows; ${sources.api.requests()} requests reached the rates API.`,
    );
    // The analytics: the churn model trained on the new feature tables, then the scoring that uses it.
    const executed = join(dirname(fileURLToPath(spec.storage)), 'churn_model.executed.ipynb');
    log(`Training the churn model: ${join(dirname(specPath), 'churn_model.ipynb')} headless (its outputs in ${executed})`);
    // In a session of its own, as `spark-workbench notebook run` from a scheduler has.
    const notebookClient = new SparkConnectClient(localServerUrl(state), { clientVersion: 'example' });
    const trained = await runNotebookCommand(
      notebookClient,
      join(dirname(specPath), 'churn_model.ipynb'),
      {
        parameters: [{ name: 'models', value: spec.configuration['retail.models']! }],
        out: executed,
        distDir: join(projectRoot, 'dist'),
      },
      new AbortController().signal,
      log,
    ).finally(() => notebookClient.close());
    if (trained.failure) exitCode = 1;
    else {
      const scored = await runPipelineCommand(
        client,
        specPath,
        false,
        { format: 'text', distDir: join(projectRoot, 'dist'), refresh: ['customer_churn_scores'] },
        new AbortController().signal,
        log,
      );
      if (scored.outcome !== 'completed') exitCode = 1;
      else {
        // The presentation: the example's dashboard, rendered as one page that opens offline.
        const page = join(dirname(fileURLToPath(spec.storage)), 'retail-dashboard.html');
        const rendered = await renderDashboardCommand(
          client,
          join(dirname(specPath), 'dashboard.yml'),
          { params: [], out: page, webviewDir: join(projectRoot, 'dist', 'webview') },
          new AbortController().signal,
          log,
        );
        if (rendered.invalid || rendered.failedTiles) exitCode = 1;
      }
    }
  }
} catch (error) {
  const { text, exitCode: code } = describeError(error);
  console.error(text);
  exitCode = code;
} finally {
  await client?.close();
  if (!wasRunning && !keepServer) await servers.stop(port);
  await sources.close();
}
process.exit(exitCode);
