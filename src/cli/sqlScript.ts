import { JsonArrayWriter, type TextSink } from '../core/arrow/resultFormatters.js';
import type { SparkConnectClient } from '../core/connect/sparkConnectClient.js';
import { parameterNames, type SqlParameterValue } from '../core/sql/sqlParameters.js';
import { splitSqlStatements, type SqlStatement } from '../core/sql/statementSplitter.js';
import type { ErrorSource } from './errorReport.js';
import { writeResult, type OutputFormat } from './resultOutput.js';

export interface SqlScript {
  readonly text: string;
  /** The file it came from (`sql --file`). */
  readonly path?: string;
}

/** A statement of a script failed: the error, and where in the script it happened. */
export class ScriptStatementError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly source: ErrorSource,
    readonly index: number,
    readonly count: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Runs a script's statements in order in one Spark session (a temp view made by one is seen by the
 * next), stopping at the first failure. Results print as they come: a table per statement that returns
 * columns, JSON Lines (one JSON array per statement, the last line the final result), or the final
 * statement's CSV (one table is what a CSV reader expects).
 */
export async function runSqlScript(
  client: SparkConnectClient,
  script: SqlScript,
  options: {
    readonly format: OutputFormat;
    readonly limit?: number;
    readonly params?: Readonly<Record<string, SqlParameterValue>>;
    readonly signal: AbortSignal;
  },
  sink: TextSink,
): Promise<void> {
  const statements = splitSqlStatements(script.text);
  if (statements.length === 0) throw new Error(`${script.path ?? 'The query'} holds no SQL statement.`);
  for (const [index, statement] of statements.entries()) {
    const last = index === statements.length - 1;
    try {
      const execution = client.sql(statement.text, {
        signal: options.signal,
        maxRows: last ? options.limit : undefined,
        args: argsFor(statement, options.params),
      });
      if (options.format === 'json') await writeJsonLine(execution, sink);
      else if (options.format === 'csv' && !last) for await (const _ of execution) void _;
      else await writeResult(execution, options.format, sink);
    } catch (error) {
      throw new ScriptStatementError(error, { script: script.text, statement, path: script.path }, index, statements.length);
    }
  }
}

/** The parameters a statement uses; asking for one that was not given is Spark's error to report. */
function argsFor(
  statement: SqlStatement,
  params: Readonly<Record<string, SqlParameterValue>> | undefined,
): Record<string, SqlParameterValue> | undefined {
  if (!params) return undefined;
  const used = parameterNames(statement.text).filter((name) => name in params);
  return used.length ? Object.fromEntries(used.map((name) => [name, params[name]!])) : undefined;
}

async function writeJsonLine(execution: ReturnType<SparkConnectClient['sql']>, sink: TextSink): Promise<void> {
  const writer = new JsonArrayWriter(sink, { lines: true });
  for await (const event of execution) if (event.type === 'batch') writer.writeBatch(event.batch);
  writer.end();
}
