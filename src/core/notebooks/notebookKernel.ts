import { fromBinary } from '@bufbuild/protobuf';
import type { RecordBatch, Schema } from 'apache-arrow';
import { PlanSchema } from '../../generated/spark/connect/base_pb.js';
import type { ExecutionProgress, QueryExecution, ResultEvent } from '../connect/queryExecution.js';
import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { asSparkError, SparkError } from '../connect/sparkError.js';
import type { PythonHelper } from '../python/pythonHelper.js';
import { conciseSparkMessage } from '../sql/conciseMessage.js';
import { isQuery, returnsRows } from '../sql/resultStatements.js';
import { parameterNames, parseParameterValue, type SqlParameterValue } from '../sql/sqlParameters.js';
import { splitSqlStatements, type SqlStatement } from '../sql/statementSplitter.js';
import { arrowCellOutput, type ArrowCellOutput } from './arrowCellOutput.js';
import { cellSource } from './cellSource.js';

/** What the helper's shell sends for a Spark DataFrame: its plan, which this side runs. */
const PLAN_MIME = 'application/vnd.spark-workbench.plan+json';

/** One output of a running cell, in the order it came. */
export type CellOutput =
  | { readonly kind: 'stream'; readonly name: 'stdout' | 'stderr'; readonly text: string }
  /** A MIME bundle: text types as strings, JSON types as values, images as base64 strings (as in .ipynb). */
  | { readonly kind: 'rich'; readonly items: Readonly<Record<string, unknown>> }
  | { readonly kind: 'error'; readonly ename: string; readonly evalue: string; readonly traceback: readonly string[] }
  | { readonly kind: 'clear'; readonly wait: boolean };

export interface CellRunEvents {
  output(output: CellOutput): void;
  /** Live progress in words ("stage 2 of 3 · tasks 5/8 · 1,000 rows"). */
  progress(text: string): void;
}

export type CellRunStatus = 'ok' | 'error' | 'interrupted';

export interface CellRunResult {
  readonly status: CellRunStatus;
  readonly elapsedMs: number;
  /** A SQL statement of the cell that Spark refused: where, for a diagnostic in the cell. */
  readonly sqlFailure?: { readonly script: string; readonly statement: SqlStatement; readonly error: SparkError };
  /** SQL statements of the cell that ran without error (their diagnostics go). */
  readonly sqlSucceeded?: readonly SqlStatement[];
}

export interface NotebookKernelDependencies {
  /** The client of the editor's Spark session (connecting when needed). */
  client(): Promise<SparkConnectClient>;
  /** The window's Python helper, and the connection string that joins it to that client's session. */
  python(client: SparkConnectClient): Promise<{ readonly helper: PythonHelper; readonly remote: string }>;
  /** Rows a result keeps in the notebook. */
  storedRows(): number;
  /** A run failed: a dropped server or session marks the connection broken (the next run reconnects). */
  reportFailure?(error: SparkError): void;
  /** Reads an execution through the window's operation list (progress and cancel there too). */
  follow?(execution: QueryExecution, title: string): AsyncIterable<ResultEvent>;
}

interface RunningCell {
  readonly tag: string;
  interrupted: boolean;
  client?: SparkConnectClient;
  execution?: QueryExecution;
  helper?: PythonHelper;
}

let nextTag = 1;

/** How long an interrupt waits for Spark's answer before it interrupts the cell's Python code anyway. */
const PYTHON_INTERRUPT_AFTER_MS = 1_000;

/**
 * A notebook's kernel: runs its cells one at a time in the editor's Spark session, SQL through our
 * client and Python in the helper's IPython shell for this notebook, and interrupts the one running.
 * Every cell's Spark operations carry a tag of that cell, so interrupting stops that cell's work only.
 */
export class NotebookKernel {
  private running: RunningCell | undefined;
  /** The helper that holds this notebook's shell, once a Python cell or parameter used it. */
  private helper: PythonHelper | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** Names the notebook's shell in the helper. */
    readonly notebookId: string,
    private readonly deps: NotebookKernelDependencies,
  ) {}

  /**
   * Runs a cell after the ones before it; resolves when it ended, its outputs all delivered.
   * `executionCount` is the cell's order number, which Python's tracebacks then show ("Cell In[3]").
   */
  run(languageId: string, text: string, events: CellRunEvents, executionCount?: number): Promise<CellRunResult> {
    const result = this.queue.then(() => this.runNow(languageId, text, events, executionCount));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the cell that runs now: its Spark operations (by its tag) and its Python code. */
  interrupt(): void {
    const cell = this.running;
    if (!cell) return;
    cell.interrupted = true;
    cell.execution?.cancel();
    if (!cell.client) {
      cell.helper?.interrupt();
      return;
    }
    // Spark first, then Python: a KeyboardInterrupt in the middle of a pyspark call releases its
    // operation, and the jobs of a released operation run on for seconds (Spark cancels them late),
    // while an interrupt by tag stops them at once and pyspark's call then fails by itself.
    const sparkAnswered = cell.client.cancelTag(cell.tag);
    Promise.race([sparkAnswered, new Promise((resolve) => setTimeout(resolve, PYTHON_INTERRUPT_AFTER_MS))])
      .then(() => {
        if (this.running === cell) cell.helper?.interrupt();
      })
      .catch(() => undefined);
  }

  /** Forgets this notebook's Python variables (the helper process and the Spark session stay). */
  async forget(): Promise<void> {
    if (this.helper?.running) await this.helper.request('forgetNotebook', { notebook: this.notebookId }).catch(() => undefined);
  }

  private async runNow(
    languageId: string,
    text: string,
    events: CellRunEvents,
    executionCount: number | undefined,
  ): Promise<CellRunResult> {
    const started = Date.now();
    const cell: RunningCell = { tag: `spark-workbench-cell-${process.pid}-${nextTag++}`, interrupted: false };
    this.running = cell;
    const source = cellSource(languageId, text);
    try {
      const client = (cell.client = await this.deps.client());
      const result =
        source.kind === 'sql'
          ? await this.runSql(cell, client, source.script, events)
          : await this.runPython(cell, client, source.code, events, executionCount);
      return { ...result, elapsedMs: Date.now() - started };
    } catch (error) {
      const failure = asSparkError(error);
      this.deps.reportFailure?.(failure);
      const status: CellRunStatus = cell.interrupted ? 'interrupted' : 'error';
      events.output(errorOutput(cell.interrupted ? 'Interrupted' : (failure.errorClass ?? failure.kind), failure.message));
      return { status, elapsedMs: Date.now() - started };
    } finally {
      if (this.running === cell) this.running = undefined;
    }
  }

  private async runSql(
    cell: RunningCell,
    client: SparkConnectClient,
    script: string,
    events: CellRunEvents,
  ): Promise<Omit<CellRunResult, 'elapsedMs'>> {
    const statements = splitSqlStatements(script);
    const succeeded: SqlStatement[] = [];
    for (const [index, statement] of statements.entries()) {
      const args = await this.parameterValues(client, statement.text);
      const started = Date.now();
      const last = index === statements.length - 1;
      const options = { args, tags: [cell.tag], maxRows: this.deps.storedRows() + 1 };
      // A query is fetched in the request that runs it; other statements run as commands first.
      const execution = (cell.execution = isQuery(statement)
        ? client.query(statement.text, options)
        : client.sql(statement.text, options));
      try {
        const fetched = await this.fetch(execution, events, `Notebook: ${firstLine(statement.text)}`);
        succeeded.push(statement);
        if (fetched.schema && (returnsRows(statement) || (last && fetched.batches.length > 0))) {
          events.output(richOutput(this.resultOutput(fetched, Date.now() - started, statement.text)));
        }
      } catch (error) {
        const failure = asSparkError(error);
        // A client that failed for good ends its executions too: only a cancel is an interrupt.
        if (cell.interrupted || failure.kind === 'cancelled') {
          events.output(errorOutput('Interrupted', `The statement on line ${statement.line} was interrupted.`));
          return { status: 'interrupted', sqlSucceeded: succeeded };
        }
        this.deps.reportFailure?.(failure);
        events.output(
          errorOutput(failure.errorClass ?? 'SparkError', conciseSparkMessage(failure.message, failure.errorClass), [
            `Statement ${index + 1} of ${statements.length}, line ${statement.line}${failure.sqlState ? ` (SQLSTATE ${failure.sqlState})` : ''}`,
          ]),
        );
        return { status: 'error', sqlFailure: { script, statement, error: failure }, sqlSucceeded: succeeded };
      }
    }
    return { status: 'ok', sqlSucceeded: succeeded };
  }

  /** The values of a statement's `:name` markers: this notebook's Python variables of those names. */
  private async parameterValues(client: SparkConnectClient, sql: string): Promise<Record<string, SqlParameterValue> | undefined> {
    const names = [...new Set(parameterNames(sql))];
    if (names.length === 0) return undefined;
    const { helper } = await this.deps.python(client);
    this.helper = helper;
    const values = await helper.request<Record<string, { type: string; value?: unknown }>>('variableValues', {
      notebook: this.notebookId,
      names,
    });
    const args: Record<string, SqlParameterValue> = {};
    for (const name of names) {
      const value = values[name];
      if (!value) {
        throw new SparkError({
          kind: 'other',
          message: `The parameter :${name} has no value: set a Python variable named ${name} in this notebook first.`,
        });
      }
      args[name] = parameterOf(name, value);
    }
    return args;
  }

  private async runPython(
    cell: RunningCell,
    client: SparkConnectClient,
    code: string,
    events: CellRunEvents,
    executionCount: number | undefined,
  ): Promise<Omit<CellRunResult, 'elapsedMs'>> {
    const { helper, remote } = await this.deps.python(client);
    cell.helper = this.helper = helper;
    // Output is delivered in order: a DataFrame's rows are fetched before what the cell printed after it.
    let delivered: Promise<void> = Promise.resolve();
    const deliver = (work: () => Promise<void> | void) => {
      delivered = delivered.then(work).catch((error: unknown) => {
        const failure = asSparkError(error);
        this.deps.reportFailure?.(failure);
        events.output(errorOutput(cell.interrupted ? 'Interrupted' : (failure.errorClass ?? 'SparkError'), failure.message));
      });
    };
    let answer: { status: 'ok' | 'error'; error?: { ename: string; evalue: string; traceback: string[] } };
    try {
      answer = await helper.stream<typeof answer>(
        'executeCell',
        { remote, notebook: this.notebookId, code, tag: cell.tag, executionCount },
        (event) => deliver(() => this.pythonEvent(cell, client, event, events)),
      );
    } catch (error) {
      await delivered;
      if (!helper.running) {
        const reason = error instanceof Error ? error.message : String(error);
        events.output(
          errorOutput(
            'PythonProcessEnded',
            `${reason} This notebook's Python variables are gone; the next run starts a new Python process (run the cells it needs again).`,
          ),
        );
        return { status: cell.interrupted ? 'interrupted' : 'error' };
      }
      throw error;
    }
    await delivered;
    if (answer.error) {
      events.output({ kind: 'error', ename: answer.error.ename, evalue: answer.error.evalue, traceback: answer.error.traceback });
      return { status: cell.interrupted || answer.error.ename === 'KeyboardInterrupt' ? 'interrupted' : 'error' };
    }
    return { status: answer.status === 'ok' ? 'ok' : 'error' };
  }

  private async pythonEvent(cell: RunningCell, client: SparkConnectClient, event: unknown, events: CellRunEvents): Promise<void> {
    if (typeof event !== 'object' || event === null) return;
    const e = event as { type?: unknown; name?: unknown; text?: unknown; data?: unknown; wait?: unknown };
    if (e.type === 'stream' && typeof e.text === 'string') {
      events.output({ kind: 'stream', name: e.name === 'stderr' ? 'stderr' : 'stdout', text: e.text });
    } else if (e.type === 'progress') {
      events.progress(describeCellProgress(e as unknown as ExecutionProgress, 0));
    } else if (e.type === 'clear') {
      events.output({ kind: 'clear', wait: e.wait === true });
    } else if (e.type === 'display' && typeof e.data === 'object' && e.data !== null) {
      const data = e.data as Record<string, unknown>;
      const plan = (data[PLAN_MIME] as { plan?: unknown } | undefined)?.plan;
      if (typeof plan === 'string') {
        events.output(richOutput(await this.dataFrameOutput(cell, client, plan, events)));
      } else {
        events.output({ kind: 'rich', items: data });
      }
    }
  }

  /** A DataFrame the Python cell displayed: its plan run by our client, shown like a SQL result. */
  private async dataFrameOutput(
    cell: RunningCell,
    client: SparkConnectClient,
    plan: string,
    events: CellRunEvents,
  ): Promise<ArrowCellOutput> {
    const started = Date.now();
    const execution = (cell.execution = client.execute(fromBinary(PlanSchema, Buffer.from(plan, 'base64')), {
      tags: [cell.tag],
      maxRows: this.deps.storedRows() + 1,
    }));
    return this.resultOutput(await this.fetch(execution, events, 'Notebook: DataFrame'), Date.now() - started);
  }

  private async fetch(execution: QueryExecution, events: CellRunEvents, title: string): Promise<Fetched> {
    const fetched: Fetched = { schema: undefined, batches: [], rows: 0 };
    let progress: ExecutionProgress | undefined;
    for await (const event of this.deps.follow?.(execution, title) ?? execution) {
      if (event.type === 'schema') fetched.schema = event.schema;
      else if (event.type === 'batch') {
        fetched.schema ??= event.batch.schema;
        fetched.batches.push(event.batch);
        fetched.rows += event.batch.numRows;
      } else if (event.type === 'progress') progress = event.progress;
      else continue;
      events.progress(describeCellProgress(progress, fetched.rows));
    }
    return fetched;
  }

  private resultOutput(fetched: Fetched, elapsedMs: number, sql?: string): ArrowCellOutput {
    const storedRows = this.deps.storedRows();
    return arrowCellOutput(fetched.schema!, fetched.batches, {
      storedRows,
      complete: fetched.rows <= storedRows,
      elapsedMs,
      sql,
    });
  }
}

interface Fetched {
  schema: Schema | undefined;
  batches: RecordBatch[];
  rows: number;
}

function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() && !l.trim().startsWith('--')) ?? sql;
  return line.trim().slice(0, 80);
}

function richOutput(items: ArrowCellOutput): CellOutput {
  return { kind: 'rich', items: items as unknown as Record<string, unknown> };
}

/** An error of our own (not Python's): the traceback starts with the message, as Jupyter shows only the traceback. */
function errorOutput(ename: string, evalue: string, details: readonly string[] = []): CellOutput {
  return { kind: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`, ...details] };
}

/** A Python value (as the helper describes it) as a typed SQL parameter. */
function parameterOf(name: string, value: { type: string; value?: unknown }): SqlParameterValue {
  switch (value.type) {
    case 'null':
      return { type: 'null' };
    case 'boolean':
      return { type: 'boolean', value: value.value === true };
    case 'integer':
      return { type: 'long', value: BigInt(String(value.value)) };
    case 'double':
      return { type: 'double', value: Number(value.value) };
    case 'string':
      return { type: 'string', value: String(value.value) };
    case 'decimal':
    case 'date':
    case 'timestamp': {
      const parsed = parseParameterValue(String(value.value).replace('T', ' '));
      if (parsed.type !== 'string') return parsed;
    }
  }
  throw new SparkError({
    kind: 'other',
    message: `The Python variable ${name} (${value.type === 'unsupported' ? String(value.value) : value.type}) cannot be a SQL parameter: use a number, text, bool, date, datetime, Decimal or None.`,
  });
}

export function describeCellProgress(progress: ExecutionProgress | undefined, rows: number): string {
  const parts: string[] = [];
  if (progress && progress.stages.length > 0) {
    const done = progress.stages.filter((s) => s.done).length;
    const tasks = progress.stages.reduce((sum, s) => sum + s.numTasks, 0);
    const completed = progress.stages.reduce((sum, s) => sum + s.completedTasks, 0);
    parts.push(`stages ${done}/${progress.stages.length}`, `tasks ${completed}/${tasks}`);
    if (progress.inflightTasks > 0) parts.push(`${progress.inflightTasks} running`);
  }
  if (rows > 0) parts.push(`${rows.toLocaleString('en-US')} rows`);
  return parts.join(' · ');
}
