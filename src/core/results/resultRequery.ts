import { sourceRelation } from '../charts/sourceRelation.js';
import { quoteIdentifier, stringLiteral } from '../sql/sqlText.js';

export interface RequerySort {
  readonly column: string;
  readonly descending: boolean;
}

/**
 * The grid's sort and quick filter, applied by Spark to the whole result instead of to the loaded rows:
 * the filter keeps rows where any column's text contains the term (case-insensitive, like the grid's),
 * and the sort orders by one column with NULLs where the grid puts them (last).
 */
export function sortedAndFilteredQuery(
  query: string,
  columns: readonly string[],
  sort: RequerySort | undefined,
  filter: string,
): string {
  const parts = [`SELECT * FROM ${sourceRelation(query)}`];
  const term = filter.trim();
  if (term !== '' && columns.length > 0) {
    const pattern = stringLiteral(`%${term.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`);
    const tests = columns.map((column) => `lower(CAST(${quoteIdentifier(column)} AS STRING)) LIKE ${pattern} ESCAPE '!'`);
    parts.push(`WHERE ${tests.join('\n   OR ')}`);
  }
  if (sort) parts.push(`ORDER BY ${quoteIdentifier(sort.column)} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST`);
  return parts.join('\n');
}
