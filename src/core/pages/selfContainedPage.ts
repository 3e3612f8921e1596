import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The dashboard page's script and stylesheet, as built into dist/webview. */
export interface PageAssets {
  readonly script: string;
  readonly css: string;
}

export async function readPageAssets(webviewDir: string, name: string): Promise<PageAssets> {
  const [script, css] = await Promise.all([
    readFile(join(webviewDir, `${name}.js`), 'utf8'),
    readFile(join(webviewDir, `${name}.css`), 'utf8'),
  ]);
  // The source map stays behind: the page must not point anywhere.
  return { script: script.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'), css };
}

/**
 * One HTML file that draws itself offline: the page's script, styles and data are inside it, and its
 * Content Security Policy allows exactly that script and that style (by hash) and nothing from
 * anywhere (no network, no eval: Vega runs through its interpreter). The data block is JSON that
 * cannot close its own script element.
 */
export function selfContainedPage(title: string, data: unknown, assets: PageAssets): string {
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const script = assets.script.replace(/<\/script/gi, '<\\/script');
  const css = assets.css.replace(/<\/style/gi, '<\\/style');
  return htmlPage(
    title,
    [`script-src ${sha256(script)}`, `style-src ${sha256(css)}`, `img-src data: blob:`, `connect-src 'none'`],
    css,
    `<div id="app"></div>
<script type="application/json" id="dashboard-data">${json}</script>
<script>${script}</script>`,
  );
}

/**
 * One HTML file with no script at all (a report): its styles inside it, allowed by hash, and nothing
 * else allowed. `body` is HTML the caller built with every value escaped (escapeHtml).
 */
export function staticPage(title: string, body: string, css: string): string {
  return htmlPage(title, [`style-src ${sha256(css)}`, `img-src data:`], css, body);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page whose CSP allows nothing but `allowed` (no base, no form posts), its one stylesheet inline. */
function htmlPage(title: string, allowed: readonly string[], css: string, body: string): string {
  const csp = [`default-src 'none'`, ...allowed, `form-action 'none'`, `base-uri 'none'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}
