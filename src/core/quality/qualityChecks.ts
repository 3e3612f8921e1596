export type QualitySeverity = 'warn' | 'error';

/** Offsets [start, end) into a file's text. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

/** Where a check is declared: a quality file's item, a `CONSTRAINT … EXPECT` clause, a decorator. */
export interface CheckLocation extends SourceRange {
  /** As the declaring side names it (a pipeline's files are relative to its spec). */
  readonly file: string;
}

interface CheckBase {
  /** The dataset it checks, as written (a pipeline dataset or a table). */
  readonly dataset: string;
  readonly name: string;
  readonly severity: QualitySeverity;
  /** The fraction of checked rows that must pass (Great Expectations' `mostly`); 1 for all. */
  readonly mostly: number;
  readonly description?: string;
  readonly location: CheckLocation;
}

/** What happens to a row that violates a row expectation (Lakeflow's `ON VIOLATION`). */
export type ViolationAction = 'keep' | 'drop' | 'fail';

export type QualityCheck = CheckBase &
  (
    | { readonly kind: 'not_null'; readonly column: string }
    | { readonly kind: 'unique'; readonly columns: readonly string[] }
    | {
        readonly kind: 'accepted_values';
        readonly column: string;
        readonly values: readonly (string | number | boolean | null)[];
      }
    | {
        readonly kind: 'between';
        readonly column: string;
        readonly min?: number | string;
        readonly max?: number | string;
        readonly strict: boolean;
      }
    | { readonly kind: 'regex'; readonly column: string; readonly pattern: string }
    | { readonly kind: 'references'; readonly column: string; readonly target: string; readonly targetColumn: string }
    | { readonly kind: 'row_count'; readonly min?: number; readonly max?: number }
    | { readonly kind: 'schema'; readonly columns: readonly { readonly name: string; readonly type?: string }[] }
    | { readonly kind: 'freshness'; readonly column: string; readonly maxAgeSeconds: number; readonly maxAge: string }
    | { readonly kind: 'sql'; readonly condition: string }
    /** A row expectation: `CONSTRAINT name EXPECT (expression) [ON VIOLATION …]` or `@dp.expect…`. */
    | { readonly kind: 'expect'; readonly expression: string; readonly action: ViolationAction }
  );

export type QualityCheckKind = QualityCheck['kind'];

/** Checks that count failing rows among the rows they check (and so have a `mostly`). */
export const ROW_CHECK_KINDS: readonly QualityCheckKind[] = [
  'not_null',
  'unique',
  'accepted_values',
  'between',
  'regex',
  'references',
  'expect',
];

export function isRowCheck(check: QualityCheck): boolean {
  return ROW_CHECK_KINDS.includes(check.kind);
}

/** The columns a check names (validated against the dataset's schema before it runs). */
export function columnsOf(check: QualityCheck): readonly string[] {
  switch (check.kind) {
    case 'unique':
      return check.columns;
    case 'not_null':
    case 'accepted_values':
    case 'between':
    case 'regex':
    case 'references':
    case 'freshness':
      return [check.column];
    default:
      return [];
  }
}

/** A short account of what a check asks, for reports and hovers. */
export function describeCheck(check: QualityCheck): string {
  const range = (min: unknown, max: unknown, strict: boolean) =>
    min !== undefined && max !== undefined
      ? `${strict ? 'strictly ' : ''}between ${String(min)} and ${String(max)}`
      : min !== undefined
        ? `${strict ? '>' : '≥'} ${String(min)}`
        : `${strict ? '<' : '≤'} ${String(max)}`;
  switch (check.kind) {
    case 'not_null':
      return `${check.column} is not null`;
    case 'unique':
      return `${check.columns.join(', ')} ${check.columns.length > 1 ? 'are unique together' : 'is unique'}`;
    case 'accepted_values':
      return `${check.column} in (${check.values.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'between':
      return `${check.column} ${range(check.min, check.max, check.strict)}`;
    case 'regex':
      return `${check.column} matches /${check.pattern}/`;
    case 'references':
      return `${check.column} is present in ${check.target}.${check.targetColumn}`;
    case 'row_count':
      return `row count ${range(check.min, check.max, false)}`;
    case 'schema':
      return `columns ${check.columns.map((c) => (c.type ? `${c.name} ${c.type}` : c.name)).join(', ')}`;
    case 'freshness':
      return `newest ${check.column} at most ${check.maxAge} old`;
    case 'sql':
      return check.condition;
    case 'expect':
      return check.expression;
  }
}
