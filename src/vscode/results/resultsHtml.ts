import * as vscode from 'vscode';
import { webviewPage } from '../webviews/webviewPage.js';

/** The results webview's page (see webviewPage for its CSP). */
export function resultsHtml(webview: vscode.Webview, bundleRoot: vscode.Uri, title: string): string {
  return webviewPage(
    { cspSource: webview.cspSource, assetUri: (name) => webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, name)).toString() },
    'results',
    title,
  );
}
