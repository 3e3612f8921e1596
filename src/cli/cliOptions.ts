import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_CONNECT_PORT } from '../core/localSpark/pinnedVersions.js';
import { parseParameterValue, type SqlParameterValue } from '../core/sql/sqlParameters.js';
import { EXIT } from './errorReport.js';

/** The options several commands share, and the parsers of their values. */

export function portOption(): Option {
  return new Option('--port <port>', 'port of the local server on 127.0.0.1')
    .default(DEFAULT_CONNECT_PORT)
    .argParser(parsePositiveInt);
}

export function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

export function retryTimeoutOption(): Option {
  return new Option(
    '--retry-timeout <seconds>',
    "give up on a server that does not answer after this long, retries included; 0: no limit of our own (default: 60 in a terminal, PySpark's ten-minute budget otherwise)",
  ).argParser(parseNonNegativeInt);
}

export function reportOption(): Option {
  return new Option(
    '--report <format>',
    'also write a report: an HTML page (opens offline), or the data-quality results as SARIF 2.1.0 (code scanning), JUnit XML or JSON (needs --out)',
  ).choices(['html', 'sarif', 'junit', 'json']);
}

export function collectParam(value: string, previous: Record<string, SqlParameterValue>): Record<string, SqlParameterValue> {
  const match = /^([A-Za-z_]\w*)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError('expected name=value');
  try {
    return { ...previous, [match[1]!]: parseParameterValue(match[2]!) };
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}

export function remoteOption(): Option {
  return new Option(
    '--remote <url>',
    'Spark Connect URL, sc://host:port/;token=… (default: $SPARK_REMOTE, else the local server)',
  );
}

export function targetOption(): Option {
  return new Option(
    '--target <environment>',
    'an environment of spark-workbench.yml: its Spark server (token from $SPARK_WORKBENCH_TOKEN_<NAME>), catalog, schema, settings and variables (default: the one marked default there)',
  );
}

/** A data-quality report is written to a file: --report and --out come together or not at all. */
export function requireReportWithOut(options: { readonly report?: string; readonly out?: string }, command: Command): void {
  if (Boolean(options.report) !== Boolean(options.out))
    command.error('error: --report and --out go together', { exitCode: EXIT.usage });
}
