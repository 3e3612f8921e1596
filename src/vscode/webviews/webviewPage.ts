import { randomBytes } from 'node:crypto';

/** What a page needs of its webview: where its assets load from, and the CSP source naming that place. */
export interface WebviewAssets {
  readonly cspSource: string;
  assetUri(name: string): string;
}

/**
 * A webview's page: one script and one stylesheet of the bundle `name` (`name.js`, `name.css`). The CSP
 * allows nothing by default: scripts only with this page's nonce, styles and images only from the
 * extension's bundle, no network. There is no 'unsafe-eval' (Vega runs through its AST interpreter).
 */
export function webviewPage(assets: WebviewAssets, name: string, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${assets.cspSource}`,
    `img-src ${assets.cspSource} data: blob:`,
    `font-src ${assets.cspSource}`,
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
<link rel="stylesheet" href="${assets.assetUri(`${name}.css`)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" data-state="loading"></div>
<script nonce="${nonce}" src="${assets.assetUri(`${name}.js`)}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
