import { dirname } from 'node:path';
import { specCompletions, specHover } from '../../core/pipelines/specAssist.js';
import type { CompletionItem, CompletionSource, DocumentSnapshot, HoverInfo, HoverSource } from '../host/editorHost.js';

/** Completion and hover in a spec, from the spec's JSON schema and the files next to it. */
export class SpecAssist implements CompletionSource, HoverSource {
  async complete(document: DocumentSnapshot, offset: number): Promise<CompletionItem[]> {
    return specCompletions(document.text, offset, dirname(document.fileName)).map((c) => ({
      label: c.label,
      kind: c.kind,
      detail: c.detail,
      documentation: c.documentation,
      insertText: c.insertText,
      snippet: c.snippet,
      replace: { start: c.start, end: c.end },
    }));
  }

  async hover(document: DocumentSnapshot, offset: number): Promise<HoverInfo | undefined> {
    return specHover(document.text, offset);
  }
}
