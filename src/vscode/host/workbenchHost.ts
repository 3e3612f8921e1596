// The seam between the VS Code layer and VS Code: the part of the `vscode` API that commands, views and
// the status bar use, in plain types. `vscodeHost.ts` implements it once over the real API; unit tests
// implement it with a fake, so everything written against this interface runs in plain Node.
import type { Disposable, Event } from '../../core/util/events.js';
import type { EditorHost } from './editorHost.js';
import type { NotebookHost } from './notebookHost.js';

export interface QuickPickEntry {
  readonly label: string;
  readonly description?: string;
  /** Ticked when a many-pick opens. */
  readonly picked?: boolean;
}

export interface QuickPickOptions {
  readonly title?: string;
  readonly placeHolder?: string;
}

export interface InputBoxOptions {
  readonly title?: string;
  readonly prompt?: string;
  /** The text the box starts with. */
  readonly value?: string;
  readonly password?: boolean;
  readonly ignoreFocusOut?: boolean;
  /** A message saying what is wrong with the text, or undefined when it is acceptable. */
  readonly validateInput?: (text: string) => string | undefined;
}

/** A progress notification. */
export interface ProgressOptions {
  readonly title: string;
  readonly cancellable: boolean;
}

export interface ProgressReporter {
  report(message: string): void;
}

export interface Cancellation {
  readonly onCancellationRequested: Event<void>;
}

/** One settings section, e.g. `sparkWorkbench`; keys below it may be dotted (`localSpark.port`). */
export interface SettingsSection {
  /** The effective value (workspace over user over default). */
  get<T>(key: string, fallback: T): T;
  /** The value per scope, so untrusted workspaces can ignore the workspace's own. */
  inspect<T>(key: string): { readonly globalValue?: T; readonly defaultValue?: T } | undefined;
}

/** Plain text, or Markdown (rendered untrusted: no command links run). */
export type Tooltip = string | { readonly markdown: string };

/** What a status bar item shows, and what clicking it runs. */
export interface StatusBarPresentation {
  readonly text: string;
  readonly tooltip: Tooltip;
  readonly command: string;
  /** Drawn on the theme's error background. */
  readonly isError: boolean;
}

/** A left-aligned status bar item. */
export interface StatusBarItemOptions {
  readonly id: string;
  readonly name: string;
  readonly priority: number;
}

export interface StatusBarEntry extends Disposable {
  render(presentation: StatusBarPresentation): void;
  show(): void;
}

/** A log output channel (timestamps and levels are the channel's). */
export interface LogChannel extends Disposable {
  info(text: string): void;
  error(text: string): void;
  show(preserveFocus: boolean): void;
}

/** How one tree node looks; `icon` is a codicon id such as `database` or `loading~spin`. */
export interface TreeItemDescription {
  readonly label: string;
  readonly description?: string;
  readonly tooltip?: string;
  /** Matched by `viewItem == …` in the menus of package.json. */
  readonly contextValue?: string;
  readonly icon?: string;
  /** Shown collapsed, with children loaded on expansion. */
  readonly expandable?: boolean;
  /** Keeps selection and expansion across repaints. */
  readonly id?: string;
  /** Run when the node is clicked. */
  readonly command?: { readonly id: string; readonly args: readonly unknown[]; readonly title: string };
  /** Open from the start (with `expandable`). */
  readonly expanded?: boolean;
}

/** A tree view's content: the nodes, how each looks, and when to repaint the whole tree. */
export interface TreeSource<T> {
  readonly onDidChangeTreeData: Event<void>;
  getChildren(node?: T): T[] | Promise<T[]>;
  treeItem(node: T): TreeItemDescription;
}

export interface WorkbenchHost extends EditorHost, NotebookHost {
  /** Whether the workspace is trusted (false in Restricted Mode). */
  isTrusted(): boolean;
  settings(section: string): SettingsSection;
  /** Settings changed; `affects('sparkWorkbench.localSpark.port')` says whether a key (or section) did. */
  readonly onDidChangeSettings: Event<{ affects(key: string): boolean }>;
  /** Writes a setting to the user's settings (not the workspace's). */
  updateUserSetting(section: string, key: string, value: unknown): Promise<void>;

  /** Each message resolves to the action chosen, or undefined when dismissed. */
  showInformationMessage(message: string, ...actions: string[]): Promise<string | undefined>;
  showWarningMessage(message: string, ...actions: string[]): Promise<string | undefined>;
  showErrorMessage(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A modal question with `detail` below it; true when the person chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  showQuickPick<T extends QuickPickEntry>(items: readonly T[], options: QuickPickOptions): Promise<T | undefined>;
  /** A pick with check boxes; undefined when dismissed. */
  showQuickPickMany<T extends QuickPickEntry>(items: readonly T[], options: QuickPickOptions): Promise<T[] | undefined>;
  showInputBox(options: InputBoxOptions): Promise<string | undefined>;
  /** Runs `task` under a progress notification that closes when the task settles. */
  withProgress<R>(
    options: ProgressOptions,
    task: (progress: ProgressReporter, cancellation: Cancellation) => Promise<R>,
  ): Promise<R>;

  registerCommand(id: string, handler: (...args: never[]) => unknown): Disposable;
  executeCommand(id: string, ...args: unknown[]): Promise<unknown>;
  /** Sets a context key for `when` clauses in package.json. */
  setContext(key: string, value: unknown): Promise<void>;

  writeClipboard(text: string): Promise<void>;

  createStatusBarItem(options: StatusBarItemOptions): StatusBarEntry;
  createLogChannel(name: string): LogChannel;
  registerTree<T>(viewId: string, source: TreeSource<T>, options?: { readonly showCollapseAll?: boolean }): Disposable;

  /** The paths of the workspace's folders (none when no folder is open). */
  workspaceFolders(): string[];
  /** Paths of the workspace's files matching a glob, outside `exclude`. */
  findFiles(include: string, exclude?: string): Promise<string[]>;
  /** Calls `listener` whenever a file matching the glob is created, changed or deleted. */
  watchFiles(glob: string, listener: (path: string) => void): Disposable;
  createWebviewPanel(options: WebviewPanelOptions): WebviewPanelHandle;
  /**
   * Brings panels of `viewType` back after a window reload: `restore` gets each one with the state its
   * page kept (unvalidated).
   */
  registerWebviewSerializer(
    options: Omit<WebviewPanelOptions, 'title' | 'beside'>,
    restore: (panel: WebviewPanelHandle, state: unknown) => void,
  ): Disposable;
  /** A short message in the status bar, gone after `timeoutMs`. */
  setStatusBarMessage(text: string, timeoutMs: number): void;
  /** Where the person picks to save a file (the dialog's button says `saveLabel`); undefined when cancelled. */
  chooseSaveTarget(suggestedName: string, filters: Record<string, string[]>, saveLabel: string): Promise<string | undefined>;
  /** A path as the workspace names it (relative to its folder when inside one). */
  relativePath(path: string): string;
  /** Shows a file in the system's file manager. */
  revealFileInOS(path: string): Promise<void>;
}

export interface WebviewPanelOptions {
  /** Also the `webviewId` of `webview/context` menus. */
  readonly viewType: string;
  readonly title: string;
  /** A codicon id for the tab. */
  readonly icon?: string;
  /** The folder the page's scripts and stylesheets load from (the only one it may read). */
  readonly assetRoot: string;
  readonly beside?: boolean;
  /** Keep the keyboard where it is when the panel opens or is revealed (a results panel beside the editor). */
  readonly preserveFocus?: boolean;
}

/** A webview panel, in plain terms; its messages arrive unvalidated (`unknown`). */
export interface WebviewPanelHandle extends Disposable {
  /** The CSP source the page's assets load from. */
  readonly cspSource: string;
  /** The URI of an asset of `assetRoot` as the page must load it. */
  assetUri(name: string): string;
  setHtml(html: string): void;
  setTitle(title: string): void;
  postMessage(message: unknown): Promise<boolean>;
  readonly onDidReceiveMessage: Event<unknown>;
  readonly onDidDispose: Event<void>;
  reveal(): void;
}
