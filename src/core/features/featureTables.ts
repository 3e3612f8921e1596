import type { QualityCheck } from '../quality/qualityChecks.js';
import { nameParts } from '../sql/sqlText.js';
import { codeStart } from '../sql/statementAtCursor.js';
import { splitSqlStatements } from '../sql/statementSplitter.js';

/**
 * A feature table: a pipeline dataset whose table properties name its entity keys and its timestamp,
 * so that any tool reading the catalog knows them:
 *
 *   CREATE MATERIALIZED VIEW customer_features
 *   TBLPROPERTIES ('feature_table.keys' = 'customer_id', 'feature_table.timestamp' = 'feature_time')
 *   AS SELECT …
 *
 * (in Python: `@dp.materialized_view(table_properties={…})`).
 */
export const FEATURE_KEYS_PROPERTY = 'feature_table.keys';
export const FEATURE_TIMESTAMP_PROPERTY = 'feature_table.timestamp';

export interface FeatureTableDeclaration {
  readonly dataset: string;
  readonly keys: readonly string[];
  readonly timestamp: string;
  /** Where it is declared: the keys property in a SQL file, the decorator's line in Python. */
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export interface FeatureTableProblem {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** The feature table a dataset's properties declare, if they do (keys without a timestamp is a problem). */
export function featureTableOf(
  properties: Readonly<Record<string, string>>,
): { keys: string[]; timestamp: string } | { problem: string } | undefined {
  const keys = properties[FEATURE_KEYS_PROPERTY];
  const timestamp = properties[FEATURE_TIMESTAMP_PROPERTY];
  if (keys === undefined && timestamp === undefined) return undefined;
  const names = (keys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (!names.length) return { problem: `A feature table names its entity keys: '${FEATURE_KEYS_PROPERTY}' = 'customer_id'.` };
  if (!timestamp?.trim())
    return { problem: `A feature table names its timestamp column: '${FEATURE_TIMESTAMP_PROPERTY}' = 'feature_time'.` };
  return { keys: names, timestamp: timestamp.trim() };
}

const CREATE =
  /^\s*CREATE\s+(?:OR\s+REFRESH\s+)?(?:PRIVATE\s+)?(?:MATERIALIZED\s+VIEW|STREAMING\s+TABLE)\s+((?:`(?:[^`]|``)*`|[\w.])+)/i;
const PROPERTIES = /\bTBLPROPERTIES\s*\(/gi;
const PAIR = /'((?:[^'\\]|\\.)*)'\s*=\s*'((?:[^'\\]|\\.)*)'/g;

/** The feature tables a SQL definition file declares, and the mistakes in their properties. */
export function sqlFeatureTables(
  file: string,
  text: string,
): { tables: FeatureTableDeclaration[]; problems: FeatureTableProblem[] } {
  const tables: FeatureTableDeclaration[] = [];
  const problems: FeatureTableProblem[] = [];
  for (const statement of splitSqlStatements(text)) {
    // From the statement's code: comments before it are not part of the CREATE.
    const from = codeStart(statement);
    const found = statementFeatureTable(text.slice(from, statement.end));
    if (!found) continue;
    const at = { start: from + found.start, end: from + found.end };
    if ('problem' in found.declared) problems.push({ file, ...at, message: found.declared.problem });
    else tables.push({ dataset: found.dataset, ...found.declared, file, ...at });
  }
  return { tables, problems };
}

/**
 * The feature table one CREATE statement declares in its TBLPROPERTIES, with where its keys property
 * is (offsets in the statement), if it declares one.
 */
export function statementFeatureTable(
  statement: string,
): { dataset: string; declared: NonNullable<ReturnType<typeof featureTableOf>>; start: number; end: number } | undefined {
  const created = CREATE.exec(statement);
  if (!created) return undefined;
  PROPERTIES.lastIndex = 0;
  const clause = PROPERTIES.exec(statement);
  if (!clause) return undefined;
  const bodyStart = clause.index + clause[0].length;
  const properties: Record<string, string> = {};
  let at = { start: clause.index, end: bodyStart };
  for (const pair of statement.slice(bodyStart, closingParenthesis(statement, bodyStart)).matchAll(PAIR)) {
    properties[pair[1]!] = pair[2]!;
    if (pair[1] === FEATURE_KEYS_PROPERTY) at = { start: bodyStart + pair.index, end: bodyStart + pair.index + pair[0].length };
  }
  const declared = featureTableOf(properties);
  return declared && { dataset: nameParts(created[1]!).join('.'), declared, ...at };
}

/** Where the properties' parenthesis closes (quotes skipped), or the end of the text. */
function closingParenthesis(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      for (i++; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return text.length;
}

/**
 * The checks a feature table brings with it, reported like the others at its declaration: every key and
 * the timestamp present, and one row per entity and timestamp.
 */
export function featureTableChecks(table: FeatureTableDeclaration): QualityCheck[] {
  const base = {
    dataset: table.dataset,
    severity: 'error' as const,
    mostly: 1,
    location: { file: table.file, start: table.start, end: table.end },
  };
  return [
    ...[...table.keys, table.timestamp].map((column): QualityCheck => ({
      ...base,
      kind: 'not_null',
      column,
      name: `feature_${column}_present`,
      description: `A feature table's ${column === table.timestamp ? 'timestamp' : 'entity key'} is never NULL.`,
    })),
    {
      ...base,
      kind: 'unique',
      columns: [...table.keys, table.timestamp],
      name: 'feature_keys_unique',
      description: `One row per ${table.keys.join(', ')} and ${table.timestamp}.`,
    },
  ];
}
