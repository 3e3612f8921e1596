// The editor half of the host seam: documents, diagnostics, CodeLens, completion and hover, in plain
// types. Positions cross the seam as 0-based line and character (UTF-16 units, as VS Code counts), or
// as offsets into a document's text; src/core/sql/textPositions.ts converts between the two.
import type { Disposable, Event } from '../../core/util/events.js';

/** A document's text at one version. */
export interface DocumentSnapshot {
  readonly uri: string;
  readonly fileName: string;
  readonly languageId: string;
  readonly version: number;
  readonly text: string;
}

/** The active editor: its document, selections and cursor, as offsets into the text. */
export interface EditorSnapshot {
  readonly document: DocumentSnapshot;
  /** Non-empty selections only. */
  readonly selections: readonly { readonly start: number; readonly end: number }[];
  readonly cursor: number;
}

/** A text edit as it happened: [start, end) of the old text replaced by text of `length`. */
export interface DocumentChange {
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

export interface TextRange {
  readonly startLine: number;
  readonly startCharacter: number;
  readonly endLine: number;
  readonly endCharacter: number;
}

export interface DiagnosticItem {
  readonly range: TextRange;
  readonly message: string;
  readonly severity: 'error' | 'warning' | 'information';
  /** Shown in the Problems panel; with a target, a link (an error class's documentation). */
  readonly code?: { readonly value: string; readonly target?: string };
  readonly source: string;
}

export interface DiagnosticSink extends Disposable {
  set(uri: string, items: readonly DiagnosticItem[]): void;
}

/** Which documents a provider serves: a language id, or a glob on the file's path. */
export type DocumentSelector = string | { readonly pattern: string };

/** Replace [start, end) of a document's text with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A quick fix: edits to the document it is asked for. */
export interface CodeActionItem {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix to apply with one keystroke (Ctrl/Cmd+. then Enter, or "Fix All"). */
  readonly preferred?: boolean;
  /** A command to run instead of (or after) the edits: an action that shows rather than fixes. */
  readonly command?: { readonly id: string; readonly args: readonly unknown[] };
}

/** A problem shown where fixes are asked for, as offsets into its document. */
export interface ProblemAt {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly source?: string;
}

export interface CodeActionSource {
  /** The fixes for the problems touching [start, end); `problems` are those the editor shows there. */
  actions(document: DocumentSnapshot, start: number, end: number, problems: readonly ProblemAt[]): CodeActionItem[];
}

export interface LensItem {
  readonly range: TextRange;
  readonly title: string;
  readonly tooltip?: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

export interface CodeLensSource {
  readonly onDidChange?: Event<void>;
  lenses(document: DocumentSnapshot): LensItem[];
}

export type CompletionKind =
  | 'keyword'
  | 'function'
  | 'table'
  | 'view'
  | 'column'
  | 'schema'
  | 'catalog'
  | 'variable'
  | 'property'
  | 'value'
  | 'file'
  | 'folder'
  | 'snippet';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  /** Shown right of the label (a column's type, a table's schema). */
  readonly detail?: string;
  readonly documentation?: string;
  readonly insertText?: string;
  /** insertText is a snippet (`${1:name}` placeholders). */
  readonly snippet?: boolean;
  readonly sortText?: string;
  /** The text it replaces, as offsets into the document (the word being typed). */
  readonly replace?: { readonly start: number; readonly end: number };
}

export interface CompletionSource {
  complete(document: DocumentSnapshot, offset: number, signal: AbortSignal): Promise<CompletionItem[]>;
}

export interface HoverInfo {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

export interface HoverSource {
  hover(document: DocumentSnapshot, offset: number, signal: AbortSignal): Promise<HoverInfo | undefined>;
}

export interface EditorHost {
  activeEditor(): EditorSnapshot | undefined;
  /** An open document by its URI string. */
  document(uri: string): DocumentSnapshot | undefined;
  readonly onDidChangeDocument: Event<{ readonly document: DocumentSnapshot; readonly changes: readonly DocumentChange[] }>;
  readonly onDidCloseDocument: Event<string>;
  readonly onDidOpenDocument: Event<DocumentSnapshot>;
  /** Every document open in the window (editors and ones other extensions opened). */
  openDocuments(): DocumentSnapshot[];
  createDiagnostics(name: string): DiagnosticSink;
  registerCodeLenses(selector: DocumentSelector, source: CodeLensSource): Disposable;
  registerCodeActions(selector: DocumentSelector, source: CodeActionSource): Disposable;
  registerCompletions(selector: DocumentSelector, source: CompletionSource, triggerCharacters: readonly string[]): Disposable;
  registerHovers(selector: DocumentSelector, source: HoverSource): Disposable;
  /** Serves read-only documents under `scheme:` (an explained plan). */
  registerReadOnlyDocuments(scheme: string, content: (uri: string) => string | undefined): Disposable;
  /** Opens a document (a file or a read-only one) in the editor beside the current one. */
  showDocument(uri: string, options: { readonly language?: string; readonly beside?: boolean }): Promise<void>;
  /** Opens a new untitled editor in `language` holding `content`. */
  openUntitled(language: string, content: string): Promise<void>;
  /** Changes an open document's language (plain text to SQL). */
  setDocumentLanguage(uri: string, language: string): Promise<void>;
  /** Opens a file of the disk with the cursor at a 1-based line and column. */
  showFileAt(path: string, line: number, column: number): Promise<void>;
}

/** Values kept for this workspace across sessions (VS Code's workspaceState). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Promise<void>;
}
