import * as vscode from 'vscode';
import { besideColumn } from './besideColumn.js';
import { saveDialog } from './saveDialog.js';
import { vscodeEditorHost } from './vscodeEditorHost.js';
import { vscodeNotebookHost } from './vscodeNotebookHost.js';
import type {
  StatusBarEntry,
  TreeItemDescription,
  TreeSource,
  WebviewPanelHandle,
  WebviewPanelOptions,
  WorkbenchHost,
} from './workbenchHost.js';

/**
 * The seam over the real `vscode` module: each member forwards to one API call and converts plain
 * descriptions to VS Code objects. Decisions belong in the callers, which are unit-tested with a fake.
 */
export const vscodeHost: WorkbenchHost = {
  ...vscodeEditorHost,
  ...vscodeNotebookHost,
  isTrusted: () => vscode.workspace.isTrusted,
  settings: (section) => vscode.workspace.getConfiguration(section),
  onDidChangeSettings: (listener) =>
    vscode.workspace.onDidChangeConfiguration((event) => listener({ affects: (key) => event.affectsConfiguration(key) })),
  updateUserSetting: async (section, key, value) => {
    await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
  },

  showInformationMessage: (message, ...actions) => Promise.resolve(vscode.window.showInformationMessage(message, ...actions)),
  showWarningMessage: (message, ...actions) => Promise.resolve(vscode.window.showWarningMessage(message, ...actions)),
  showErrorMessage: (message, ...actions) => Promise.resolve(vscode.window.showErrorMessage(message, ...actions)),
  confirm: async (message, detail, action) =>
    (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
  showQuickPick: (items, options) => Promise.resolve(vscode.window.showQuickPick([...items], options)),
  showQuickPickMany: (items, options) =>
    Promise.resolve(vscode.window.showQuickPick([...items], { ...options, canPickMany: true })),
  showInputBox: (options) => Promise.resolve(vscode.window.showInputBox(options)),
  withProgress: (options, task) =>
    Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: options.title, cancellable: options.cancellable },
        (progress, token) =>
          task(
            { report: (message) => progress.report({ message }) },
            { onCancellationRequested: (listener) => token.onCancellationRequested(listener) },
          ),
      ),
    ),

  registerCommand: (id, handler) => vscode.commands.registerCommand(id, handler),
  executeCommand: (id, ...args) => Promise.resolve(vscode.commands.executeCommand(id, ...args)),
  setContext: async (key, value) => {
    await vscode.commands.executeCommand('setContext', key, value);
  },

  writeClipboard: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),

  createStatusBarItem: ({ id, name, priority }): StatusBarEntry => {
    const item = vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Left, priority);
    item.name = name;
    return {
      render: ({ text, tooltip, command, isError }) => {
        item.text = text;
        item.tooltip = typeof tooltip === 'string' ? tooltip : new vscode.MarkdownString(tooltip.markdown);
        item.command = command;
        item.backgroundColor = isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      },
      show: () => item.show(),
      dispose: () => item.dispose(),
    };
  },

  createLogChannel: (name) => {
    const channel = vscode.window.createOutputChannel(name, { log: true });
    return {
      info: (text) => channel.info(text),
      error: (text) => channel.error(text),
      show: (preserveFocus) => channel.show(preserveFocus),
      dispose: () => channel.dispose(),
    };
  },

  registerTree: <T>(viewId: string, source: TreeSource<T>, options: { readonly showCollapseAll?: boolean } = {}) => {
    const changed = new vscode.EventEmitter<void>();
    const subscription = source.onDidChangeTreeData(() => changed.fire());
    const view = vscode.window.createTreeView<T>(viewId, {
      treeDataProvider: {
        onDidChangeTreeData: changed.event,
        getChildren: (node) => source.getChildren(node),
        getTreeItem: (node) => treeItem(source.treeItem(node)),
      },
      showCollapseAll: options.showCollapseAll ?? false,
    });
    return {
      dispose: () => {
        view.dispose();
        subscription.dispose();
        changed.dispose();
      },
    };
  },

  workspaceFolders: () => (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
  findFiles: async (include, exclude) => (await vscode.workspace.findFiles(include, exclude)).map((uri) => uri.fsPath),
  watchFiles: (glob, listener) => {
    const watcher = vscode.workspace.createFileSystemWatcher(glob);
    const report = (uri: vscode.Uri) => listener(uri.fsPath);
    const subscriptions = [watcher.onDidCreate(report), watcher.onDidChange(report), watcher.onDidDelete(report)];
    return { dispose: () => [...subscriptions, watcher].forEach((d) => d.dispose()) };
  },
  createWebviewPanel: (options): WebviewPanelHandle => {
    const panel = vscode.window.createWebviewPanel(
      options.viewType,
      options.title,
      { viewColumn: options.beside ? besideColumn() : vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.file(options.assetRoot)] },
    );
    return panelHandle(panel, options);
  },
  registerWebviewSerializer: (options, restore) =>
    vscode.window.registerWebviewPanelSerializer(options.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.file(options.assetRoot)] };
        restore(panelHandle(panel, options), state);
      },
    }),
  setStatusBarMessage: (text, timeoutMs) => void vscode.window.setStatusBarMessage(text, timeoutMs),
  chooseSaveTarget: async (suggestedName, filters, saveLabel) => (await saveDialog(suggestedName, filters, saveLabel))?.fsPath,
  relativePath: (path) => vscode.workspace.asRelativePath(vscode.Uri.file(path)),
  revealFileInOS: async (path) => {
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
  },
};

/** A VS Code webview panel in the seam's plain terms. */
function panelHandle(panel: vscode.WebviewPanel, options: Omit<WebviewPanelOptions, 'title' | 'beside'>): WebviewPanelHandle {
  const assetRoot = vscode.Uri.file(options.assetRoot);
  if (options.icon) panel.iconPath = new vscode.ThemeIcon(options.icon);
  return {
    cspSource: panel.webview.cspSource,
    assetUri: (name) => panel.webview.asWebviewUri(vscode.Uri.joinPath(assetRoot, name)).toString(),
    setHtml: (html) => (panel.webview.html = html),
    setTitle: (title) => (panel.title = title),
    postMessage: (message) => Promise.resolve(panel.webview.postMessage(message)),
    onDidReceiveMessage: (listener) => panel.webview.onDidReceiveMessage(listener),
    onDidDispose: (listener) => panel.onDidDispose(() => listener()),
    reveal: () => panel.reveal(undefined, options.preserveFocus ?? false),
    dispose: () => panel.dispose(),
  };
}

function treeItem(description: TreeItemDescription): vscode.TreeItem {
  const collapsible = description.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(description.label, collapsible);
  item.description = description.description;
  item.tooltip = description.tooltip;
  item.contextValue = description.contextValue;
  if (description.icon) item.iconPath = new vscode.ThemeIcon(description.icon);
  item.id = description.id;
  if (description.expandable && description.expanded) item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
  if (description.command)
    item.command = {
      command: description.command.id,
      title: description.command.title,
      arguments: [...description.command.args],
    };
  return item;
}
