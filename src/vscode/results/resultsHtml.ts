import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The results webview's page. The CSP allows nothing by default: scripts only with this page's nonce
 * (and what they load, through 'strict-dynamic'), styles and images only from the extension's bundle,
 * no network. There is no 'unsafe-eval': Vega runs through its AST interpreter.
 */
export function resultsHtml(webview: vscode.Webview, bundleRoot: vscode.Uri, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, name));
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
    `font-src ${webview.cspSource}`,
    `connect-src 'none'`,
    `worker-src 'none'`,
    `frame-src 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('results.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" data-state="loading"></div>
<script nonce="${nonce}" src="${asset('results.js')}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
