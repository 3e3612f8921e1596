import type { PipelineEngine } from '../pipelines/pipelineEngine.js';
import type { PipelineProjects } from '../pipelines/pipelineProjects.js';
import type { ResultsPanels } from '../results/resultsPanels.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { DeclarationDiagnostics } from './declarationDiagnostics.js';
import { registerFailingRowsCommand } from './failingRowsCommand.js';
import { QualityCommands } from './qualityCommands.js';
import { QualityDiagnostics } from './qualityDiagnostics.js';
import { QualityResults } from './qualityView.js';

/**
 * Data quality: declarations checked as typed, results in Problems and the Data Quality view (kept
 * between sessions), Check Data Quality…, Show Failing Rows. Returns where runs put their results.
 */
export function registerQuality(
  ctx: WorkbenchContext,
  deps: {
    readonly engine: () => Promise<PipelineEngine>;
    readonly projects: Pick<PipelineProjects, 'projectBeside'>;
    readonly results: Pick<ResultsPanels, 'show'>;
  },
): { readonly qualityResults: QualityResults } {
  const { host, log, connections, failures, own } = ctx;
  const diagnostics = own(new QualityDiagnostics(host));
  own(new DeclarationDiagnostics(host, deps.engine, failures.catcher('Checking data-quality declarations')));
  const qualityResults = own(new QualityResults(diagnostics, ctx.workspaceState));
  own(host.registerTree('sparkWorkbench.quality', qualityResults));
  own(
    new QualityCommands(host, {
      connections,
      engine: deps.engine,
      results: qualityResults,
      specOf: async (path) => (await deps.projects.projectBeside(path))?.check.spec,
      log,
    }),
  );
  own(registerFailingRowsCommand(host, diagnostics, (query) => deps.results.show(query)));
  return { qualityResults };
}
