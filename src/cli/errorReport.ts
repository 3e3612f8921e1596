import { ConnectionStringError } from '../core/connect/connectionString.js';
import { explainFailure } from '../core/connect/failureExplanation.js';
import { SparkError } from '../core/connect/sparkError.js';
import { PrerequisiteError } from '../core/localSpark/prerequisites.js';
import { conciseSparkMessage } from '../core/sql/conciseMessage.js';
import { lineColumnOf, locateInScript } from '../core/sql/errorLocation.js';
import type { SqlStatement } from '../core/sql/statementSplitter.js';

/** Exit statuses, so scripts can tell a bad query from a missing server. */
export const EXIT = {
  ok: 0,
  sparkError: 1,
  usage: 2,
  connection: 3,
  cancelled: 130,
} as const;

/** A command given wrongly (an unknown environment, options that go separately): exit status 2. */
export class UsageError extends Error {}

/** The SQL an error came from: a statement of a script (a file, or the command line's text). */
export interface ErrorSource {
  readonly script: string;
  readonly statement: Pick<SqlStatement, 'text' | 'start'>;
  /** The script's file, for a `FILE:LINE:COL:` line editors' problem matchers and CI logs point at. */
  readonly path?: string;
}

/**
 * The error as a terminal shows it: with a file, first `FILE:LINE:COL: ERROR_CLASS message` (1-based,
 * the range the editor's diagnostic has); then class and SQL state, the message, and the SQL line with a
 * caret. A failure Spark words badly gets an explanation first; `verbose` adds Spark's own message.
 */
export function describeError(error: unknown, from?: ErrorSource | string, verbose = false): { text: string; exitCode: number } {
  const source: ErrorSource | undefined = typeof from === 'string' ? { script: from, statement: { text: from, start: 0 } } : from;
  if (error instanceof SparkError) {
    const head = error.errorClass ? `error[${error.errorClass}]` : 'error';
    const state = error.sqlState ? ` (SQLSTATE ${error.sqlState})` : '';
    const explanation = error.kind === 'spark' || error.kind === 'other' ? explainFailure(error) : undefined;
    const message = explanation
      ? `${explanation.title}. ${explanation.advice}${verbose ? '' : ' (--verbose shows the message from Spark)'}`
      : conciseMessage(error.message, error.errorClass);
    const lines = [`${head}: ${message}${state}`];
    if (explanation && verbose) lines.push(`Spark said: ${error.message}`);
    else if (verbose && error.message !== message) lines.push(`Spark said: ${error.message}`);
    const span = source && locateInScript(source.statement, error);
    if (source?.path) {
      const at = lineColumnOf(source.script, span?.start ?? source.statement.start);
      lines.unshift(
        `${source.path}:${at.line}:${at.column}: ${error.errorClass ?? 'ERROR'} ${conciseMessage(error.message, error.errorClass)}`,
      );
    }
    if (source && span) {
      const sqlText = source.script;
      const { line, column } = lineColumnOf(sqlText, span.start);
      const lineText = sqlText.split(/\r?\n/)[line - 1] ?? '';
      const width = Math.max(1, Math.min(span.end - span.start, lineText.length - column + 1));
      const gutter = String(line).length;
      lines.push(`${' '.repeat(gutter)}--> line ${line}, column ${column}`);
      lines.push(`${line} | ${lineText}`);
      lines.push(`${' '.repeat(gutter)} | ${' '.repeat(column - 1)}${'^'.repeat(width)}`);
    }
    const exitCode =
      error.kind === 'cancelled'
        ? EXIT.cancelled
        : ['unavailable', 'serverStopped', 'unauthenticated', 'sessionChanged', 'deadlineExceeded'].includes(error.kind)
          ? EXIT.connection
          : EXIT.sparkError;
    return { text: lines.join('\n'), exitCode };
  }
  if (error instanceof ConnectionStringError)
    return {
      text: `error: invalid --remote URL (${error.part}): ${error.message}`,
      exitCode: EXIT.usage,
    };
  if (error instanceof UsageError) return { text: `error: ${error.message}`, exitCode: EXIT.usage };
  if (error instanceof PrerequisiteError) return { text: `error: ${error.message}`, exitCode: EXIT.connection };
  return {
    text: `error: ${error instanceof Error ? error.message : String(error)}`,
    exitCode: EXIT.sparkError,
  };
}

/** Spark's message without what is printed beside it (class, SQL state) or after it (plans). */
export const conciseMessage = conciseSparkMessage;
