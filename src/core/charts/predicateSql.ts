import { effectiveStorage, type ChartField, type FieldStorage } from './chartFields.js';
import { dateTimeMillisSql, isDateTime } from './dateTimeSql.js';
import { booleanLiteral, doubleLiteral, stringLiteral } from '../sql/sqlText.js';
import { floorPartsSql, instantSql, parseTimeUnit, wallClockSql } from './timeUnitSql.js';
import { isRecord, unsupported } from './unsupportedChart.js';

/**
 * Vega-Lite filter predicates as a Spark SQL condition with the same result row by row. Vega-Lite
 * compiles a field predicate to a JavaScript comparison after parsing the field by the type of the
 * predicate's value, so this reproduces JavaScript's rules: === never converts types, < and > turn
 * null into 0, NaN compares false, and Vega parses '' to null. Every condition is two-valued (never
 * NULL), so NOT behaves like JavaScript's !.
 */

export interface ResolvedColumn {
  readonly field: ChartField;
  /** The quoted column reference. */
  readonly sql: string;
}

export interface PredicateContext {
  readonly resolve: (field: unknown) => ResolvedColumn;
  /** The chart's time zone: Vega reads local date parts in the zone its page runs in. */
  readonly timeZone: string;
}

type Parse = 'number' | 'string' | 'date' | undefined;

/** The condition for a filter transform's `filter`: a field predicate or and/or/not of them. */
export function filterConditionSql(filter: unknown, context: PredicateContext): string {
  const parses = implicitParses(filter, context);
  return conditionSql(filter, context, parses);
}

function conditionSql(filter: unknown, context: PredicateContext, parses: Map<string, Parse>): string {
  if (typeof filter === 'string') unsupported('filter expressions (strings) are not translated to SQL');
  if (!isRecord(filter)) unsupported('a filter must be a predicate object');
  if (Array.isArray(filter.and))
    return joined(
      filter.and.map((f) => conditionSql(f, context, parses)),
      'AND',
      'TRUE',
    );
  if (Array.isArray(filter.or))
    return joined(
      filter.or.map((f) => conditionSql(f, context, parses)),
      'OR',
      'FALSE',
    );
  if ('not' in filter) return `(NOT ${conditionSql(filter.not, context, parses)})`;
  if ('param' in filter) unsupported('filters on selection parameters depend on the page');
  if (filter.field === undefined) unsupported(`unknown filter ${JSON.stringify(filter)}`);
  return fieldPredicateSql(filter, context, parses);
}

function joined(parts: string[], operator: string, empty: string): string {
  return parts.length === 0 ? empty : `(${parts.join(` ${operator} `)})`;
}

/** The JavaScript value (after Vega-Lite's parse) that a field predicate compares, as SQL. */
interface Operand {
  readonly sql: string;
  readonly kind: 'number' | 'string' | 'boolean' | 'date';
  /** NaN compares false in JavaScript but sorts above every number in Spark. */
  readonly mayBeNaN: boolean;
}

const OPERATORS = ['equal', 'lt', 'lte', 'gt', 'gte', 'range', 'oneOf', 'in', 'valid'] as const;

function fieldPredicateSql(predicate: Record<string, unknown>, context: PredicateContext, parses: Map<string, Parse>): string {
  const operators = OPERATORS.filter((key) => predicate[key] !== undefined);
  if (operators.length !== 1) unsupported(`the filter ${JSON.stringify(predicate)} needs exactly one operator`);
  const operator = operators[0]!;
  const column = context.resolve(predicate.field);
  const hasTimeUnit = predicate.timeUnit !== undefined;
  const operand = hasTimeUnit
    ? timeUnitOperand(predicate.timeUnit, column, context)
    : parsedOperand(column, parses.get(String(predicate.field)));
  const literal = (value: unknown) => literalFor(value, operand, predicate.timeUnit, context);

  switch (operator) {
    case 'equal':
      return equalitySql(operand, [predicate.equal], literal);
    case 'oneOf':
    case 'in': {
      const values = predicate[operator];
      if (!Array.isArray(values)) unsupported('oneOf needs an array');
      return equalitySql(operand, values, literal);
    }
    case 'lt':
      return comparisonSql(operand, '<', literal(predicate.lt));
    case 'lte':
      return comparisonSql(operand, '<=', literal(predicate.lte));
    case 'gt':
      return comparisonSql(operand, '>', literal(predicate.gt));
    case 'gte':
      return comparisonSql(operand, '>=', literal(predicate.gte));
    case 'range':
      return rangeSql(operand, predicate.range, literal);
    case 'valid':
      if (hasTimeUnit) unsupported('a valid filter with a time unit');
      return predicate.valid ? validSql(operand, column) : `(NOT ${validSql(operand, column)})`;
  }
}

/** A predicate value: its SQL, and its JavaScript value unless only SQL knows it (a date-time). */
interface Literal {
  readonly sql: string;
  readonly js: number | string | boolean | null | undefined;
  /** True when === can never hold: a value of another type, or any value against a Date object. */
  readonly neverEqual: boolean;
}

function literalFor(value: unknown, operand: Operand, timeUnit: unknown, context: PredicateContext): Literal {
  if (value === null) return { js: null, sql: 'NULL', neverEqual: false };
  if (isRecord(value) && ('signal' in value || 'expr' in value)) unsupported('filter values from signals or expressions');
  if (timeUnit !== undefined || operand.kind === 'date') {
    // Vega-Lite compares time() of both sides: milliseconds. Without a time unit the field side is a
    // Date object, which === never matches but < and > convert to milliseconds.
    const neverEqual = timeUnit === undefined;
    if (isDateTime(value)) return { js: undefined, sql: dateTimeMillisSql(value, context.timeZone), neverEqual };
    const unit = timeUnit === undefined ? undefined : parseTimeUnit(timeUnit);
    const single = typeof unit === 'object' && unit.parts.length === 1 && !unit.utc ? unit.parts[0]! : undefined;
    if (
      single &&
      ((typeof value === 'number' && value < 10000) || (typeof value === 'string' && Number.isNaN(Date.parse(value))))
    )
      return { js: undefined, sql: dateTimeMillisSql({ [single]: value }, context.timeZone), neverEqual };
    if (typeof value === 'number') return { js: value, sql: doubleLiteral(value), neverEqual };
    unsupported(`the date ${JSON.stringify(value)} is read in the page's time zone by the JavaScript date parser`);
  }
  if (isDateTime(value)) unsupported('a date-time value on a field that is not a date');
  if (typeof value === 'number') return { js: value, sql: doubleLiteral(value), neverEqual: operand.kind !== 'number' };
  if (typeof value === 'string') return { js: value, sql: stringLiteral(value), neverEqual: operand.kind !== 'string' };
  if (typeof value === 'boolean') return { js: value, sql: booleanLiteral(value), neverEqual: operand.kind !== 'boolean' };
  return unsupported(`the filter value ${JSON.stringify(value)}`);
}

/** === against one value, or indexof() against several: no type conversion, NaN matches nothing. */
function equalitySql(operand: Operand, values: readonly unknown[], literal: (value: unknown) => Literal): string {
  const literals = values.map(literal);
  const comparable = literals.filter((l) => l.js !== null && !l.neverEqual).map((l) => l.sql);
  const parts: string[] = [];
  if (comparable.length === 1) parts.push(`coalesce(${operand.sql} = ${comparable[0]}, FALSE)`);
  else if (comparable.length > 1) parts.push(`coalesce(${operand.sql} IN (${comparable.join(', ')}), FALSE)`);
  if (literals.some((l) => l.js === null)) parts.push(`${operand.sql} IS NULL`);
  return joined(parts, 'OR', 'FALSE');
}

type Comparison = '<' | '<=' | '>' | '>=';

/** JavaScript's relational operators, on the values they would meet here. */
function compareInJavaScript(left: unknown, operator: Comparison, right: unknown): boolean {
  const [l, r] = [left as number, right as number];
  switch (operator) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
  }
}

function comparisonSql(operand: Operand, operator: Comparison, literal: Literal): string {
  const numeric = operand.kind === 'number' || operand.kind === 'date';
  const sameKind =
    literal.js === undefined
      ? numeric
      : (operand.kind === 'string' && typeof literal.js === 'string') || (numeric && typeof literal.js === 'number');
  if (!sameKind) unsupported(`comparing a ${operand.kind} field with ${JSON.stringify(literal.js)}`);
  // A missing value is null, which JavaScript compares as the number 0: the outcome is a constant,
  // worked out here when the literal is known, else by Spark.
  const nullCase =
    literal.js === undefined ? `(0 ${operator} ${literal.sql})` : booleanLiteral(compareInJavaScript(null, operator, literal.js));
  const nanCase = operand.mayBeNaN ? ` WHEN isnan(${operand.sql}) THEN FALSE` : '';
  return `(CASE WHEN ${operand.sql} IS NULL THEN ${nullCase}${nanCase} ELSE coalesce(${operand.sql} ${operator} ${literal.sql}, FALSE) END)`;
}

/** vega-util's inrange(): both bounds inclusive, reversed bounds swapped, a null bound left open. */
function rangeSql(operand: Operand, range: unknown, literal: (value: unknown) => Literal): string {
  if (!Array.isArray(range) || range.length !== 2) unsupported('a range filter needs [min, max]');
  let [low, high] = range.map((value) => (value === null ? undefined : literal(value)));
  if (low && high) {
    if (low.js === undefined || high.js === undefined) {
      const [a, b] = [low.sql, high.sql];
      low = { ...low, js: undefined, sql: `least(${a}, ${b})` };
      high = { ...high, js: undefined, sql: `greatest(${a}, ${b})` };
    } else if (compareInJavaScript(low.js, '>', high.js)) {
      [low, high] = [high, low];
    }
  }
  const parts: string[] = [];
  if (low) parts.push(comparisonSql(operand, '>=', low));
  if (high) parts.push(comparisonSql(operand, '<=', high));
  return joined(parts, 'AND', 'TRUE');
}

/** Vega-Lite's valid test: isValid(v) && isFinite(+v). */
function validSql(operand: Operand, column: ResolvedColumn): string {
  const value = operand.sql;
  if (operand.kind === 'string') {
    // +'' is 0 in JavaScript, and +' 12 ' is 12; other text must read as a finite number.
    const number = `try_cast(${value} AS DOUBLE)`;
    return `(${value} IS NOT NULL AND (trim(${value}) = '' OR coalesce(NOT isnan(${number}) AND abs(${number}) <> ${doubleLiteral(Infinity)}, FALSE)))`;
  }
  if (operand.mayBeNaN || effectiveStorage(column.field) === 'float')
    return `(${value} IS NOT NULL AND NOT isnan(${value}) AND abs(${value}) <> ${doubleLiteral(Infinity)})`;
  return `(${value} IS NOT NULL)`;
}

function timeUnitOperand(timeUnit: unknown, column: ResolvedColumn, context: PredicateContext): Operand {
  const unit = parseTimeUnit(timeUnit);
  if (typeof unit === 'string') unsupported(`filter time unit: ${unit}`);
  if (unit.parts.includes('week') || unit.parts.includes('dayofyear'))
    unsupported('Vega-Lite filters ignore week and dayofyear parts; not reproduced');
  if (column.field.type !== 'temporal') unsupported(`a time unit on ${column.field.name}, which is not a date`);
  // Vega-Lite reads the parts in UTC for utc units but builds the date in local time, and ignores steps.
  const partsZone = unit.utc ? 'UTC' : context.timeZone;
  const wall = wallClockSql(column.sql, effectiveStorage(column.field), partsZone);
  const instant = instantSql(floorPartsSql(wall, { ...unit, step: 1 }), context.timeZone);
  return { sql: `unix_millis(${instant})`, kind: 'number', mayBeNaN: false };
}

/** The field's value after Vega-Lite's implicit parse (by the type of the predicate values). */
function parsedOperand(column: ResolvedColumn, parse: Parse): Operand {
  const storage: FieldStorage = effectiveStorage(column.field);
  const { sql } = column;
  const temporal = storage === 'date' || storage === 'timestamp' || storage === 'timestamp_ntz';
  const numeric = storage === 'integer' || storage === 'float' || storage === 'decimal';
  if (parse === 'number') {
    if (numeric) return { sql, kind: 'number', mayBeNaN: storage === 'float' };
    if (temporal) return { sql: epochMillisSql(sql, storage), kind: 'number', mayBeNaN: false };
    if (storage === 'string') return { sql: `try_cast(${sql} AS DOUBLE)`, kind: 'number', mayBeNaN: true };
    if (storage === 'boolean') return { sql: `CAST(${sql} AS INT)`, kind: 'number', mayBeNaN: false };
  } else if (parse === 'string') {
    if (storage === 'string') return { sql: `NULLIF(${sql}, '')`, kind: 'string', mayBeNaN: false };
  } else if (parse === 'date') {
    if (temporal) return { sql: epochMillisSql(sql, storage), kind: 'date', mayBeNaN: false };
  } else {
    if (numeric) return { sql, kind: 'number', mayBeNaN: storage === 'float' };
    if (temporal) return { sql: epochMillisSql(sql, storage), kind: 'number', mayBeNaN: false };
    if (storage === 'string') return { sql, kind: 'string', mayBeNaN: false };
    if (storage === 'boolean') return { sql, kind: 'boolean', mayBeNaN: false };
  }
  return unsupported(`filtering the ${storage} column ${column.field.name} as ${parse ?? 'raw values'}`);
}

/** The milliseconds Vega gets for a time column (see chartRows: dates and wall clocks count from UTC). */
export function epochMillisSql(column: string, storage: FieldStorage): string {
  switch (storage) {
    case 'timestamp':
      return `unix_millis(${column})`;
    case 'date':
      return `(unix_date(${column}) * 86400000)`;
    case 'timestamp_ntz':
      // A wall clock counted as if it were UTC, without passing through the session time zone.
      return `(unix_date(CAST(${column} AS DATE)) * 86400000 + hour(${column}) * 3600000 + minute(${column}) * 60000 + CAST(floor(EXTRACT(SECOND FROM ${column}) * 1000) AS BIGINT))`;
    default:
      throw new Error(`a ${storage} column is not a time`);
  }
}

/**
 * Vega-Lite parses each filtered field once, by the type of a predicate value (the last predicate on
 * the field wins; 0, '' and false decide nothing, as they are falsy): numbers, strings or dates.
 */
function implicitParses(filter: unknown, context: PredicateContext): Map<string, Parse> {
  const parses = new Map<string, Parse>();
  const visit = (node: unknown) => {
    if (!isRecord(node)) return;
    for (const key of ['and', 'or'] as const) if (Array.isArray(node[key])) (node[key] as unknown[]).forEach(visit);
    if ('not' in node) visit(node.not);
    if (node.field === undefined) return;
    const field = String(node.field);
    let value: unknown;
    if (node.equal !== undefined) value = node.equal;
    else if (node.lte !== undefined) value = node.lte;
    else if (node.lt !== undefined) value = node.lt;
    else if (node.gt !== undefined) value = node.gt;
    else if (node.gte !== undefined) value = node.gte;
    else if (Array.isArray(node.range) && node.range.length === 2) value = node.range[0];
    else if (Array.isArray(node.oneOf)) value = node.oneOf[0];
    else if (Array.isArray(node.in)) value = node.in[0];
    if (value) {
      if (isDateTime(value)) parses.set(field, 'date');
      else if (typeof value === 'number') parses.set(field, 'number');
      else if (typeof value === 'string') parses.set(field, 'string');
    }
    if (node.timeUnit) parses.set(field, 'date');
    context.resolve(node.field);
  };
  visit(filter);
  return parses;
}
