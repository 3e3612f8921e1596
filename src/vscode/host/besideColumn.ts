import * as vscode from 'vscode';

/**
 * Where a results, graph or failing-rows panel opens: the group that already shows one of ours, else
 * beside the editor. Opening each "beside" the one before made a new narrow column per panel.
 */
export function besideColumn(): vscode.ViewColumn {
  for (const group of vscode.window.tabGroups.all)
    if (group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('sparkWorkbench.')))
      return group.viewColumn;
  return vscode.ViewColumn.Beside;
}
