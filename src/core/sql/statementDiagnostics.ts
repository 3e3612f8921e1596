/** An edit: [start, end) of the old text replaced by text of `length`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

/** A diagnostic tied to the statement that produced it (offsets into the document). */
export interface StatementDiagnostic<T> {
  readonly statementStart: number;
  readonly statementEnd: number;
  readonly start: number;
  readonly end: number;
  readonly payload: T;
}

/**
 * The diagnostics of failed statements, per document, kept in step with edits: an edit that touches a
 * statement removes its diagnostic (the statement changed, the error may be gone); edits elsewhere move
 * later diagnostics along. Running a statement again replaces or clears its own.
 */
export class StatementDiagnostics<T> {
  private readonly byDocument = new Map<string, StatementDiagnostic<T>[]>();

  get(uri: string): readonly StatementDiagnostic<T>[] {
    return this.byDocument.get(uri) ?? [];
  }

  /** The statement at [statementStart, statementEnd) failed with this diagnostic (it replaces an older one there). */
  set(uri: string, diagnostic: StatementDiagnostic<T>): void {
    this.byDocument.set(uri, [...this.without(uri, diagnostic.statementStart, diagnostic.statementEnd), diagnostic]);
  }

  /** The statement ran without an error: its diagnostic goes. */
  clear(uri: string, statementStart: number, statementEnd: number): boolean {
    const before = this.get(uri).length;
    this.byDocument.set(uri, this.without(uri, statementStart, statementEnd));
    return this.get(uri).length !== before;
  }

  /** Applies a document's edits in the order given; true when any diagnostic moved or went. */
  edit(uri: string, edits: readonly TextEdit[]): boolean {
    let items = this.byDocument.get(uri);
    if (!items?.length) return false;
    const before = items;
    for (const edit of edits) {
      const delta = edit.length - (edit.end - edit.start);
      items = items
        // A touching edit (typing right after the statement's last character) counts as editing it.
        .filter((d) => edit.end < d.statementStart || edit.start > d.statementEnd)
        .map((d) =>
          edit.end < d.statementStart
            ? {
                ...d,
                statementStart: d.statementStart + delta,
                statementEnd: d.statementEnd + delta,
                start: d.start + delta,
                end: d.end + delta,
              }
            : d,
        );
    }
    this.byDocument.set(uri, items);
    return items.length !== before.length || items.some((d, i) => d !== before[i]);
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
  }

  private without(uri: string, start: number, end: number): StatementDiagnostic<T>[] {
    return this.get(uri).filter((d) => d.statementEnd <= start || d.statementStart >= end);
  }
}
