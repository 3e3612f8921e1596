import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../generated/spark/connect/base_pb.js';
import type { ExecuteOptions, QueryExecution, ResultEvent } from '../connect/queryExecution.js';
import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { asSparkError, SparkError } from '../connect/sparkError.js';
import { columnValues } from '../arrow/sparkValues.js';
import { publishDataset, PublishError, type PublishedDataset, type PublishTarget } from '../databases/publishing.js';
import { PythonHelperError } from '../python/pythonHelper.js';
import type { StrippedDefinitions } from '../quality/expectationClauses.js';
import type { DatasetQuality } from '../quality/qualityEvaluation.js';
import {
  conditionSyntaxProblems,
  evaluatePipelineQuality,
  planPipelineQuality,
  withPythonExpectations,
  type PipelineQualityPlan,
  type QualityDeclarationProblem,
} from '../quality/pipelineQuality.js';
import { conciseSparkMessage } from '../sql/conciseMessage.js';
import { offsetOf, utf16OffsetOfCodePoint } from '../sql/errorLocation.js';
import { splitSqlStatements, type SqlStatement } from '../sql/statementSplitter.js';
import { nameParts, qualifiedName, quoteIdentifier } from '../sql/sqlText.js';
import {
  mergeGraphs,
  qualified,
  pythonDatasetKind,
  pythonDefinitions,
  sameDataset,
  sameName,
  sqlDefinitions,
  type PipelineFlow,
  type PipelineGraph,
  type PythonDefinitions,
  type TablesRead,
} from './pipelineGraph.js';
import { datasetSummaries, retriedFlowsOf, trackFlowState, type DatasetSummary, type FlowStates } from './datasetStates.js';
import { parsePipelineEvent, type PipelineRunEvent } from './pipelineEvents.js';
import type { PipelineSpec } from './pipelineSpec.js';

/** An error of a definition, located in its file (1-based line and column). */
export interface DefinitionError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Offsets into the file when known exactly (SQL definitions). */
  readonly start?: number;
  readonly end?: number;
  readonly message: string;
  readonly code?: string;
}

export interface PipelineRunSummary {
  readonly outcome: 'completed' | 'failed' | 'cancelled';
  readonly dry: boolean;
  readonly datasets: readonly DatasetSummary[];
  readonly errors: readonly DefinitionError[];
  /** Why the run failed, in Spark's words, when it did. */
  readonly message?: string;
  /** Spark's error class of that failure, when Spark gave one. */
  readonly errorClass?: string;
  /**
   * Flows that failed and were retried within a run that then completed (Spark 4.2.1 can retry a flow
   * after "Race while writing batch 0" and complete without its rows), each with its first error.
   */
  readonly retriedFlows?: readonly { readonly flow: string; readonly firstError: string }[];
  readonly durationMs: number;
  readonly graph: PipelineGraph;
  /** The data-quality results of the datasets the run updated (expectations and the quality file). */
  readonly quality: readonly DatasetQuality[];
  /** Where the checks are declared (files relative to the spec). */
  readonly qualityPlan?: PipelineQualityPlan;
  /** The datasets published to database tables after the run. */
  readonly published?: readonly PublishedDataset[];
}

export interface PipelineRunRequest {
  readonly specPath: string;
  readonly spec: PipelineSpec;
  /** The definition files, relative to the spec's folder, in the order Spark registers them. */
  readonly files: readonly string[];
  readonly dry?: boolean;
  readonly fullRefreshAll?: boolean;
  readonly fullRefresh?: readonly string[];
  readonly refresh?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PipelineRunEvent) => void;
  /** The definitions, once read: what the DAG draws. */
  readonly onGraph?: (graph: PipelineGraph) => void;
  /** Every ExecutePlan of the run, so a caller can show it (Operations view) or cancel it. */
  readonly tags?: readonly string[];
  /** Datasets to publish to database tables once the run completed (spark-workbench.yml's `publish:`). */
  readonly publish?: readonly PublishTarget[];
}

export interface PipelineEnvironment {
  readonly client: SparkConnectClient;
  readonly tablesRead: TablesRead;
  /** Runs .py definition files in the Python helper, in this client's session; none: a pipeline with Python fails clearly. */
  readonly python?: (request: {
    graphId: string;
    root: string;
    files: readonly string[];
    signal?: AbortSignal;
    /** Leave out the datasets whose flow applies a model (they run in a second graph, see runPipeline). */
    deferModelFlows?: boolean;
    /** The pipeline's schema, as SQL names it (`spark_catalog`.`retail`): a model's input tables are in it. */
    schema?: string;
  }) => Promise<PythonDefinitions>;
  /** Starts the Python helper and joins the session while the SQL registers (its start takes seconds). */
  readonly warmUpPython?: () => void;
  /** Reads the run's execution on the caller's behalf (the Operations view follows it, with its cancel). */
  readonly follow?: (execution: QueryExecution) => AsyncIterable<ResultEvent>;
}

function pipelineCommand(command: { case: string; value: object }): Plan {
  return {
    opType: { case: 'command', value: { commandType: { case: 'pipelineCommand', value: { commandType: command } } } },
  } as unknown as Plan;
}

/**
 * How long a stopped run's jobs are looked for and killed as they appear: Spark ends the run's
 * operation at once but stops its flows on its own time (longer on a busy server), and a flow can start
 * its next job after the run ended.
 */
const STOPPED_RUN_JOBS_WATCH_MS = 10_000;

/**
 * Runs (or dry-runs) a Spark Declarative Pipelines project over Spark Connect, the way pyspark's
 * `spark-pipelines` does: a dataflow graph in this client's session, the SQL files registered from
 * here, the Python files through the helper (which joins the same session), then StartRun, whose
 * events stream back as they come. Every failure of a definition is located in its file. The graph is
 * dropped at the end, whatever happened.
 */
export async function runPipeline(env: PipelineEnvironment, request: PipelineRunRequest): Promise<PipelineRunSummary> {
  const run = new PipelineRun(env, request);
  const problems = await run.declarationProblems();
  if (problems.length) return run.failedOnDeclarations(problems);
  run.startReadingDefinitions();
  return run.inRunSession(async () => {
    await run.ensureSchema();
    const graphId = await run.createGraph();
    try {
      const failed = (await run.registerSqlDefinitions(graphId)) ?? (await run.registerPythonDefinitions(graphId, !run.dry));
      if (failed) return failed;
      request.onGraph?.(run.graph);
      const selection = await run.selection();
      // A selection of datasets that apply models only: they run in the second graph alone.
      const ended = selection.modelsOnly ? undefined : await run.start(graphId, selection);
      return ended ?? (await run.applyModels()) ?? (await run.completed());
    } finally {
      // Without the run's signal: a stopped run's graph is dropped too.
      await dropGraph(env.client, graphId);
    }
  });
}

/** Which datasets StartRun updates: in full, and as usual. */
interface RunSelection {
  readonly fullRefresh: readonly string[];
  readonly refresh: readonly string[];
  /** The request selected only datasets that apply models (see applyModels). */
  readonly modelsOnly?: boolean;
}

/** One run's state, and its steps in the order runPipeline takes them. */
class PipelineRun {
  private readonly started = Date.now();
  private readonly client: SparkConnectClient;
  private readonly root: string;
  readonly dry: boolean;
  /** Datasets whose flow applies a model, left out of the first graph (see applyModels). */
  private deferred: readonly string[] = [];
  private readonly notesShown = new Set<string>();
  private readonly errors: DefinitionError[] = [];
  private readonly states: FlowStates = new Map();
  /** Each failed flow's errors, as Spark reported them (a retried flow fails more than once). */
  private readonly failures = new Map<string, string>();
  /** The SQL definition files' text. */
  private readonly sources = new Map<string, string>();
  private qualityPlan: PipelineQualityPlan;
  /** The plan of the SQL files alone (the Python files' expectations are added at each registration). */
  private sqlQualityPlan: PipelineQualityPlan | undefined;
  private quality: DatasetQuality[] = [];
  graph: PipelineGraph = { datasets: [], flows: [] };
  /** Datasets whose definition skipped itself in this run (spark_workbench_models.skip_dataset), with why. */
  private skipped: DatasetSummary[] = [];
  private errorClass: string | undefined;
  /** The SQL files' datasets and flows, read while Spark registers them (the grammar's first parse takes a second). */
  private sqlGraphs: Promise<PipelineGraph[]> = Promise.resolve([]);

  constructor(
    private readonly env: PipelineEnvironment,
    private readonly request: PipelineRunRequest,
  ) {
    this.client = env.client;
    this.root = dirname(request.specPath);
    this.dry = request.dry ?? false;
    for (const file of request.files.filter((f) => f.endsWith('.sql')))
      this.sources.set(file, readFileSync(join(this.root, file), 'utf8'));
    this.qualityPlan = planPipelineQuality(this.root, this.sources);
  }

  private execute(command: { case: string; value: object }, options: ExecuteOptions = {}): QueryExecution {
    return this.client.execute(pipelineCommand(command), { signal: this.request.signal, tags: this.request.tags, ...options });
  }

  private note(message: string, phase?: string): void {
    this.request.onEvent?.({ kind: 'other', time: new Date(), message, ...(phase ? { phase } : {}) });
  }

  summary(
    outcome: PipelineRunSummary['outcome'],
    message?: string,
    datasets = datasetSummaries(this.graph, this.states),
  ): PipelineRunSummary {
    const retriedFlows = outcome === 'completed' ? retriedFlowsOf(this.failures, this.states) : [];
    return {
      outcome,
      dry: this.dry,
      datasets: [...datasets, ...this.skipped.filter((s) => !datasets.some((d) => d.name === s.name))],
      errors: this.errors,
      message,
      ...(this.errorClass ? { errorClass: this.errorClass } : {}),
      ...(retriedFlows.length ? { retriedFlows } : {}),
      durationMs: Date.now() - this.started,
      graph: this.graph,
      quality: this.quality,
      qualityPlan: this.qualityPlan,
    };
  }

  /** Mistakes in the expectations and quality checks, Spark's parser reading each condition: any one stops the run before it starts. */
  async declarationProblems(): Promise<readonly QualityDeclarationProblem[]> {
    return this.qualityPlan.problems.length
      ? this.qualityPlan.problems
      : await conditionSyntaxProblems(this.client, this.qualityPlan, this.sources, this.root);
  }

  failedOnDeclarations(problems: readonly QualityDeclarationProblem[]): PipelineRunSummary {
    this.errors.push(
      ...problems.map(({ file, line, column, start, end, message }) => ({
        file,
        line,
        column,
        start,
        end,
        message,
        code: 'DATA_QUALITY_DECLARATION',
      })),
    );
    return this.summary(
      'failed',
      `The data-quality declarations have ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing ran.`,
    );
  }

  /** Reads the SQL files' graph and starts the Python helper, both while Spark registers the definitions. */
  startReadingDefinitions(): void {
    if (this.request.files.some((f) => f.endsWith('.py'))) this.env.warmUpPython?.();
    this.sqlGraphs = Promise.all(
      [...this.sources].map(([file, text]) =>
        sqlDefinitions(file, this.qualityPlan.definitions.get(file)?.unfiltered ?? text, this.env.tablesRead),
      ),
    );
    this.sqlGraphs.catch(() => undefined);
  }

  /**
   * As spark-pipelines does: the spec's configuration on the session (SQL definitions read ${…}
   * values from it), and errors without the server's stack traces. The session may be the editor's:
   * what the run changes in it is put back when the run ends.
   */
  async inRunSession(run: () => Promise<PipelineRunSummary>): Promise<PipelineRunSummary> {
    const configuration = { 'spark.sql.connect.serverStacktrace.enabled': 'false', ...this.request.spec.configuration };
    const restoreSession = await sessionRestorer(this.client, Object.keys(configuration));
    try {
      await this.client.setConfig(configuration);
      return await run();
    } finally {
      const views = this.qualityPlan.unfilteredViews ? [...this.qualityPlan.unfilteredViews.values()] : [];
      await restoreSession(views).catch((thrown: unknown) =>
        this.note(`The session's settings could not be put back as they were before the run: ${asSparkError(thrown).message}`),
      );
    }
  }

  /** Spark refuses a graph whose default schema does not exist; the datasets need somewhere to live. */
  async ensureSchema(): Promise<void> {
    const { spec } = this.request;
    if (!spec.database) return;
    const schema = qualified({ catalog: spec.catalog, database: undefined }, spec.database);
    // Listed and compared here: a LIKE pattern would take `_`, `%` or `*` in the name as wildcards.
    const schemas = await this.client.sql(`SHOW SCHEMAS${spec.catalog ? ` IN ${qualified({}, spec.catalog)}` : ''}`).toTable();
    const wanted = nameParts(spec.database).at(-1)!.toLowerCase();
    if (columnValues(schemas, 0).some((name) => name.toLowerCase() === wanted)) return;
    await this.client.sql(`CREATE SCHEMA IF NOT EXISTS ${schema}`).toTable();
    this.note(`Created the schema ${schema}, the pipeline's default.`);
  }

  async createGraph(): Promise<string> {
    const { spec } = this.request;
    let graphId = '';
    for await (const event of this.execute({
      case: 'createDataflowGraph',
      value: { defaultCatalog: spec.catalog, defaultDatabase: spec.database, sqlConf: spec.configuration },
    }))
      if (event.type === 'pipelineResult' && event.result.resultType.case === 'createDataflowGraphResult')
        graphId = event.result.resultType.value.dataflowGraphId ?? '';
    if (!graphId)
      throw new SparkError({ kind: 'other', message: 'The Spark server created no dataflow graph for the pipeline.' });
    return graphId;
  }

  /**
   * Registers the SQL files, in order, without their expectation clauses (same lines, same columns).
   * Resolves to the failed run's summary when Spark refuses one.
   */
  async registerSqlDefinitions(graphId: string): Promise<PipelineRunSummary | undefined> {
    for (const file of this.request.files.filter((f) => f.endsWith('.sql'))) {
      try {
        const sqlText = this.qualityPlan.definitions.get(file)?.text ?? this.sources.get(file)!;
        for await (const _ of this.execute({
          case: 'defineSqlGraphElements',
          value: { dataflowGraphId: graphId, sqlFilePath: file, sqlText },
        }))
          void _;
      } catch (thrown) {
        const error = asSparkError(thrown);
        if (error.kind !== 'spark') throw error;
        this.errors.push(
          registrationError(file, this.sources.get(file)!, error, this.qualityPlan.definitions.get(file)?.insertions),
        );
        this.graph = mergeGraphs(await this.sqlGraphs);
        this.errorClass = error.errorClass;
        return this.summary('failed', `${file}: ${conciseSparkMessage(error.message, error.errorClass)}`);
      }
    }
    this.graph = mergeGraphs(await this.sqlGraphs);
    return undefined;
  }

  /** Registers the Python files through the helper. Resolves to the failed run's summary when one fails. */
  async registerPythonDefinitions(graphId: string, deferModelFlows = false): Promise<PipelineRunSummary | undefined> {
    const pythonFiles = this.request.files.filter((f) => f.endsWith('.py'));
    if (!pythonFiles.length) return undefined;
    if (!this.env.python)
      throw new Error(
        `This pipeline has Python definitions (${pythonFiles.join(', ')}), and no Python helper is available to run them.`,
      );
    try {
      const report = await this.env.python({
        graphId,
        root: this.root,
        files: pythonFiles,
        signal: this.request.signal,
        deferModelFlows,
        schema: this.request.spec.database
          ? qualified({ catalog: this.request.spec.catalog, database: undefined }, this.request.spec.database)
          : undefined,
      });
      this.graph = mergeGraphs([this.graph, pythonDefinitions(report)]);
      this.deferred = (report.deferred ?? []).map((d) => d.name);
      for (const note of report.notes ?? []) {
        if (!this.notesShown.has(note)) this.note(note);
        this.notesShown.add(note);
      }
      this.skipped = (report.skipped ?? []).map((s) => ({
        name: s.name,
        kind: pythonDatasetKind(s.type),
        state: 'skipped' as const,
        reason: s.reason,
      }));
      for (const s of report.skipped ?? []) this.note(`Skipped ${s.name} (${s.file}:${s.line}): ${s.reason}`);
      this.sqlQualityPlan ??= this.qualityPlan;
      this.qualityPlan = withPythonExpectations(this.sqlQualityPlan, report, this.root);
      return undefined;
    } catch (thrown) {
      if (!(thrown instanceof PythonHelperError)) throw thrown;
      const file = thrown.file ?? pythonFiles[0]!;
      const firstLine = thrown.message.split('\n')[0];
      this.errors.push({
        file,
        line: thrown.line ?? 1,
        column: 1,
        message: `${thrown.pythonType}: ${firstLine}`,
        code: thrown.errorClass,
      });
      return this.summary('failed', `${file}: ${firstLine}`);
    }
  }

  /**
   * The datasets whose flow applies a fitted model, and the ones downstream of them, run after the rest
   * in a graph of their own: Spark binds a model's input (model.transform(df)) to the tables as they are
   * when the flow is defined, so defined with the first graph it would read the tables before that run
   * refreshed them. The second graph is defined once the first run completed. Resolves to the summary of
   * that run when it failed or was stopped; to nothing when it completed (or had nothing to do).
   */
  async applyModels(): Promise<PipelineRunSummary | undefined> {
    const { request } = this;
    const selected = [...(request.fullRefresh ?? []), ...(request.refresh ?? [])];
    const deferred = this.deferred.filter(
      (name) => request.fullRefreshAll || selected.length === 0 || selected.some((n) => sameDataset(n, name)),
    );
    if (this.dry || deferred.length === 0) return undefined;
    this.note(
      `Applying models in ${deferred.join(', ')}, now that the datasets they read are refreshed (Spark reads a model's input as it is when the flow is defined).`,
      'applying models',
    );
    const graphId = await this.createGraph();
    try {
      const failed = (await this.registerSqlDefinitions(graphId)) ?? (await this.registerPythonDefinitions(graphId));
      if (failed) return failed;
      this.request.onGraph?.(this.graph);
      const names = downstreamOf(this.graph, deferred);
      const full = (name: string) => request.fullRefreshAll || (request.fullRefresh ?? []).some((n) => sameDataset(n, name));
      return await this.start(graphId, { fullRefresh: names.filter(full), refresh: names.filter((n) => !full(n)) });
    } finally {
      await dropGraph(this.client, graphId);
    }
  }

  /**
   * The datasets asked for, plus each streaming table whose checkpoint outlived it (a local server
   * forgets its tables when it stops), refreshed in full so it reads all its input again.
   */
  async selection(): Promise<RunSelection> {
    const { request, graph } = this;
    // The datasets that apply models are not in the first graph: they are run by applyModels.
    const inGraph = (name: string) => !this.deferred.some((d) => sameDataset(d, name));
    const fullRefresh = (request.fullRefresh ?? []).filter(inGraph);
    let refresh = (request.refresh ?? []).filter(inGraph);
    const asked = (request.fullRefresh?.length ?? 0) + (request.refresh?.length ?? 0);
    if (asked > 0 && fullRefresh.length + refresh.length === 0) return { fullRefresh, refresh, modelsOnly: true };
    if (this.dry || request.fullRefreshAll) return { fullRefresh, refresh };
    const selectedBefore = fullRefresh.length + refresh.length > 0;
    for (const name of await tablesWithOrphanedCheckpoints(this.client, request.spec, graph, request.refresh)) {
      if (fullRefresh.some((n) => sameDataset(n, name))) continue;
      fullRefresh.push(name);
      this.note(
        `The streaming table ${name} is gone but its checkpoint remains (a local server forgets its tables when it stops): refreshing it in full, so it reads all its input again.`,
      );
      // A selection runs only what it names: without one, the rest of the pipeline still runs as asked.
      if (!selectedBefore)
        refresh = graph.datasets
          .filter(
            (d) =>
              (d.kind === 'materializedView' || d.kind === 'streamingTable') && !fullRefresh.some((n) => sameDataset(n, d.name)),
          )
          .map((d) => d.name);
      else refresh = refresh.filter((n) => !sameDataset(n, name));
    }
    return { fullRefresh, refresh };
  }

  /**
   * StartRun, following its events until it ends. Resolves to the summary of a run that failed or was
   * stopped; to nothing when it completed.
   */
  async start(graphId: string, selection: RunSelection): Promise<PipelineRunSummary | undefined> {
    const { request, graph } = this;
    try {
      const execution = this.execute(
        {
          case: 'startRun',
          value: {
            dataflowGraphId: graphId,
            dry: this.dry,
            storage: request.spec.storage,
            fullRefreshAll: request.fullRefreshAll ?? false,
            fullRefreshSelection: selection.fullRefresh,
            refreshSelection: selection.refresh,
          },
        },
        // A stopped run's flows may start jobs after StartRun ended: they are looked for and killed.
        {
          cancelFlowJobs: {
            watchMs: STOPPED_RUN_JOBS_WATCH_MS,
            writes: graph.datasets.map((d) => qualified(request.spec, d.name)),
          },
        },
      );
      for await (const event of this.env.follow ? this.env.follow(execution) : execution) {
        if (event.type !== 'pipelineEvent') continue;
        const parsed = parsePipelineEvent(event.message, event.timestamp);
        trackFlowState(this.states, parsed);
        if ((parsed.kind === 'flow' && parsed.state === 'failed') || parsed.kind === 'unresolved')
          this.failures.set(parsed.flow, `${this.failures.get(parsed.flow) ?? ''}${parsed.message}\n`);
        if (parsed.kind === 'unresolved' && !parsed.upstream) {
          const located = flowError(graph, this.sources, parsed.flow, parsed.detail, this.qualityPlan.definitions);
          if (located) this.errors.push(located);
        }
        request.onEvent?.(parsed);
      }
      return undefined;
    } catch (thrown) {
      const error = asSparkError(thrown);
      if (error.kind === 'cancelled') return this.summary('cancelled', 'The run was stopped.');
      if (error.kind !== 'spark' && error.kind !== 'other') throw error;
      this.errors.push(...graphErrors(graph, error));
      this.errorClass = error.errorClass;
      await this.checkQuality().catch((thrown: unknown) =>
        this.note(`The data-quality checks could not run: ${asSparkError(thrown).message}`),
      );
      return this.summary('failed', conciseSparkMessage(error.message, error.errorClass));
    }
  }

  /** A completed run: its datasets' rows counted and their quality checked (a dry run: resolved). */
  async completed(): Promise<PipelineRunSummary> {
    const finished = this.summary('completed');
    if (this.dry)
      return { ...finished, datasets: finished.datasets.map((d) => (d.state === 'not run' ? { ...d, state: 'resolved' } : d)) };
    this.note('Counting the rows of the datasets.', 'counting rows');
    const datasets = await withRowCounts(
      this.client,
      this.request.spec,
      finished.datasets.filter((d) => d.state !== 'skipped'),
    );
    await this.checkQuality();
    const published: PublishedDataset[] = [];
    try {
      await this.publish(datasets, published);
    } catch (thrown) {
      if (!(thrown instanceof PublishError)) throw thrown;
      this.note(thrown.message);
      return { ...this.summary('failed', thrown.message, datasets), published };
    }
    return { ...this.summary('completed', undefined, datasets), ...(published.length ? { published } : {}) };
  }

  /**
   * Publishes the datasets the run updated that spark-workbench.yml names, one after the other; the
   * first failure stops there (what was published stays published).
   */
  private async publish(datasets: readonly DatasetSummary[], published: PublishedDataset[]): Promise<void> {
    for (const target of this.request.publish ?? []) {
      const dataset = datasets.find((d) => sameName(d.name, target.dataset));
      if (!dataset || dataset.state !== 'completed') continue;
      this.note(
        `Publishing ${target.dataset} to ${target.database}.${target.schema}.${target.table}.`,
        `publishing ${target.dataset}`,
      );
      const done = await publishDataset(this.client, target, qualified(this.request.spec, dataset.name), this.request.signal);
      published.push(done);
      this.note(`Published ${done.dataset} to ${done.target}: ${done.rows} rows in ${(done.durationMs / 1000).toFixed(1)} s.`);
    }
  }

  private async checkQuality(): Promise<void> {
    const { checks } = this.qualityPlan;
    if (this.dry || !checks.length) return;
    this.note(
      `Checking data quality: ${checks.length} checks.`,
      `checking data quality (${checks.length} check${checks.length === 1 ? '' : 's'})`,
    );
    this.quality = await evaluatePipelineQuality(this.client, {
      spec: this.request.spec,
      graph: this.graph,
      plan: this.qualityPlan,
      datasets: datasetSummaries(this.graph, this.states),
      failures: this.failures,
      signal: this.request.signal,
      tags: this.request.tags,
      onEvent: (message) => this.note(message),
    });
  }
}

/** The datasets named, and every dataset that reads them (directly or not). */
function downstreamOf(graph: PipelineGraph, names: readonly string[]): string[] {
  const found = [...names];
  for (let grew = true; grew;) {
    grew = false;
    for (const flow of graph.flows)
      if (!found.some((n) => sameDataset(n, flow.target)) && flow.reads.some((r) => found.some((n) => sameDataset(n, r)))) {
        found.push(flow.target);
        grew = true;
      }
  }
  return found;
}

/**
 * The session's settings a run changes, as they are now: the configuration keys (set or not), the
 * current catalog and schema. Resolves to what puts them back, and drops the run's temporary views.
 */
async function sessionRestorer(
  client: SparkConnectClient,
  keys: readonly string[],
): Promise<(views: readonly string[]) => Promise<void>> {
  const [set, current] = await Promise.all([
    client.getAllConfig(),
    client.sql('SELECT current_catalog(), current_database()').toTable(),
  ]);
  const catalog = String(current.getChildAt(0)?.get(0) ?? '');
  const schema = String(current.getChildAt(1)?.get(0) ?? '');
  return async (views) => {
    const values = Object.fromEntries(keys.filter((key) => set.has(key)).map((key) => [key, set.get(key) ?? '']));
    const unset = keys.filter((key) => !set.has(key));
    if (Object.keys(values).length) await client.setConfig(values);
    if (unset.length) await client.unsetConfig(unset);
    if (catalog && schema) await client.sql(`USE ${qualifiedName(catalog, schema)}`).toTable();
    for (const view of views) await client.sql(`DROP VIEW IF EXISTS ${quoteIdentifier(view)}`).toTable();
  };
}

/**
 * Streaming tables whose checkpoint (in a local storage folder) outlived the table: a run that trusted
 * the checkpoint would skip the input it already read and leave the new table with only the rest.
 */
async function tablesWithOrphanedCheckpoints(
  client: SparkConnectClient,
  spec: PipelineSpec,
  graph: PipelineGraph,
  selection?: readonly string[],
): Promise<string[]> {
  if (!spec.storage?.startsWith('file:')) return [];
  const storage = fileURLToPath(spec.storage);
  const orphaned: string[] = [];
  for (const dataset of graph.datasets) {
    if (dataset.kind !== 'streamingTable') continue;
    if (selection?.length && !selection.some((n) => sameDataset(n, dataset.name))) continue;
    const parts = unquotedParts(spec, dataset.name);
    if (parts.length !== 3 || !existsSync(join(storage, '_checkpoints', ...parts))) continue;
    const [catalog, database, table] = parts as [string, string, string];
    const found = await client
      .sql(`SHOW TABLES IN ${qualifiedName(catalog, database)}`)
      .toTable()
      .then(
        (t) => columnValues(t, 1).some((name) => name.toLowerCase() === table.toLowerCase()),
        () => true,
      );
    if (!found) orphaned.push(dataset.name);
  }
  return orphaned;
}

function unquotedParts(spec: Pick<PipelineSpec, 'catalog' | 'database'>, name: string): string[] {
  const parts = nameParts(name);
  return parts.length >= 3
    ? parts
    : parts.length === 2
      ? [spec.catalog ?? 'spark_catalog', ...parts]
      : [spec.catalog ?? 'spark_catalog', spec.database ?? 'default', ...parts];
}

async function dropGraph(client: SparkConnectClient, graphId: string): Promise<void> {
  try {
    for await (const _ of client.execute(pipelineCommand({ case: 'dropDataflowGraph', value: { dataflowGraphId: graphId } })))
      void _;
  } catch {
    // the session may be gone; the server drops graphs with it
  }
}

async function withRowCounts(
  client: SparkConnectClient,
  spec: PipelineSpec,
  datasets: readonly DatasetSummary[],
): Promise<DatasetSummary[]> {
  const tables = datasets.filter((d) => d.kind === 'materializedView' || d.kind === 'streamingTable');
  if (!tables.length) return [...datasets];
  const count = async (names: readonly DatasetSummary[]) => {
    const table = await client
      .sql(`SELECT ${names.map((d) => `(SELECT count(*) FROM ${qualified(spec, d.name)})`).join(', ')}`)
      .toTable();
    return new Map(names.map((d, i) => [d.name, Number(table.getChildAt(i)?.get(0) ?? 0)]));
  };
  // One query for all (one round trip); if a table is missing, each on its own.
  let rows: Map<string, number>;
  try {
    rows = await count(tables);
  } catch {
    rows = new Map();
    for (const table of tables) {
      const one = await count([table]).catch(() => undefined);
      if (one) rows.set(table.name, one.get(table.name)!);
    }
  }
  return datasets.map((d) => (rows.has(d.name) ? { ...d, rows: rows.get(d.name) } : d));
}

/**
 * Where a SQL file's registration failed: a parse error's "(line L, pos P)" counts from the start of
 * Spark's piece of the file (right after the previous `;`), in code points; "Query defined at file:N"
 * names the statement's line.
 */
function registrationError(
  file: string,
  text: string,
  error: SparkError,
  insertions?: readonly { at: number; length: number }[],
): DefinitionError {
  const statements = splitSqlStatements(text);
  const message = conciseSparkMessage(error.message, error.errorClass);
  const position = error.parsePosition;
  if (position) {
    const sqlShown = /== SQL ==\n([\s\S]*?)\n-*\^+/.exec(error.message)?.[1];
    const statement =
      statements.find(
        (s) =>
          sqlShown !== undefined && text.slice(s.pieceStart, s.end).trim().startsWith(sqlShown.trim().split('\n')[0]!.trim()),
      ) ?? statements[0];
    if (statement) return located(file, text, statement, position.line, position.column, message, error.errorClass, insertions);
  }
  const definedAt = /Query defined at [^\s:]+:(\d+)/.exec(error.message);
  const line = definedAt ? Number(definedAt[1]) : 1;
  return { file, line, column: 1, message, code: error.errorClass };
}

/** A position Spark gives relative to a statement's piece, as a located error in the file. */
function located(
  file: string,
  text: string,
  statement: SqlStatement,
  line: number,
  codePoint: number,
  message: string,
  code?: string,
  insertions: readonly { at: number; length: number }[] = [],
): DefinitionError {
  const piece = text.slice(statement.pieceStart, statement.end);
  const lineStart = offsetOf(piece, line, 1) ?? 0;
  let start = statement.pieceStart + lineStart + utf16OffsetOfCodePoint(piece.slice(lineStart), codePoint);
  // Spark counted what was put in before the query on this line (see stripExpectations).
  for (const insertion of insertions)
    if (
      insertion.at <= start &&
      insertion.at >= statement.pieceStart + lineStart &&
      !text.slice(insertion.at, start).includes('\n')
    )
      start -= insertion.length;
  const token = /^[\p{L}\p{N}_`'".]+/u.exec(text.slice(start))?.[0] ?? text.charAt(start);
  const before = text.slice(0, start);
  const fileLine = before.split('\n').length;
  return {
    file,
    line: fileLine,
    column: start - (before.lastIndexOf('\n') + 1) + 1,
    start,
    end: start + Math.max(1, token.length),
    message,
    code,
  };
}

/** A flow Spark could not resolve: its error at the place in its definition Spark points to. */
function flowError(
  graph: PipelineGraph,
  sources: Map<string, string>,
  flowName: string,
  detail: string,
  definitions: ReadonlyMap<string, Pick<StrippedDefinitions, 'insertions'>>,
): DefinitionError | undefined {
  const flow = graph.flows.find((f) => sameDataset(flowName, f.name));
  if (!flow) return undefined;
  const errorClass = /^\[([A-Z0-9_.]+)\]/.exec(detail)?.[1];
  const message = conciseSparkMessage(detail.split(/;\n|\n'|\n\+-/)[0]!, errorClass);
  const position = /\bline (\d+) pos (\d+)\b/.exec(detail);
  const text = sources.get(flow.location.file);
  if (position && flow.statement && text)
    return located(
      flow.location.file,
      text,
      flow.statement,
      Number(position[1]),
      Number(position[2]),
      message,
      errorClass,
      definitions.get(flow.location.file)?.insertions,
    );
  return atDefinition(flow, message, errorClass);
}

function atDefinition(flow: Pick<PipelineFlow, 'location'>, message: string, code?: string): DefinitionError {
  return {
    file: flow.location.file,
    line: flow.location.line,
    column: 1,
    start: flow.location.start,
    end:
      flow.location.start === undefined
        ? undefined
        : Math.min(flow.location.end ?? flow.location.start + 1, flow.location.start + 200),
    message,
    code,
  };
}

/**
 * A failure of the whole graph put at each definition it names (a cycle, a table with several flows…):
 * the names in Spark's message parameters and text are matched with the graph's flows.
 */
function graphErrors(graph: PipelineGraph, error: SparkError): DefinitionError[] {
  const concise = conciseSparkMessage(error.message, error.errorClass);
  const mentioned = new Set<string>();
  for (const text of [...Object.values(error.messageParameters ?? {}), error.message.split('\n')[0]!])
    for (const name of text.match(/(?:`[^`]+`|[\w$]+)(?:\.(?:`[^`]+`|[\w$]+))*/g) ?? []) mentioned.add(name);
  const named = graph.flows.filter((flow) => [...mentioned].some((name) => name.includes('.') && sameDataset(name, flow.name)));
  return named.map((flow) => atDefinition(flow, concise, error.errorClass));
}
