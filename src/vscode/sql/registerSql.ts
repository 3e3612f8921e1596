import { join } from 'node:path';
import { SqlContextWorker } from '../../core/sql/completion/contextWorkerClient.js';
import type { TablesRead } from '../../core/pipelines/pipelineGraph.js';
import type { CatalogFeature } from '../catalog/registerCatalog.js';
import { usePipelineContext } from '../pipelines/pipelineContext.js';
import type { PipelineProjects } from '../pipelines/pipelineProjects.js';
import { SuggestionFixes } from '../problems/suggestionFixes.js';
import type { ResultsPanels } from '../results/resultsPanels.js';
import type { QueryRunner } from '../runs/queryRunner.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import { ParameterPrompts } from './parameterPrompts.js';
import { PlanDocuments } from './planDocuments.js';
import { SqlCodeLenses } from './sqlCodeLenses.js';
import { SqlDiagnostics } from './sqlDiagnostics.js';
import { SqlLanguageFeatures } from './sqlLanguageFeatures.js';
import { SqlRunCommands } from './sqlRunCommands.js';

export interface SqlFeature {
  readonly sqlDiagnostics: SqlDiagnostics;
  /** The tables a query reads, from the SQL grammar (in its worker thread). */
  readonly tablesRead: TablesRead;
}

/**
 * SQL in the editor: Run/Explain lenses and commands, errors at their range, completion and hover
 * from the grammar and the live catalog, `:name` prompts, and "Change to" fixes of Spark's suggestions.
 */
export function registerSql(
  ctx: WorkbenchContext,
  deps: {
    readonly results: Pick<ResultsPanels, 'show'>;
    readonly runner: Pick<QueryRunner, 'stream'>;
    readonly catalog: CatalogFeature;
    readonly projects: Pick<PipelineProjects, 'projectOf'>;
  },
): SqlFeature {
  const { host, log, connections, own } = ctx;
  const sqlDiagnostics = own(new SqlDiagnostics(host));
  const grammar = own(new SqlContextWorker(join(ctx.extensionPath, 'dist', 'sqlContextWorker.js')));
  const languageFeatures = new SqlLanguageFeatures(grammar, deps.catalog.catalogCache);
  own(host.registerCompletions('sql', languageFeatures, ['.', ' ']));
  own(host.registerHovers('sql', languageFeatures));
  // The grammar takes a second to load: start it while the person looks at their SQL file.
  if (host.activeEditor()?.document.languageId === 'sql') grammar.warmUp();
  own(
    new SqlRunCommands(
      host,
      {
        inPanel: (query) => deps.results.show(query),
        quietly: (sql, title, options) => deps.runner.stream(sql, title, options),
        explain: async (sql, args) => (await connections.client()).explain(sql, 'formatted', args),
      },
      sqlDiagnostics,
      new ParameterPrompts(host, ctx.workspaceState),
      own(new PlanDocuments(host)),
      log,
      deps.catalog.catalogChanged,
      // A pipeline's SQL file runs in its pipeline's catalog, schema and configuration.
      async (document) => {
        const spec = (await deps.projects.projectOf(document.fileName))?.check.spec;
        if (spec) await usePipelineContext(await connections.client(), spec, log);
      },
    ),
  );
  own(host.registerCodeLenses('sql', new SqlCodeLenses()));
  const suggestionFixes = new SuggestionFixes();
  for (const language of ['sql', 'yaml', 'python']) own(host.registerCodeActions(language, suggestionFixes));
  return { sqlDiagnostics, tablesRead: (query) => grammar.tablesRead(query) };
}
