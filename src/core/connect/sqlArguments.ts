import { epochDays, wallClockMicros, type SqlParameterValue } from '../sql/sqlParameters.js';

/**
 * Named parameters as Spark Connect expressions (SQL.named_arguments): each a typed literal, so a value
 * never becomes part of the SQL text and needs no quoting.
 */
export function namedArguments(args: Readonly<Record<string, SqlParameterValue>>): Record<string, object> {
  return Object.fromEntries(
    Object.entries(args).map(([name, value]) => [
      name,
      { exprType: { case: 'literal', value: { literalType: literalOf(value) } } },
    ]),
  );
}

function literalOf(value: SqlParameterValue): { case: string; value: unknown } {
  switch (value.type) {
    case 'null':
      return { case: 'null', value: { kind: { case: 'null', value: {} } } };
    case 'boolean':
      return { case: 'boolean', value: value.value };
    case 'long':
      return { case: 'long', value: value.value };
    case 'double':
      return { case: 'double', value: value.value };
    case 'decimal':
      return { case: 'decimal', value: { value: value.value, precision: value.precision, scale: value.scale } };
    case 'string':
      return { case: 'string', value: value.value };
    case 'date':
      return { case: 'date', value: epochDays(value.value) };
    case 'timestampNtz':
      return { case: 'timestampNtz', value: wallClockMicros(value.value) };
  }
}
