// A WorkbenchHost that records what the VS Code layer asked VS Code to do, and answers dialogs the way
// each test says: the fake side of the seam in src/vscode/host/workbenchHost.ts.
import { Emitter, type Disposable } from '../../../src/core/util/events.js';
import type { CellOutput } from '../../../src/core/notebooks/notebookKernel.js';
import type {
  CellExecution,
  CellStatusSource,
  NewNotebookCell,
  NotebookCellInfo,
  NotebookControllerOptions,
} from '../../../src/vscode/host/notebookHost.js';
import type {
  CodeActionSource,
  CodeLensSource,
  CompletionSource,
  DocumentSelector,
  DiagnosticItem,
  DiagnosticSink,
  DocumentChange,
  DocumentSnapshot,
  EditorSnapshot,
  HoverSource,
} from '../../../src/vscode/host/editorHost.js';
import type {
  InputBoxOptions,
  LogChannel,
  ProgressOptions,
  QuickPickEntry,
  QuickPickOptions,
  SettingsSection,
  StatusBarEntry,
  StatusBarItemOptions,
  StatusBarPresentation,
  TreeSource,
  WebviewPanelHandle,
  WebviewPanelOptions,
  WorkbenchHost,
} from '../../../src/vscode/host/workbenchHost.js';

export type Severity = 'information' | 'warning' | 'error';

export interface ShownMessage {
  readonly severity: Severity;
  readonly text: string;
  readonly actions: readonly string[];
}

export interface ShownProgress {
  readonly options: ProgressOptions;
  readonly reports: string[];
  settled: boolean;
  readonly cancel: Emitter<void>;
}

/** A setting's value per scope, as `WorkspaceConfiguration.inspect` reports it. */
export interface SettingScopes {
  workspaceValue?: unknown;
  globalValue?: unknown;
  defaultValue?: unknown;
}

export class FakeStatusBarItem implements StatusBarEntry {
  readonly renders: StatusBarPresentation[] = [];
  visible = false;
  disposed = false;

  constructor(readonly options: StatusBarItemOptions) {}

  get current(): StatusBarPresentation | undefined {
    return this.renders.at(-1);
  }

  render(presentation: StatusBarPresentation): void {
    this.renders.push(presentation);
  }

  show(): void {
    this.visible = true;
  }

  dispose(): void {
    this.disposed = true;
  }
}

export class FakeLogChannel implements LogChannel {
  readonly lines: string[] = [];
  shownPreservingFocus: boolean | undefined;
  disposed = false;

  info(text: string): void {
    this.lines.push(`info: ${text}`);
  }

  error(text: string): void {
    this.lines.push(`error: ${text}`);
  }

  show(preserveFocus: boolean): void {
    this.shownPreservingFocus = preserveFocus;
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** A webview panel that records what the extension sent it; `receive` plays a message from the page. */
export class FakeWebviewPanel implements WebviewPanelHandle {
  readonly cspSource = 'https://fake.vscode-cdn.net';
  html = '';
  title: string;
  readonly posted: unknown[] = [];
  revealed = 0;
  disposed = false;
  private readonly received = new Emitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  private readonly closed = new Emitter<void>();
  readonly onDidDispose = this.closed.event;

  constructor(readonly options: WebviewPanelOptions) {
    this.title = options.title;
  }

  assetUri(name: string): string {
    return `https://fake.vscode-cdn.net/${name}`;
  }

  setHtml(html: string): void {
    this.html = html;
  }

  setTitle(title: string): void {
    this.title = title;
  }

  async postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    return !this.disposed;
  }

  receive(message: unknown): void {
    this.received.fire(message);
  }

  reveal(): void {
    this.revealed++;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.closed.fire();
  }
}

/** A VS Code glob (`**`, `*`, `{a,b}`) as a regular expression over a path's end. */
function globPattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (c === '*') source += '[^/]*';
    else if (c === '{') source += '(?:';
    else if (c === '}') source += ')';
    else if (c === ',') source += '|';
    else source += c.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`(?:^|/)${source}$`);
}

function selectorKey(selector: DocumentSelector): string {
  return typeof selector === 'string' ? selector : selector.pattern;
}

export class FakeHost implements WorkbenchHost {
  trusted = true;
  /** Keyed by the full setting name, e.g. `sparkWorkbench.connections`. */
  readonly settingValues = new Map<string, SettingScopes>();
  readonly messages: ShownMessage[] = [];
  /** The action a message's user picks; dismissing (undefined) by default. */
  answerMessage: (message: ShownMessage) => string | undefined = () => undefined;
  readonly quickPicks: { items: readonly QuickPickEntry[]; options: QuickPickOptions }[] = [];
  /** The label the user picks; dismissing by default. */
  answerQuickPick: (items: readonly QuickPickEntry[]) => string | undefined = () => undefined;
  readonly inputBoxes: InputBoxOptions[] = [];
  answerInputBox: (options: InputBoxOptions) => string | undefined = () => undefined;
  readonly progress: ShownProgress[] = [];
  readonly commands = new Map<string, (...args: never[]) => unknown>();
  readonly executed: { id: string; args: unknown[] }[] = [];
  readonly contexts = new Map<string, unknown>();
  clipboard = '';
  /** The active editor a command sees. */
  editor: EditorSnapshot | undefined;
  /** Open documents by URI. */
  readonly documents = new Map<string, DocumentSnapshot>();
  /** What each diagnostic collection shows, by collection name and document URI. */
  readonly diagnostics = new Map<string, Map<string, readonly DiagnosticItem[]>>();
  /** Keyed by language id, or by a pattern selector's glob. */
  readonly codeLensSources = new Map<string, CodeLensSource>();
  readonly codeActionSources = new Map<string, CodeActionSource>();
  /** What findFiles answers, by path; watchers see `fileChanged`. */
  readonly workspaceFiles: string[] = [];
  private readonly fileWatchers = new Set<(path: string) => void>();
  readonly webviewPanels: FakeWebviewPanel[] = [];
  readonly shownFiles: { path: string; line: number; column: number }[] = [];
  private readonly documentOpened = new Emitter<DocumentSnapshot>();
  readonly onDidOpenDocument = this.documentOpened.event;
  readonly completionSources = new Map<string, { source: CompletionSource; triggers: readonly string[] }>();
  readonly hoverSources = new Map<string, HoverSource>();
  readonly readOnlyDocuments = new Map<string, (uri: string) => string | undefined>();
  readonly shownDocuments: { uri: string; language?: string; beside?: boolean }[] = [];
  private readonly documentChanged = new Emitter<{ document: DocumentSnapshot; changes: readonly DocumentChange[] }>();
  readonly onDidChangeDocument = this.documentChanged.event;
  private readonly documentClosed = new Emitter<string>();
  readonly onDidCloseDocument = this.documentClosed.event;
  readonly statusBarItems: FakeStatusBarItem[] = [];
  readonly logChannels = new Map<string, FakeLogChannel>();
  readonly trees = new Map<string, { source: TreeSource<unknown>; showCollapseAll: boolean }>();
  /** Work started through the host that a test may wait for (see `settled`). */
  private readonly pending: Promise<unknown>[] = [];

  private readonly settingsChanged = new Emitter<{ affects(key: string): boolean }>();
  readonly onDidChangeSettings = this.settingsChanged.event;

  async updateUserSetting(section: string, key: string, value: unknown): Promise<void> {
    this.set(`${section}.${key}`, value, 'globalValue');
  }

  /** Sets a setting's value in one scope (`workspaceValue` by default), and tells the listeners. */
  set(name: string, value: unknown, scope: keyof SettingScopes = 'workspaceValue'): void {
    this.settingValues.set(name, { ...this.settingValues.get(name), [scope]: value });
    this.settingsChanged.fire({ affects: (key) => name === key || name.startsWith(`${key}.`) });
  }

  /** Runs a registered command the way VS Code would. */
  run(id: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.commands.get(id);
    if (!handler) throw new Error(`command ${id} is not registered`);
    return this.track(Promise.resolve((handler as (...a: unknown[]) => unknown)(...args)));
  }

  /** Waits until everything started through the host (messages, commands they run, …) has settled. */
  async settled(): Promise<void> {
    while (this.pending.length) {
      await Promise.allSettled(this.pending.splice(0));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  messagesOf(severity: Severity): ShownMessage[] {
    return this.messages.filter((m) => m.severity === severity);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.push(promise);
    return promise;
  }

  isTrusted(): boolean {
    return this.trusted;
  }

  settings(section: string): SettingsSection {
    const scopes = (key: string) => this.settingValues.get(`${section}.${key}`);
    return {
      get: <T>(key: string, fallback: T): T => {
        const s = scopes(key);
        return (s?.workspaceValue ?? s?.globalValue ?? s?.defaultValue ?? fallback) as T;
      },
      inspect: <T>(key: string) => scopes(key) as { globalValue?: T; defaultValue?: T } | undefined,
    };
  }

  showInformationMessage(text: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('information', text, actions);
  }

  showWarningMessage(text: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('warning', text, actions);
  }

  showErrorMessage(text: string, ...actions: string[]): Promise<string | undefined> {
    return this.show('error', text, actions);
  }

  /** Modal questions asked, and the answer the person gives (no, by default). */
  readonly confirmations: { message: string; detail: string; action: string }[] = [];
  answerConfirm: (question: { message: string; detail: string; action: string }) => boolean = () => false;

  confirm(message: string, detail: string, action: string): Promise<boolean> {
    const question = { message, detail, action };
    this.confirmations.push(question);
    return this.track(Promise.resolve(this.answerConfirm(question)));
  }

  private show(severity: Severity, text: string, actions: string[]): Promise<string | undefined> {
    const message = { severity, text, actions };
    this.messages.push(message);
    return this.track(Promise.resolve(this.answerMessage(message)));
  }

  showQuickPick<T extends QuickPickEntry>(items: readonly T[], options: QuickPickOptions): Promise<T | undefined> {
    this.quickPicks.push({ items, options });
    const label = this.answerQuickPick(items);
    return this.track(Promise.resolve(items.find((item) => item.label === label)));
  }

  /** The labels the user ticks in a many-pick; dismissing by default. */
  answerQuickPickMany: (items: readonly QuickPickEntry[]) => string[] | undefined = () => undefined;

  showQuickPickMany<T extends QuickPickEntry>(items: readonly T[], options: QuickPickOptions): Promise<T[] | undefined> {
    this.quickPicks.push({ items, options });
    const labels = this.answerQuickPickMany(items);
    return this.track(Promise.resolve(labels && items.filter((item) => labels.includes(item.label))));
  }

  showInputBox(options: InputBoxOptions): Promise<string | undefined> {
    this.inputBoxes.push(options);
    return this.track(Promise.resolve(this.answerInputBox(options)));
  }

  withProgress<R>(
    options: ProgressOptions,
    task: (
      progress: { report(message: string): void },
      cancellation: { onCancellationRequested: Emitter<void>['event'] },
    ) => Promise<R>,
  ): Promise<R> {
    const shown: ShownProgress = { options, reports: [], settled: false, cancel: new Emitter<void>() };
    this.progress.push(shown);
    const run = task({ report: (message) => shown.reports.push(message) }, { onCancellationRequested: shown.cancel.event });
    return this.track(run.finally(() => (shown.settled = true)));
  }

  registerCommand(id: string, handler: (...args: never[]) => unknown): Disposable {
    if (this.commands.has(id)) throw new Error(`command ${id} is registered twice`);
    this.commands.set(id, handler);
    return { dispose: () => this.commands.delete(id) };
  }

  executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    this.executed.push({ id, args });
    return this.commands.has(id) ? this.run(id, ...args) : Promise.resolve(undefined);
  }

  async setContext(key: string, value: unknown): Promise<void> {
    this.contexts.set(key, value);
  }

  async writeClipboard(text: string): Promise<void> {
    this.clipboard = text;
  }

  /** Opens `text` as the active editor's document, the cursor at `cursor` (and an optional selection). */
  openEditor(
    uri: string,
    text: string,
    cursor = 0,
    selection?: { start: number; end: number },
    languageId = 'sql',
  ): DocumentSnapshot {
    const document: DocumentSnapshot = { uri, fileName: uri.replace(/^file:\/\//, ''), languageId, version: 1, text };
    this.documents.set(uri, document);
    this.documentOpened.fire(document);
    this.editor = { document, selections: selection ? [selection] : [], cursor };
    return document;
  }

  /** Replaces [start, end) of an open document with `text`, as typing would, and tells the listeners. */
  editDocument(uri: string, start: number, end: number, text: string): DocumentSnapshot {
    const old = this.documents.get(uri)!;
    const document = { ...old, version: old.version + 1, text: old.text.slice(0, start) + text + old.text.slice(end) };
    this.documents.set(uri, document);
    if (this.editor?.document.uri === uri) this.editor = { ...this.editor, document };
    this.documentChanged.fire({ document, changes: [{ start, end, length: text.length }] });
    return document;
  }

  closeDocument(uri: string): void {
    this.documents.delete(uri);
    this.documentClosed.fire(uri);
  }

  openDocuments(): DocumentSnapshot[] {
    return [...this.documents.values()];
  }

  /** A file of the workspace changed on disk: the watchers hear of it. */
  fileChanged(path: string): void {
    for (const listener of this.fileWatchers) listener(path);
  }

  activeEditor(): EditorSnapshot | undefined {
    return this.editor;
  }

  document(uri: string): DocumentSnapshot | undefined {
    return this.documents.get(uri);
  }

  createDiagnostics(name: string): DiagnosticSink {
    const shown = new Map<string, readonly DiagnosticItem[]>();
    this.diagnostics.set(name, shown);
    return { set: (uri, items) => shown.set(uri, items), dispose: () => this.diagnostics.delete(name) };
  }

  registerCodeLenses(selector: DocumentSelector, source: CodeLensSource): Disposable {
    const key = selectorKey(selector);
    this.codeLensSources.set(key, source);
    return { dispose: () => this.codeLensSources.delete(key) };
  }

  registerCodeActions(selector: DocumentSelector, source: CodeActionSource): Disposable {
    const key = selectorKey(selector);
    this.codeActionSources.set(key, source);
    return { dispose: () => this.codeActionSources.delete(key) };
  }

  registerCompletions(selector: DocumentSelector, source: CompletionSource, triggers: readonly string[]): Disposable {
    const key = selectorKey(selector);
    this.completionSources.set(key, { source, triggers });
    return { dispose: () => this.completionSources.delete(key) };
  }

  registerHovers(selector: DocumentSelector, source: HoverSource): Disposable {
    const key = selectorKey(selector);
    this.hoverSources.set(key, source);
    return { dispose: () => this.hoverSources.delete(key) };
  }

  async showFileAt(path: string, line: number, column: number): Promise<void> {
    this.shownFiles.push({ path, line, column });
  }

  /** The workspace's folders. */
  folders: string[] = [];

  workspaceFolders(): string[] {
    return this.folders;
  }

  async findFiles(include: string): Promise<string[]> {
    return this.workspaceFiles.filter((path) => globPattern(include).test(path));
  }

  watchFiles(_glob: string, listener: (path: string) => void): Disposable {
    this.fileWatchers.add(listener);
    return { dispose: () => this.fileWatchers.delete(listener) };
  }

  createWebviewPanel(options: WebviewPanelOptions): FakeWebviewPanel {
    const panel = new FakeWebviewPanel(options);
    this.webviewPanels.push(panel);
    return panel;
  }

  /** The serializers registered, by view type: `restorePanel` plays a window reload. */
  readonly webviewSerializers = new Map<string, (panel: WebviewPanelHandle, state: unknown) => void>();

  registerWebviewSerializer(
    options: Omit<WebviewPanelOptions, 'title' | 'beside'>,
    restore: (panel: WebviewPanelHandle, state: unknown) => void,
  ): Disposable {
    this.webviewSerializers.set(options.viewType, restore);
    return { dispose: () => this.webviewSerializers.delete(options.viewType) };
  }

  /** A window reload bringing back a panel of `viewType` whose page kept `state`. */
  restorePanel(viewType: string, state: unknown): FakeWebviewPanel {
    const panel = new FakeWebviewPanel({ viewType, title: 'restored', assetRoot: '/ext' });
    this.webviewPanels.push(panel);
    this.webviewSerializers.get(viewType)!(panel, state);
    return panel;
  }

  readonly statusBarMessages: string[] = [];

  setStatusBarMessage(text: string): void {
    this.statusBarMessages.push(text);
  }

  /** What the save dialog answers next (undefined: the person cancels), and what it was asked. */
  saveTarget: string | undefined = '/ws/out/result.csv';
  readonly saveDialogs: { suggestedName: string; filters: Record<string, string[]>; saveLabel: string }[] = [];

  async chooseSaveTarget(
    suggestedName: string,
    filters: Record<string, string[]>,
    saveLabel: string,
  ): Promise<string | undefined> {
    this.saveDialogs.push({ suggestedName, filters, saveLabel });
    return this.saveTarget;
  }

  relativePath(path: string): string {
    return path.replace(/^\/ws\//, '');
  }

  readonly revealedInOS: string[] = [];

  async revealFileInOS(path: string): Promise<void> {
    this.revealedInOS.push(path);
  }

  registerReadOnlyDocuments(scheme: string, content: (uri: string) => string | undefined): Disposable {
    this.readOnlyDocuments.set(scheme, content);
    return { dispose: () => this.readOnlyDocuments.delete(scheme) };
  }

  async showDocument(uri: string, options: { readonly language?: string; readonly beside?: boolean }): Promise<void> {
    this.shownDocuments.push({ uri, ...options });
  }

  private untitled = 0;

  async openUntitled(language: string, content: string): Promise<void> {
    this.openEditor(`untitled:Untitled-${++this.untitled}`, content, 0, undefined, language);
  }

  async setDocumentLanguage(uri: string, language: string): Promise<void> {
    const document = this.documents.get(uri);
    if (!document) return;
    const changed = { ...document, languageId: language };
    this.documents.set(uri, changed);
    if (this.editor?.document.uri === uri) this.editor = { ...this.editor, document: changed };
  }

  createStatusBarItem(options: StatusBarItemOptions): FakeStatusBarItem {
    const item = new FakeStatusBarItem(options);
    this.statusBarItems.push(item);
    return item;
  }

  createLogChannel(name: string): FakeLogChannel {
    const channel = new FakeLogChannel();
    this.logChannels.set(name, channel);
    return channel;
  }

  registerTree<T>(viewId: string, source: TreeSource<T>, options: { readonly showCollapseAll?: boolean } = {}): Disposable {
    this.trees.set(viewId, { source: source as TreeSource<unknown>, showCollapseAll: options.showCollapseAll ?? false });
    return { dispose: () => this.trees.delete(viewId) };
  }

  readonly notebookControllers = new Map<string, NotebookControllerOptions>();
  activeNotebook: string | undefined;

  activeNotebookUri(): string | undefined {
    return this.activeNotebook;
  }

  readonly cellStatusSources: CellStatusSource[] = [];
  readonly rendererListeners = new Map<string, (message: unknown) => void>();
  readonly notebookCloseListeners = new Set<(uri: string) => void>();
  readonly openedNotebooks: { notebookType: string; cells: readonly NewNotebookCell[] }[] = [];
  readonly addedOutputs: { outputId: string; output: CellOutput }[] = [];
  readonly savedFiles: { suggestedName: string; content: Uint8Array }[] = [];

  createNotebookController(options: NotebookControllerOptions): Disposable {
    this.notebookControllers.set(options.id, options);
    return { dispose: () => this.notebookControllers.delete(options.id) };
  }

  /** Runs cells through a controller as VS Code would; each cell's execution is recorded. */
  async executeCells(
    controllerId: string,
    notebookUri: string,
    cells: readonly Omit<NotebookCellInfo, 'notebookUri'>[],
  ): Promise<FakeCellExecution[]> {
    const executions: FakeCellExecution[] = [];
    await this.notebookControllers.get(controllerId)!.execute(
      cells.map((cell) => ({ ...cell, notebookUri })),
      notebookUri,
      () => {
        const execution = new FakeCellExecution();
        executions.push(execution);
        return execution;
      },
    );
    return executions;
  }

  registerCellStatusBar(_notebookType: string, source: CellStatusSource): Disposable {
    this.cellStatusSources.push(source);
    return { dispose: () => undefined };
  }

  onDidReceiveRendererMessage(rendererId: string, listener: (message: unknown) => void): Disposable {
    this.rendererListeners.set(rendererId, listener);
    return { dispose: () => this.rendererListeners.delete(rendererId) };
  }

  onDidCloseNotebook(listener: (notebookUri: string) => void): Disposable {
    this.notebookCloseListeners.add(listener);
    return { dispose: () => this.notebookCloseListeners.delete(listener) };
  }

  async openNewNotebook(notebookType: string, cells: readonly NewNotebookCell[]): Promise<void> {
    this.openedNotebooks.push({ notebookType, cells });
  }

  /** Cells by the output ids they hold (what cellOfOutput finds). */
  readonly cellsByOutput = new Map<string, NotebookCellInfo>();

  cellOfOutput(outputId: string): NotebookCellInfo | undefined {
    return this.cellsByOutput.get(outputId);
  }

  async addOutputToCellOf(outputId: string, output: CellOutput): Promise<boolean> {
    this.addedOutputs.push({ outputId, output });
    return true;
  }

  async saveWithDialog(
    suggestedName: string,
    content: Uint8Array,
    filters: Record<string, string[]> = {},
    saveLabel = 'Save',
  ): Promise<string | undefined> {
    this.saveDialogs.push({ suggestedName, filters, saveLabel });
    this.savedFiles.push({ suggestedName, content });
    return `/saved/${suggestedName}`;
  }
}

export class FakeCellExecution implements CellExecution {
  startedAt: number | undefined;
  order: number | undefined;
  outputs: CellOutput[] = [];
  ended: { success: boolean | undefined } | undefined;

  start(startTime: number): void {
    this.startedAt = startTime;
  }

  setExecutionOrder(order: number): void {
    this.order = order;
  }

  async clearOutput(): Promise<void> {
    this.outputs = [];
  }

  async appendOutput(output: CellOutput): Promise<void> {
    this.outputs.push(output);
  }

  end(success: boolean | undefined): void {
    this.ended = { success };
  }
}
