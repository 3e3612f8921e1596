import * as vscode from 'vscode';

/** VS Code's save dialog, starting in the workspace's first folder with a suggested file name. */
export function saveDialog(
  suggestedName: string,
  filters: Record<string, string[]>,
  saveLabel: string,
): Thenable<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
    filters,
    saveLabel,
  });
}
