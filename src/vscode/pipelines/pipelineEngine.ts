import type { SparkConnectClient } from '../../core/connect/sparkConnectClient.js';
import type { QueryExecution, ResultEvent } from '../../core/connect/queryExecution.js';
import type { PipelineGraph, TablesRead } from '../../core/pipelines/pipelineGraph.js';
import type { PipelineLayout } from '../../core/pipelines/pipelineLayout.js';
import type { PipelineRunRequest, PipelineRunSummary } from '../../core/pipelines/pipelineRun.js';
import type { SpecCheck } from '../../core/pipelines/pipelineSpec.js';
import type { PythonHelper } from '../../core/python/pythonHelper.js';
import type { QualityEngine } from '../quality/qualityCommands.js';

/** What a run needs besides its request: the client, the grammar, the helper, who follows the execution. */
export interface PipelineRunContext {
  readonly client: SparkConnectClient;
  readonly tablesRead: TablesRead;
  readonly pythonHelper: () => Promise<PythonHelper>;
  readonly follow: (execution: QueryExecution) => AsyncIterable<ResultEvent>;
}

/**
 * The pipeline engine as the VS Code layer uses it. Loaded on first use (YAML, the layout library and
 * the Spark client stay out of the activation bundle); tests build it from the same core functions.
 */
export interface PipelineEngine extends QualityEngine {
  checkSpec(text: string, specPath: string): SpecCheck;
  sqlDefinitions(file: string, text: string, tablesRead: TablesRead): Promise<PipelineGraph>;
  layout(graph: PipelineGraph, direction: 'wide' | 'tall', variables?: Readonly<Record<string, string>>): PipelineLayout;
  run(context: PipelineRunContext, request: PipelineRunRequest): Promise<PipelineRunSummary>;
  /** Problems of a quality file, and of the expectation clauses of a SQL definition file, as written. */
  qualityFileProblems(
    text: string,
    file: string,
  ): readonly { start: number; end: number; severity: 'error' | 'warning'; message: string }[];
  expectationProblems(text: string): readonly { start: number; end: number; message: string }[];
}

/** The engine from the core modules (through dist/engine.js in the extension). */
export async function loadPipelineEngine(): Promise<PipelineEngine> {
  const [
    { checkPipelineSpec },
    { sqlDefinitions },
    { layoutPipeline },
    { runPipeline },
    { pipelineEnvironment },
    { parseQualityFile },
    { stripExpectations },
  ] = await Promise.all([
    import('../../core/pipelines/pipelineSpec.js'),
    import('../../core/pipelines/pipelineGraph.js'),
    import('../../core/pipelines/pipelineLayout.js'),
    import('../../core/pipelines/pipelineRun.js'),
    import('../../core/pipelines/pipelineEnvironment.js'),
    import('../../core/quality/qualityFile.js'),
    import('../../core/quality/expectationClauses.js'),
  ]);
  const { runQualityChecks } = await import('../../core/quality/qualityFileRun.js');
  return {
    checkSpec: checkPipelineSpec,
    sqlDefinitions,
    layout: layoutPipeline,
    run: (context, request) =>
      runPipeline(
        { ...pipelineEnvironment(context.client, context.tablesRead, context.pythonHelper), follow: context.follow },
        request,
      ),
    qualityFileProblems: (text, file) => parseQualityFile(text, file).problems,
    parseQualityFile,
    runQualityChecks,
    expectationProblems: (text) => stripExpectations(text).problems,
  };
}
