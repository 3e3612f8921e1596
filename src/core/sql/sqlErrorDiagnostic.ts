import type { SparkError } from '../connect/sparkError.js';
import { conciseSparkMessage } from './conciseMessage.js';
import { locateInScript, type TextSpan } from './errorLocation.js';
import type { SqlStatement } from './statementSplitter.js';
import { codeStart } from './statementAtCursor.js';

/** A failed statement's error as the editor shows it: where, what, and the error class's documentation. */
export interface SqlErrorDiagnostic extends TextSpan {
  readonly message: string;
  readonly errorClass?: string;
  readonly documentation?: string;
}

/**
 * Where a statement's error belongs in its file and how it reads: the span Spark points at (analysis
 * errors from the query context, parse errors from line and position) shifted by the statement's
 * offset, or the statement's first line when Spark points nowhere; the message with the SQLSTATE and
 * Spark's suggestion ("Did you mean …"), which Spark's own wording carries.
 */
export function sqlErrorDiagnostic(script: string, statement: SqlStatement, error: SparkError): SqlErrorDiagnostic {
  const span = locateInScript(statement, error) ?? firstLineOf(script, statement);
  const message = conciseSparkMessage(error.message, error.errorClass);
  const state = error.sqlState ? ` (SQLSTATE ${error.sqlState})` : '';
  return {
    ...span,
    message: `${message}${state}`,
    errorClass: error.errorClass,
    documentation: errorClassDocumentation(error.errorClass),
  };
}

function firstLineOf(script: string, statement: SqlStatement): TextSpan {
  const start = codeStart(statement);
  const newline = script.indexOf('\n', start);
  const end = Math.min(statement.end, newline === -1 ? script.length : newline);
  return { start, end: Math.max(end, start + 1) };
}

/**
 * The documentation page of an error class: Spark documents every class of its error-conditions list
 * on one page, one heading per class (a sub-class such as UNRESOLVED_COLUMN.WITH_SUGGESTION under its
 * class). Internal errors and classless errors have none.
 */
export function errorClassDocumentation(errorClass: string | undefined): string | undefined {
  if (!errorClass || !/^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)*$/.test(errorClass) || errorClass.startsWith('INTERNAL_ERROR'))
    return undefined;
  const main = errorClass.split('.')[0]!;
  return `https://spark.apache.org/docs/latest/sql-error-conditions.html#${main.toLowerCase()}`;
}
