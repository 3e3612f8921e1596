import type {
  ApiCheckOutcome,
  ApiConnection,
  ApiConnectionState,
  ApiEvent,
  ApiField,
  ApiParameterValue,
  ApiPipelineEvent,
  ApiPipelineRun,
  ApiQualityRun,
  ApiSqlResult,
  SparkWorkbenchApi,
} from '../../api/sparkWorkbenchApi.js';
import { describeEvent } from '../../core/pipelines/pipelineEvents.js';
import type { PipelineRunRecord } from '../../core/pipelines/pipelineRunRecord.js';
import type { QualityRun } from '../../core/quality/qualityHistory.js';
import type { ConnectionProfile, ConnectionState } from '../../core/session/connectionManager.js';
import type { SqlParameterValue } from '../../core/sql/sqlParameters.js';
import { Emitter, type Disposable } from '../../core/util/events.js';
import type { PipelineRunner } from '../pipelines/pipelineRunner.js';
import type { QualityResults } from '../quality/qualityView.js';
import type { WorkbenchContext } from '../workbenchContext.js';

/**
 * The object activate() returns: the window's connections, SQL with named parameters streaming Arrow,
 * pipeline runs and their events, the data-quality results. It goes through the same services as the
 * editor's own commands (the Operations view shows its queries; Restricted Mode runs nothing).
 */
export function workbenchApi(
  ctx: WorkbenchContext,
  services: { readonly runner: PipelineRunner; readonly qualityResults: QualityResults },
  activateMs: () => number,
): SparkWorkbenchApi & Disposable {
  const { connections, operations, host } = ctx;
  const { runner, qualityResults } = services;
  const connectionChanged = new Emitter<ApiConnectionState>();
  const pipelineEvent = new Emitter<ApiPipelineEvent>();
  const runEnded = new Emitter<ApiPipelineRun>();
  const seenEvents = new WeakMap<PipelineRunRecord, number>();
  const ended = new WeakSet<PipelineRunRecord>();
  const subscriptions = [
    connections.onDidConnectionStateChange(() => connectionChanged.fire(connectionState(connections.state))),
    runner.onDidRunChange((record) => {
      const from = seenEvents.get(record) ?? 0;
      for (const event of record.events.slice(from))
        pipelineEvent.fire({
          specPath: record.specPath,
          text: describeEvent(event),
          ...('flow' in event ? { flow: event.flow } : {}),
          ...('state' in event ? { state: String(event.state) } : {}),
        });
      seenEvents.set(record, record.events.length);
      if (record.finishedAt !== undefined && !ended.has(record)) {
        ended.add(record);
        runEnded.fire(pipelineRun(record));
      }
    }),
  ];
  const event =
    <T>(emitter: Emitter<T>): ApiEvent<T> =>
    (listener) =>
      emitter.event(listener);
  return {
    apiVersion: 1,
    get activateMs() {
      return activateMs();
    },
    connections: () => ctx.settings.connection.profiles().profiles.map(apiConnection),
    connection: () => connectionState(connections.state),
    onDidChangeConnection: event(connectionChanged),
    sql: (query, options = {}) => {
      if (!host.isTrusted()) throw new Error('Spark Workbench runs nothing in Restricted Mode.');
      return streamSql(query, options.params, options.maxRows, options.signal);
    },
    runPipeline: async (specPath, options = {}) => {
      const record = await runner.start(specPath, options.mode ?? 'run');
      if (!record) throw new Error(`The pipeline ${specPath} did not run (Restricted Mode, or it is running already).`);
      return pipelineRun(record);
    },
    onDidPipelineEvent: event(pipelineEvent),
    onDidPipelineRunEnd: event(runEnded),
    qualityResults: (source) =>
      (source ? [source] : qualityResults.sources()).flatMap((s) => qualityResults.runsOf(s)).map(qualityRun),
    dispose: () => {
      for (const subscription of subscriptions) subscription.dispose();
      connectionChanged.dispose();
      pipelineEvent.dispose();
      runEnded.dispose();
    },
  };

  function streamSql(
    query: string,
    params: Readonly<Record<string, ApiParameterValue>> | undefined,
    maxRows: number | undefined,
    signal: AbortSignal | undefined,
  ): ApiSqlResult {
    let schemaKnown: (fields: readonly ApiField[]) => void = () => undefined;
    let schemaFailed: (error: unknown) => void = () => undefined;
    const schema = new Promise<readonly ApiField[]>((resolve, reject) => {
      schemaKnown = resolve;
      schemaFailed = reject;
    });
    // A consumer that only iterates the batches still hears of a failure there; this one is not lost.
    schema.catch(() => undefined);
    async function* batches(): AsyncGenerator<Uint8Array> {
      try {
        const [{ tableToIPC, Table }, { sparkTypeName }] = await Promise.all([
          import('apache-arrow'),
          import('../../core/arrow/sparkValues.js'),
        ]);
        const client = await connections.client(connections.profile ?? undefined);
        const execution = client.sql(query, { args: sqlArgs(params), maxRows, signal });
        for await (const result of operations.follow(execution, 'API: SQL', connections.profile?.name ?? 'Spark')) {
          if (result.type === 'schema')
            schemaKnown(result.schema.fields.map((f) => ({ name: f.name, type: sparkTypeName(f.type), nullable: f.nullable })));
          else if (result.type === 'batch') yield tableToIPC(new Table([result.batch]), 'stream');
        }
      } catch (error) {
        schemaFailed(error);
        throw error;
      }
    }
    return { schema, batches: batches() };
  }
}

function sqlArgs(params: Readonly<Record<string, ApiParameterValue>> | undefined): Record<string, SqlParameterValue> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(
    Object.entries(params).map(([name, value]): [string, SqlParameterValue] => {
      if (value === null) return [name, { type: 'null' }];
      if (typeof value === 'boolean') return [name, { type: 'boolean', value }];
      if (typeof value === 'number')
        return [name, Number.isSafeInteger(value) ? { type: 'long', value: BigInt(value) } : { type: 'double', value }];
      if (typeof value === 'string') return [name, { type: 'string', value }];
      if ('date' in value) return [name, { type: 'date', value: value.date }];
      return [name, { type: 'timestampNtz', value: value.timestamp }];
    }),
  );
}

function apiConnection(profile: ConnectionProfile): ApiConnection {
  return profile.kind === 'local'
    ? { name: profile.name, kind: 'local', port: profile.port }
    : // The settings refuse tokens in URLs; anything after ';' is dropped all the same.
      { name: profile.name, kind: 'remote', url: profile.url.split(';')[0] };
}

function connectionState(state: ConnectionState): ApiConnectionState {
  return {
    connection: state.profile ? apiConnection(state.profile) : undefined,
    state: state.kind,
    ...(state.kind === 'connected' ? { sparkVersion: state.sparkVersion.toString() } : {}),
  };
}

function pipelineRun(record: PipelineRunRecord): ApiPipelineRun {
  const summary = record.summary;
  return {
    specPath: record.specPath,
    pipeline: record.pipelineName,
    mode: record.mode === 'dry' ? 'dry' : record.mode === 'fullRefreshAll' ? 'fullRefreshAll' : 'run',
    outcome: record.outcome === 'running' ? 'failed' : record.outcome,
    startedAt: record.startedAt,
    durationMs: (record.finishedAt ?? Date.now()) - record.startedAt,
    ...(record.message ? { message: record.message } : {}),
    datasets: record
      .datasets()
      .map((d) => ({ name: d.name, kind: d.kind, state: d.state, rows: d.rows, durationMs: d.durationMs })),
    quality: (summary?.quality ?? []).flatMap((d) =>
      d.results.map((r): ApiCheckOutcome => ({
        dataset: d.dataset,
        check: r.check.name,
        kind: r.check.kind,
        severity: r.check.kind === 'expect' ? (r.check.action === 'fail' ? 'error' : 'warn') : r.check.severity,
        status: r.status,
        failing: r.failing,
        checked: r.checked,
        message: r.message,
      })),
    ),
  };
}

function qualityRun(run: QualityRun): ApiQualityRun {
  return {
    source: run.source,
    at: run.at,
    checks: run.datasets.flatMap((d) =>
      d.checks.map((c) => ({
        dataset: d.dataset,
        check: c.name,
        kind: c.kind,
        severity: c.severity,
        status: c.status,
        failing: c.failing,
        checked: c.checked,
        message: c.message,
      })),
    ),
  };
}
