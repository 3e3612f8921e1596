import { nameSuggestion, replacementName, wrongNameSpan } from '../../core/diagnostics/suggestedNames.js';
import type { CodeActionItem, CodeActionSource, DocumentSnapshot, ProblemAt } from '../host/editorHost.js';

/**
 * Sources whose "Did you mean …" problems carry no fix of their own. The pipeline spec's checks
 * ('Spark pipelines' on a spec) offer their rename themselves; Spark's own suggestions come from any
 * source, as its back-quoted list.
 */
const OUR_SUGGESTING_SOURCES = new Set(['Spark data quality']);

/**
 * A quick fix for every problem that suggests a name: "Change to 'amount'" replaces the wrong name in
 * the problem's span (Spark's unresolved columns and tables in SQL files and pipeline definitions, a
 * misspelled column or check type in a quality file).
 */
export class SuggestionFixes implements CodeActionSource {
  actions(document: DocumentSnapshot, _start: number, _end: number, problems: readonly ProblemAt[]): CodeActionItem[] {
    const sql = document.languageId === 'sql';
    const seen = new Set<string>();
    const fixes: CodeActionItem[] = [];
    for (const problem of problems) {
      const sparkList = /Did you mean one of the following\?/i.test(problem.message);
      if (!sparkList && !OUR_SUGGESTING_SOURCES.has(problem.source ?? '')) continue;
      const suggestion = nameSuggestion(problem.message);
      if (!suggestion) continue;
      const span = wrongNameSpan(document.text, problem.start, problem.end, suggestion.wrong);
      if (!span) continue;
      for (const name of suggestion.suggestions) {
        const text = replacementName(name, sql);
        const key = `${span.start}:${span.end}:${text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        fixes.push({ title: `Change to '${name}'`, edits: [{ ...span, text }], preferred: fixes.length === 0 });
      }
    }
    return fixes;
  }
}
