/** A name a problem says is wrong, and the names it suggests instead, best first. */
export interface NameSuggestion {
  readonly wrong: string;
  readonly suggestions: readonly string[];
}

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SUGGESTIONS = 3;

/**
 * Reads a "Did you mean …" problem: Spark's (`name \`amout\` cannot be resolved. Did you mean one of
 * the following? [\`amount\`, \`t\`.\`id\`]`) and ours (`has no column 'custmer'. Did you mean
 * 'customer'?`). The wrong name is the last quoted name before the question, the suggestions the names
 * after it; of a qualified name (\`t\`.\`amount\`) only the last part, which is what the user typed.
 */
export function nameSuggestion(message: string): NameSuggestion | undefined {
  const at = message.search(/Did you mean/i);
  if (at < 0) return undefined;
  const before = quotedNames(message.slice(0, at));
  const wrong = before.at(-1);
  if (!wrong) return undefined;
  const question = message.slice(at);
  const listed = /\[([^\]]*)\]/.exec(question)?.[1] ?? question;
  const suggestions = [...new Set(quotedNames(listed))].filter((s) => s !== wrong).slice(0, MAX_SUGGESTIONS);
  return suggestions.length ? { wrong, suggestions } : undefined;
}

/** Each quoted name of a text (`'x'`, \`x\`, \`a\`.\`b\` as b), in order. */
function quotedNames(text: string): string[] {
  const names: string[] = [];
  const pattern = /((?:`(?:[^`]|``)+`\.)*)`((?:[^`]|``)+)`|'([^'\s]+)'/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text))
    names.push(match[2] !== undefined ? match[2].replace(/``/g, '`') : match[3]!);
  return names;
}

/**
 * Where the wrong name stands in the problem's span of a document: its first whole-word occurrence
 * (as typed, or back-quoted), as offsets of the document; undefined when the span does not hold it.
 */
export function wrongNameSpan(
  text: string,
  start: number,
  end: number,
  wrong: string,
): { readonly start: number; readonly end: number } | undefined {
  const span = text.slice(start, end);
  const escaped = wrong.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`\`${escaped.replace(/`/g, '``')}\`|(?<![A-Za-z0-9_])${escaped}(?![A-Za-z0-9_])`).exec(span);
  return found ? { start: start + found.index, end: start + found.index + found[0].length } : undefined;
}

/** The text that replaces a name: a SQL identifier back-quoted when it needs it, else as it is. */
export function replacementName(name: string, quotedInSql: boolean): string {
  return quotedInSql && !SIMPLE_NAME.test(name) ? `\`${name.replace(/`/g, '``')}\`` : name;
}
