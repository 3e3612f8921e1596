import { nameParts } from '../sql/sqlText.js';

/** A node of Spark's formatted plan that writes: its arguments name the table written. */
const WRITE_NODE = /Command|Write|AppendData|Overwrite|TableAsSelect|InsertInto/;
const QUOTED_NAME = /`(?:[^`]|``)+`(?:\.`(?:[^`]|``)+`)*/g;

/**
 * Whether an executed plan, as Spark's UI describes it (the formatted explain: a tree, then one
 * section per node, `(2) SaveAsV1TableCommand` and its `Arguments: `default`.`t`, Append, …`), writes
 * one of these tables. Names compare by their common tail, case-insensitively: `default.t` and
 * `spark_catalog.default.t` are the same table, and an unqualified `t` is any schema's.
 */
export function planWritesOneOf(planDescription: string, tables: readonly string[]): boolean {
  const wanted = tables.map((table) => lower(nameParts(table)));
  for (const section of planDescription.split(/\n(?=\(\d+\) )/).slice(1)) {
    const node = /^\(\d+\) (.*)/.exec(section)?.[1] ?? '';
    if (!WRITE_NODE.test(node)) continue;
    for (const [name] of section.matchAll(QUOTED_NAME)) {
      const written = lower(nameParts(name));
      if (wanted.some((table) => sameTail(table, written))) return true;
    }
  }
  return false;
}

function lower(parts: readonly string[]): string[] {
  return parts.map((part) => part.toLowerCase());
}

function sameTail(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  return n > 0 && a.slice(-n).every((part, i) => part === b.slice(-n)[i]);
}
