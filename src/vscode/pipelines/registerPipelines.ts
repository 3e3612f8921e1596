import { join } from 'node:path';
import type { PythonHelper } from '../../core/python/pythonHelper.js';
import type { TablesRead } from '../../core/pipelines/pipelineGraph.js';
import { COMMANDS } from '../commandIds.js';
import type { QualityResults } from '../quality/qualityView.js';
import type { ResultsPanels } from '../results/resultsPanels.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { DefinitionDiagnostics } from './definitionDiagnostics.js';
import { openRunReport } from './runReportPanel.js';
import { PipelineCodeLenses } from './pipelineCodeLenses.js';
import { PipelineCommands } from './pipelineCommands.js';
import { loadPipelineEngine, type PipelineEngine } from './pipelineEngine.js';
import { PipelineGraphPanels } from './pipelineGraphPanels.js';
import { PipelineProjects } from './pipelineProjects.js';
import { PipelineRunner } from './pipelineRunner.js';
import { PipelineRunView } from './pipelineRunView.js';
import { PipelinesView } from './pipelinesView.js';
import { createRetailExample } from './retailExample.js';
import { SpecAssist } from './specAssist.js';
import { SpecDiagnostics } from './specDiagnostics.js';

export interface PipelineProjectsFeature {
  /** The pipeline engine (YAML, the spec checker, the layout, runs), loaded on first use. */
  readonly engine: () => Promise<PipelineEngine>;
  readonly projects: PipelineProjects;
}

/** The workspace's pipeline projects (what SQL files and quality files belong to), and the engine. */
export function registerPipelineProjects(ctx: WorkbenchContext): PipelineProjectsFeature {
  let loading: Promise<PipelineEngine> | undefined;
  const engine = () => (loading ??= loadPipelineEngine());
  // A project's spec is read as it runs in the connection's environment (its schema, storage, variables).
  const environment = () => ctx.connections.profile?.environment;
  const projects = ctx.own(new PipelineProjects(ctx.host, engine, environment));
  let shown = environment();
  ctx.own(
    ctx.connections.onDidConnectionStateChange(() => {
      if (environment() === shown) return;
      shown = environment();
      projects.rescan();
    }),
  );
  return { engine, projects };
}

const SPEC_FILES = { pattern: '**/spark-pipeline.{yml,yaml}' };

/**
 * Spark Declarative Pipelines: specs checked as typed (fixes, completion, hover), runs from lenses and
 * commands with their events, errors at their lines, the Pipelines and Pipeline Run views, the graph,
 * and the retail example.
 */
export function registerPipelines(
  ctx: WorkbenchContext,
  deps: PipelineProjectsFeature & {
    readonly results: Pick<ResultsPanels, 'show'>;
    readonly qualityResults: QualityResults;
    readonly tablesRead: TablesRead;
    readonly pythonHelper: () => Promise<PythonHelper>;
    readonly tablesChanged: (datasets: readonly string[]) => void;
  },
): { readonly runner: PipelineRunner } {
  const { host, log, connections, operations, failures, own } = ctx;
  const { engine, projects, tablesRead } = deps;
  const specDiagnostics = own(new SpecDiagnostics(host, projects, failures.catcher('Checking the pipeline spec')));
  own(host.registerCodeActions(SPEC_FILES, specDiagnostics));
  const specAssist = new SpecAssist();
  own(host.registerCompletions(SPEC_FILES, specAssist, [' ', '/']));
  own(host.registerHovers(SPEC_FILES, specAssist));
  const runner = own(
    new PipelineRunner(host, {
      connections,
      operations,
      engine,
      projects,
      specDiagnostics,
      definitionDiagnostics: own(new DefinitionDiagnostics(host)),
      qualityResults: deps.qualityResults,
      tablesRead,
      pythonHelper: deps.pythonHelper,
      log,
      onTablesChanged: deps.tablesChanged,
      publishTargets: async () => (await ctx.databases.read()).publish,
    }),
  );
  own(host.registerCodeLenses(SPEC_FILES, new PipelineCodeLenses(runner)));
  own(
    host.registerCommand(COMMANDS.pipelines.openRunReport, () =>
      openRunReport(runner.latest, {
        host,
        connections,
        qualityRuns: (specPath) => deps.qualityResults.runsOf(specPath),
        assetRoot: join(ctx.extensionPath, 'dist', 'webview'),
        toolVersion: ctx.extensionVersion,
      }),
    ),
  );
  const pipelinesView = own(new PipelinesView(projects, runner, engine, tablesRead));
  own(host.registerTree('sparkWorkbench.pipelines', pipelinesView));
  own(host.registerTree('sparkWorkbench.pipelineRun', own(new PipelineRunView(runner))));
  const command = (id: string) => (ref: unknown) => Promise.resolve(host.executeCommand(id, ref)).then(() => undefined);
  const graphs = own(
    new PipelineGraphPanels(host, {
      runner,
      projects,
      engine,
      tablesRead,
      assetRoot: join(ctx.extensionPath, 'dist', 'webview'),
      quality: deps.qualityResults,
      actions: {
        openDefinition: command(COMMANDS.pipelines.openDefinition),
        preview: command(COMMANDS.pipelines.previewDataset),
      },
      log,
    }),
  );
  own(
    new PipelineCommands(host, {
      projects,
      runner,
      graphs,
      results: deps.results,
      engine,
      tablesRead,
      refreshView: () => pipelinesView.refresh(),
      createExample: async () => {
        const spec = await createRetailExample(
          host,
          join(ctx.extensionPath, 'examples', 'retail'),
          async () => (await import('../../../examples/retail/generator.js')).writeRetailData,
        );
        // The view is told at once, not only by the file watcher (which can miss files written together).
        projects.rescan();
        return spec;
      },
    }),
  );
  return { runner };
}
