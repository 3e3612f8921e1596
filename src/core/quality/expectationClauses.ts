import { codeStart } from '../sql/statementAtCursor.js';
import { ROW_JSON_OPTIONS } from './qualityQuery.js';
import { nameParts, quoteIdentifier, stringLiteral } from '../sql/sqlText.js';
import { splitSqlStatements } from '../sql/statementSplitter.js';
import type { QualityCheck, ViolationAction } from './qualityChecks.js';

/** A `CONSTRAINT name EXPECT (expression) [ON VIOLATION …]` clause of a pipeline SQL definition. */
export interface ExpectationClause {
  readonly dataset: string;
  readonly name: string;
  readonly expression: string;
  readonly action: ViolationAction;
  /** The clause's range in the file. */
  readonly start: number;
  readonly end: number;
  /** The expression's range in the file (inside the parentheses). */
  readonly expressionStart: number;
  readonly expressionEnd: number;
}

export interface ClauseProblem {
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

export interface StrippedDefinitions {
  /**
   * What Spark registers: every clause blanked and, where rows are dropped or fail the update, the query
   * wrapped in a filter; every character of the user's text that remains keeps its offset (a line never
   * moves, so Spark's line and position of an error still point at the file).
   */
  readonly text: string;
  /** The same with the clauses blanked only: the query as written, before any expectation applies. */
  readonly unfiltered: string;
  readonly expectations: readonly ExpectationClause[];
  readonly problems: readonly ClauseProblem[];
  /**
   * Text put in before a query where the clauses left no room for it on one line (a COMMENT between
   * them and AS): at an offset of the file, so many characters; what follows on that line moved right.
   */
  readonly insertions: readonly { readonly at: number; readonly length: number }[];
}

/** The marker a `FAIL UPDATE` expectation's error starts with, and how to read it back. */
export const EXPECTATION_FAILED = 'SPARK_WORKBENCH_EXPECTATION_FAILED';

export function parseExpectationFailure(message: string): { dataset: string; name: string; row: string } | undefined {
  const match = new RegExp(`${EXPECTATION_FAILED} dataset=(\\S+) expectation=(\\S+) row=(.*)`).exec(message);
  return match
    ? {
        dataset: decodeURIComponent(match[1]!),
        name: decodeURIComponent(match[2]!),
        row: match[3]!.split('\n')[0]!.replace(/\s*SQLSTATE.*$/, ''),
      }
    : undefined;
}

const NAME_PART = '(?:`(?:[^`]|``)+`|\\w+)';
const DEFINITION = new RegExp(
  `^CREATE\\s+(?:OR\\s+REFRESH\\s+)?(?:PRIVATE\\s+)?(MATERIALIZED\\s+VIEW|STREAMING\\s+TABLE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${NAME_PART}(?:\\s*\\.\\s*${NAME_PART})*)\\s*`,
  'i',
);
const CLAUSE = new RegExp(`^CONSTRAINT\\s+(${NAME_PART})\\s+EXPECT\\s*\\(`, 'i');
const VIOLATION = /^\s*ON\s+VIOLATION\s+(DROP\s+ROW|FAIL\s+UPDATE)\b/i;
const PREFIX = 'AS SELECT * FROM (';

/** A dataset's name as SQL writes it, in one spelling: parts that need quotes quoted, no spaces. */
function writtenName(text: string): string {
  return nameParts(text)
    .map((part) => (/^[A-Za-z_]\w*$/.test(part) ? part : quoteIdentifier(part)))
    .join('.');
}

/**
 * Finds the expectations of a pipeline SQL file and makes the text Spark can register: Spark's
 * parser has no `EXPECT`, so each clause becomes blanks (a list of nothing but clauses loses its
 * parentheses too). `ON VIOLATION DROP ROW` and `FAIL UPDATE` are done by wrapping the query:
 * `AS SELECT * FROM (` is written into the blanks the clauses left (the original `AS` blanked), and
 * `) AS _sw_expectations WHERE …` appended after the query's last character on its own line, so no line
 * moves. A violating row is one whose expression is false or NULL (NULL counts as false).
 */
export function stripExpectations(text: string): StrippedDefinitions {
  // UTF-16 units, as offsets count.
  const chars = text.split('');
  const unfilteredChars = [...chars];
  const blank = (target: string[], start: number, end: number) => {
    for (let i = start; i < end; i++) if (target[i] !== '\n' && target[i] !== '\r') target[i] = ' ';
  };
  const expectations: ExpectationClause[] = [];
  const problems: ClauseProblem[] = [];
  const suffixes: { at: number; text: string }[] = [];
  const insertions: { at: number; length: number }[] = [];
  for (const statement of splitSqlStatements(text)) {
    const code = codeStart(statement);
    const definition = DEFINITION.exec(text.slice(code, statement.end));
    if (!definition) continue;
    const dataset = writtenName(definition[2]!);
    const listStart = code + definition[0].length;
    if (text[listStart] !== '(') continue;
    const listEnd = matchingParen(text, listStart, statement.end);
    if (listEnd === undefined) continue;
    const items = topLevelItems(text, listStart + 1, listEnd);
    const clauses: ExpectationClause[] = [];
    const clauseItems: { start: number; end: number }[] = [];
    for (const item of items) {
      const itemText = text.slice(item.start, item.end);
      const lead = itemText.length - itemText.trimStart().length;
      const clause = CLAUSE.exec(itemText.trimStart());
      if (!clause) continue;
      const open = item.start + lead + clause[0].length - 1;
      const close = matchingParen(text, open, item.end);
      if (close === undefined) {
        problems.push({ start: item.start + lead, end: item.end, message: 'The EXPECT expression has no closing parenthesis.' });
        continue;
      }
      const rest = text.slice(close + 1, item.end);
      const violation = VIOLATION.exec(rest);
      if (rest.trim() && !(violation && !rest.slice(violation[0].length).trim())) {
        const written = rest.trim().replace(/\s+/g, ' ');
        problems.push({
          start: close + 1 + (rest.length - rest.trimStart().length),
          end: item.end - (rest.length - rest.trimEnd().length),
          message: `After EXPECT (…) only ON VIOLATION DROP ROW or ON VIOLATION FAIL UPDATE may follow, not '${written.length > 60 ? `${written.slice(0, 57)}…` : written}'.`,
        });
        // Taken out like a good clause, so nothing that reads the definition reports it a second time.
        clauseItems.push(item);
        continue;
      }
      const action: ViolationAction = !violation ? 'keep' : /^DROP/i.test(violation[1]!) ? 'drop' : 'fail';
      const name = nameParts(clause[1]!)[0]!;
      const expression = text.slice(open + 1, close).trim();
      if (!expression) {
        problems.push({
          start: open,
          end: close + 1,
          message: `The expectation ${name} has no expression: EXPECT (a condition each row must meet).`,
        });
        continue;
      }
      if (clauses.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
        problems.push({
          start: item.start + lead,
          end: item.end,
          message: `${dataset} has two expectations named ${name}; names are unique per dataset.`,
        });
        continue;
      }
      const expressionStart = open + 1 + (text.slice(open + 1, close).length - text.slice(open + 1, close).trimStart().length);
      clauses.push({
        dataset,
        name,
        expression,
        action,
        start: item.start + lead,
        end: item.end - (text.slice(item.start, item.end).length - text.slice(item.start, item.end).trimEnd().length),
        expressionStart,
        expressionEnd: expressionStart + expression.length,
      });
      clauseItems.push(item);
    }
    if (!clauseItems.length) continue;
    expectations.push(...clauses);
    const onlyClauses = clauseItems.length === items.length;
    for (const target of [chars, unfilteredChars]) {
      if (onlyClauses) blank(target, listStart, listEnd + 1);
      else
        for (const item of clauseItems) {
          // The item and one comma beside it: after it, or before it when it is the last.
          const index = items.indexOf(item);
          const from = index === items.length - 1 ? items[index - 1]!.end : item.start;
          const to = index === items.length - 1 ? item.end : items[index + 1]!.start;
          blank(target, from, to);
        }
    }
    const filtering = clauses.filter((c) => c.action !== 'keep');
    if (!filtering.length) continue;
    const asAt = asKeyword(text, listEnd + 1, statement.end);
    // The first stretch of blanks on one line that the prefix fits in (lines must not move).
    const room = chars
      .slice(listStart, listEnd + 1)
      .join('')
      .search(new RegExp(`[ ]{${PREFIX.length}}`));
    const tableClauses = asAt !== undefined && lastCodeEnd(text, listEnd + 1, asAt) > listEnd + 1;
    if (!onlyClauses || asAt === undefined || (room === -1 && !tableClauses)) {
      for (const clause of filtering)
        problems.push({
          start: clause.start,
          end: clause.end,
          message: !onlyClauses
            ? `ON VIOLATION needs the list after ${dataset} to hold expectations only (column definitions beside them are not supported); without ON VIOLATION the expectation is reported and rows are kept.`
            : asAt === undefined
              ? `ON VIOLATION needs ${dataset} to be defined by a query (… AS SELECT …).`
              : `ON VIOLATION needs room to wrap the query in place.`,
        });
      continue;
    }
    if (tableClauses || room === -1) {
      // COMMENT, TBLPROPERTIES… stand between the clauses and AS: the query moves right on its line.
      const opening = ' SELECT * FROM (';
      suffixes.push({ at: asAt + 2, text: opening });
      insertions.push({ at: asAt + 2, length: opening.length });
    } else {
      PREFIX.split('').forEach((c, i) => (chars[listStart + room + i] = c));
      blank(chars, asAt, asAt + 2);
    }
    const conditions = filtering.map((c) =>
      c.action === 'drop'
        ? `coalesce((${c.expression}), false)`
        : `CASE WHEN coalesce((${c.expression}), false) THEN TRUE ELSE raise_error(concat(${stringLiteral(`${EXPECTATION_FAILED} dataset=${encodeURIComponent(dataset)} expectation=${encodeURIComponent(c.name)} row=`)}, to_json(struct(*), ${ROW_JSON_OPTIONS}))) END`,
    );
    suffixes.push({
      at: lastCodeEnd(text, statement.start, statement.end),
      text: ` ) AS _sw_expectations WHERE ${conditions.join(' AND ')}`,
    });
  }
  let stripped = chars.join('');
  for (const suffix of suffixes.sort((a, b) => b.at - a.at))
    stripped = stripped.slice(0, suffix.at) + suffix.text.replace(/[\r\n]+/g, ' ') + stripped.slice(suffix.at);
  return { text: stripped, unfiltered: unfilteredChars.join(''), expectations, problems, insertions };
}

/** Expectations as checks of their dataset: keep and drop report as warnings, fail as an error. */
export function expectationChecks(file: string, expectations: readonly ExpectationClause[]): QualityCheck[] {
  return expectations.map((e) => ({
    kind: 'expect',
    dataset: e.dataset,
    name: e.name,
    expression: e.expression,
    action: e.action,
    severity: e.action === 'fail' ? 'error' : 'warn',
    mostly: 1,
    location: { file, start: e.start, end: e.end },
  }));
}

/** Offsets of each top-level item between `from` and `to` (split at commas outside parentheses, strings, comments). */
function topLevelItems(text: string, from: number, to: number): { start: number; end: number }[] {
  const items: { start: number; end: number }[] = [];
  let depth = 0;
  let start = from;
  scan(text, from, to, (i, ch) => {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      items.push({ start, end: i });
      start = i + 1;
    }
  });
  items.push({ start, end: to });
  return items.filter((item) => text.slice(item.start, item.end).trim());
}

function matchingParen(text: string, open: number, limit: number): number | undefined {
  let depth = 0;
  let found: number | undefined;
  scan(text, open, limit, (i, ch) => {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) {
      found = i;
      return true;
    }
    return false;
  });
  return found;
}

/** The `AS` that starts the query, past a COMMENT, PARTITIONED BY (…), TBLPROPERTIES (…) and the like. */
function asKeyword(text: string, from: number, limit: number): number | undefined {
  let found: number | undefined;
  let depth = 0;
  scan(text, from, limit, (i, ch) => {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && /^AS\b/i.test(text.slice(i, i + 3)) && !/\w/.test(text[i - 1] ?? ' ')) {
      found = i;
      return true;
    }
    return false;
  });
  return found;
}

/** Just past the last character of code in [from, to): trailing comments and blanks left out. */
function lastCodeEnd(text: string, from: number, to: number): number {
  let last = from;
  scan(text, from, to, (i) => {
    if (!/\s/.test(text[i]!)) last = i + 1;
  });
  return last;
}

/**
 * Calls `visit` with each character of code in [from, to) (strings are passed over whole, comments
 * skipped); a string's last character is visited so an item ending in a literal ends after it. Stops
 * when `visit` returns true.
 */
function scan(text: string, from: number, to: number, visit: (index: number, ch: string) => boolean | void): void {
  for (let i = from; i < to; i++) {
    const ch = text[i]!;
    if (ch === '-' && text[i + 1] === '-') {
      const newline = text.indexOf('\n', i);
      i = newline === -1 || newline > to ? to : newline - 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 || close > to ? to : close + 1;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < to && text[j] !== ch) j += text[j] === '\\' && ch !== '`' ? 2 : 1;
      if (visit(Math.min(j, to - 1), text[Math.min(j, to - 1)]!) === true) return;
      i = j;
      continue;
    }
    if (visit(i, ch) === true) return;
  }
}
