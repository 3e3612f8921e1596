import { existsSync, readFileSync } from 'node:fs';
import { FEATURE_KEYS_PROPERTY, featureTableChecks, featureTableOf, sqlFeatureTables } from '../features/featureTables.js';
import { join } from 'node:path';
import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { definitionPreview } from '../pipelines/definitionPreview.js';
import type { DatasetSummary } from '../pipelines/datasetStates.js';
import { qualified, sameDataset, type PipelineGraph, type PythonDefinitions } from '../pipelines/pipelineGraph.js';
import type { PipelineSpec } from '../pipelines/pipelineSpec.js';
import { asSparkError } from '../connect/sparkError.js';
import { conciseSparkMessage } from '../sql/conciseMessage.js';
import { lineColumnOf, locateSparkError } from '../sql/errorLocation.js';
import { splitSqlStatements } from '../sql/statementSplitter.js';
import { expectationChecks, parseExpectationFailure, stripExpectations, type StrippedDefinitions } from './expectationClauses.js';
import type { QualityCheck } from './qualityChecks.js';
import { evaluateDatasetQuality, type CheckResult, type DatasetQuality } from './qualityEvaluation.js';
import { parseQualityFile } from './qualityFile.js';
import { QUALITY_FILE_NAMES } from './qualityFileNames.js';

/** A problem found before anything runs, in a definition or the quality file (offsets into it). */
export interface QualityDeclarationProblem {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  /** 1-based, of `start`. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The checks of a pipeline: its SQL definitions' expectations and its quality file's checks. */
export interface PipelineQualityPlan {
  /** What Spark registers for each SQL file (expectation clauses taken out). */
  readonly definitions: ReadonlyMap<string, StrippedDefinitions>;
  readonly checks: readonly QualityCheck[];
  readonly problems: readonly QualityDeclarationProblem[];
  /** The quality file beside the spec, relative to it, if there is one. */
  readonly qualityFile?: string;
  /** The quality file's `samples:`, when it sets one. */
  readonly sampleSize?: number;
  /** Datasets defined in Python whose rows before `drop` expectations are a session view. */
  readonly unfilteredViews?: ReadonlyMap<string, string>;
}

/**
 * The plan with the expectations the Python helper reported (`@dp.expect…`), each located on its
 * decorator's argument: the expectation's quoted name on the decorator's line or the lines after it.
 */
export function withPythonExpectations(plan: PipelineQualityPlan, report: PythonDefinitions, root: string): PipelineQualityPlan {
  const checks = [...plan.checks];
  const views = new Map(plan.unfilteredViews ?? []);
  const texts = new Map<string, string>();
  for (const flow of report.flows) {
    if (flow.unfilteredView) views.set(flow.target, flow.unfilteredView);
    for (const e of flow.expectations ?? []) {
      if (!texts.has(e.file)) texts.set(e.file, existsSync(join(root, e.file)) ? readFileSync(join(root, e.file), 'utf8') : '');
      checks.push({
        kind: 'expect',
        dataset: flow.target,
        name: e.name,
        expression: e.condition,
        action: e.action,
        severity: e.action === 'fail' ? 'error' : 'warn',
        mostly: 1,
        location: { file: e.file, ...decoratorArgument(texts.get(e.file)!, e.line, e.name) },
      });
    }
  }
  for (const output of report.outputs) {
    const declared = featureTableOf(output.tableProperties ?? {});
    if (!declared || 'problem' in declared) continue;
    if (!texts.has(output.file))
      texts.set(output.file, existsSync(join(root, output.file)) ? readFileSync(join(root, output.file), 'utf8') : '');
    const at = decoratorArgument(texts.get(output.file)!, output.line, FEATURE_KEYS_PROPERTY);
    checks.push(...featureTableChecks({ dataset: output.name, ...declared, file: output.file, ...at }));
  }
  return { ...plan, checks, unfilteredViews: views };
}

function decoratorArgument(text: string, line: number, name: string): { start: number; end: number } {
  const lines = text.split('\n');
  const lineStart = (index: number) => lines.slice(0, index).reduce((sum, l) => sum + l.length + 1, 0);
  const quoted = new RegExp(`(["'])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`);
  // The name in quotes on the decorator's line or in the lines of its dict (expect_all).
  for (let index = line - 1; index < Math.min(lines.length, line + 20); index++) {
    const column = lines[index]!.search(quoted);
    if (column !== -1) return { start: lineStart(index) + column, end: lineStart(index) + lines[index]!.trimEnd().length };
  }
  const start = lineStart(line - 1);
  return { start, end: start + (lines[line - 1] ?? '').length };
}

export function planPipelineQuality(root: string, sources: ReadonlyMap<string, string>): PipelineQualityPlan {
  const definitions = new Map<string, StrippedDefinitions>();
  const checks: QualityCheck[] = [];
  const problems: QualityDeclarationProblem[] = [];
  for (const [file, text] of sources) {
    const stripped = stripExpectations(text);
    definitions.set(file, stripped);
    checks.push(...expectationChecks(file, stripped.expectations));
    problems.push(...stripped.problems.map((p) => ({ file, ...p, ...lineColumnOf(text, p.start) })));
    const features = sqlFeatureTables(file, text);
    checks.push(...features.tables.flatMap(featureTableChecks));
    problems.push(...features.problems.map((p) => ({ ...p, ...lineColumnOf(text, p.start) })));
  }
  const qualityFile = QUALITY_FILE_NAMES.find((name) => existsSync(join(root, name)));
  let sampleSize: number | undefined;
  if (qualityFile) {
    const text = readFileSync(join(root, qualityFile), 'utf8');
    const parsed = parseQualityFile(text, qualityFile);
    checks.push(...parsed.checks);
    sampleSize = parsed.sampleSize;
    problems.push(
      ...parsed.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({ file: qualityFile, start: p.start, end: p.end, ...lineColumnOf(text, p.start), message: p.message })),
    );
  }
  return { definitions, checks, problems, qualityFile, sampleSize };
}

/**
 * Spark's own parser on each condition declared in SQL (`CONSTRAINT … EXPECT (condition)`) and on the
 * quality file's `sql` conditions, before anything runs: one that does not parse is a problem at its
 * place. Only parsing is asked for here; whether the columns exist is known when the check runs against
 * its dataset. `sources`: the SQL files' texts by file, as planned.
 */
export async function conditionSyntaxProblems(
  client: SparkConnectClient,
  plan: PipelineQualityPlan,
  sources: ReadonlyMap<string, string>,
  root: string,
): Promise<QualityDeclarationProblem[]> {
  const conditions: { file: string; text: string; condition: string; start: number }[] = [];
  for (const [file, stripped] of plan.definitions)
    for (const clause of stripped.expectations)
      conditions.push({ file, text: sources.get(file)!, condition: clause.expression, start: clause.expressionStart });
  if (plan.qualityFile) {
    const text = readFileSync(join(root, plan.qualityFile), 'utf8');
    for (const check of plan.checks)
      if (check.kind === 'sql' && check.location.file === plan.qualityFile) {
        const found = text.indexOf(check.condition, check.location.start);
        conditions.push({
          file: plan.qualityFile,
          text,
          condition: check.condition,
          start: found === -1 ? check.location.start : found,
        });
      }
  }
  const prefix = 'SELECT (';
  const problems = await Promise.all(
    conditions.map(async ({ file, text, condition, start }): Promise<QualityDeclarationProblem | undefined> => {
      const query = `${prefix}${condition}\n)`;
      try {
        await client.schemaOf(query);
        return undefined;
      } catch (thrown) {
        const error = asSparkError(thrown);
        if (error.kind !== 'spark' || !error.errorClass?.startsWith('PARSE')) return undefined;
        const span = locateSparkError(query, error);
        const at = (offset: number) => start + Math.min(Math.max(offset - prefix.length, 0), condition.length);
        const from = span ? at(span.start) : start;
        const to = Math.max(span ? at(span.end) : start + condition.length, from + 1);
        return {
          file,
          start: from,
          end: to,
          ...lineColumnOf(text, from),
          message: `The condition does not parse: ${conciseSparkMessage(error.message, error.errorClass)}`,
        };
      }
    }),
  );
  return problems.filter((p): p is QualityDeclarationProblem => p !== undefined);
}

export interface PipelineQualityInput {
  readonly spec: PipelineSpec;
  readonly graph: PipelineGraph;
  readonly plan: PipelineQualityPlan;
  readonly datasets: readonly DatasetSummary[];
  /** Spark's error text of each failed flow, by the flow's name as Spark reports it. */
  readonly failures: ReadonlyMap<string, string>;
  readonly signal?: AbortSignal;
  readonly tags?: readonly string[];
  readonly onEvent?: (message: string) => void;
}

/**
 * After a run: the checks of every dataset the run updated, each dataset in one aggregate (over its
 * table; over its definition's query where `DROP ROW` removed rows, so the dropped ones are counted).
 * A dataset the run did not update reports its checks as errors; one a `FAIL UPDATE` stopped reports
 * that expectation as failed, with the row Spark stopped at. Datasets outside the run's selection are left out.
 */
export async function evaluatePipelineQuality(
  client: SparkConnectClient,
  input: PipelineQualityInput,
): Promise<DatasetQuality[]> {
  const { spec, graph, plan } = input;
  const byDataset = new Map<string, QualityCheck[]>();
  for (const check of plan.checks) {
    const key = [...byDataset.keys()].find((k) => sameDataset(k, check.dataset)) ?? check.dataset;
    byDataset.set(key, [...(byDataset.get(key) ?? []), check]);
  }
  const results: DatasetQuality[] = [];
  let contextSet = false;
  for (const [dataset, checks] of byDataset) {
    const summary = input.datasets.find((d) => sameDataset(d.name, dataset));
    const state = summary?.state;
    if (state === 'not run' || state === 'excluded' || state === 'idle') continue;
    if (summary && state !== 'completed') {
      const failure = [...input.failures].find(
        ([flow]) =>
          sameDataset(flow, dataset) || graph.flows.some((f) => sameDataset(f.target, dataset) && sameDataset(flow, f.name)),
      )?.[1];
      const stopped = failure ? parseExpectationFailure(failure) : undefined;
      results.push({
        dataset,
        source: `SELECT * FROM ${qualified(spec, dataset)}`,
        durationMs: 0,
        results: checks.map((check): CheckResult => {
          if (
            stopped &&
            check.kind === 'expect' &&
            check.action === 'fail' &&
            check.name.toLowerCase() === stopped.name.toLowerCase()
          )
            return {
              check,
              status: 'failed',
              samples: [stopped.row],
              message: `${check.name}: a row violated it and stopped the update of ${dataset} (ON VIOLATION FAIL UPDATE); e.g. ${stopped.row}`,
            };
          return {
            check,
            status: 'error',
            samples: [],
            message: `Could not run: ${dataset} was not updated (${state}${stopped ? `: expectation ${stopped.name} failed the update` : ''}).`,
          };
        }),
      });
      continue;
    }
    const isDrop = (c: QualityCheck) => c.kind === 'expect' && c.action === 'drop';
    let query = `SELECT * FROM ${qualified(spec, dataset)}`;
    let uncounted: QualityCheck[] = [];
    if (checks.some(isDrop)) {
      const view = [...(plan.unfilteredViews ?? [])].find(([name]) => sameDataset(name, dataset))?.[1];
      const unfiltered = view ? `SELECT * FROM ${view}` : definitionQuery(graph, plan, dataset);
      if (unfiltered) {
        if (!contextSet && spec.database && !view) {
          await client.sql(`USE ${qualified({ catalog: spec.catalog }, spec.database)}`).toTable();
          // The run puts the session's schema back when it ends.
          input.onEvent?.(`Checks of rows dropped re-read ${dataset}'s definition in ${spec.database}, as the run does.`);
          contextSet = true;
        }
        query = unfiltered;
      } else uncounted = checks.filter(isDrop);
    }
    const evaluated = await evaluateDatasetQuality(
      client,
      { dataset, query, checks: checks.filter((c) => !uncounted.includes(c)), tableName: (name) => qualified(spec, name) },
      { signal: input.signal, tags: input.tags, sampleSize: plan.sampleSize },
    );
    const notCounted = (check: QualityCheck): CheckResult => ({
      check,
      status: 'error',
      samples: [],
      message: `Could not run: the rows ${check.name} dropped from a streaming Python definition are not counted (its rows before the filter are not kept).`,
    });
    results.push(
      uncounted.length
        ? { ...evaluated, results: checks.map((c) => evaluated.results.find((r) => r.check === c) ?? notCounted(c)) }
        : evaluated,
    );
  }
  return results;
}

/** A dataset's query as written (expectations not applied, streaming reads as batch). */
function definitionQuery(graph: PipelineGraph, plan: PipelineQualityPlan, dataset: string): string | undefined {
  const flow = graph.flows.find((f) => sameDataset(f.name, dataset) && sameDataset(f.target, dataset));
  const stripped = flow && plan.definitions.get(flow.location.file);
  if (!flow || !stripped || flow.location.start === undefined) return undefined;
  const statement = splitSqlStatements(stripped.unfiltered).find(
    (s) => s.start <= flow.location.start! && flow.location.start! < s.end,
  );
  return statement ? definitionPreview(stripped.unfiltered, statement)?.text : undefined;
}
