/**
 * Results grid scrolling: frame times of the real results webview (dist/webview/results.js, fed Arrow
 * IPC batches exactly as the extension host sends them) while it scrolls a 1,000,000-row result, and
 * the same figures for a peer measured in the same run: a plain, non-virtualized HTML <table> holding
 * every row in the DOM, the way simple result viewers render. A million-row <table> does not load in
 * reasonable time, so the peer holds 100,000 rows (the output says so).
 *
 *   node scripts/build.mjs && npm run bench:grid
 *   BENCH_GRID_ROWS=200000 npm run bench:grid      # rows in the grid (default 1,000,000)
 *   BENCH_PEER_ROWS (100,000), BENCH_GRID_BATCH (rows per Arrow batch, 16,384), BENCH_GRID_SECONDS (per
 *   pass, 3) and BENCH_GRID_ROUNDS (2): both pages stay open and take turns, pass by pass.
 *
 * What the numbers mean: each side scrolls its scroll container programmatically in three passes:
 * scrollTop advancing 2,000 px every animation frame ("fast"), 66 px = 3 rows a frame ("small", about a
 * wheel or trackpad) and seeded random jumps across the whole height ("random"). A frame time is the gap
 * between successive requestAnimationFrame timestamps. Headless Chromium (software rendering,
 * --disable-gpu) has no real vsync: rAF is paced by a ~60 Hz timer, so 16.7 ms is the floor, and frame
 * times come in multiples of it. "main" is the part of a frame the main thread spent (script, style,
 * layout, paint); a frame slower than its main-thread time waited on raster or the compositor, or on a
 * CPU busy with other processes (the load average is printed for that reason). Absolute figures are this
 * machine's; the ratio between the two sides of one run is what compares. Programmatic scrollTop is
 * main-thread scrolling: it cannot show a compositor-driven wheel scroll running ahead of the grid's
 * render, only how long each frame's work takes. Load time is from handing the page its data (already
 * fetched, so the network is not measured) to the first frame painted with it. Long tasks come from
 * PerformanceObserver('longtask') (over 50 ms); the split of main-thread time into script, style, layout,
 * paint and so on from a Chromium trace of one extra, unmeasured pass per side. Figures go to stdout,
 * progress to stderr; screenshots land in test-results/bench/.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Data, DataType } from 'apache-arrow';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../scripts/e2e/chromium.mjs';
import { MAX_BODY_HEIGHT } from '../src/webview/results/grid.js';
import { projectRoot } from '../scripts/runtimeDir.mjs';
import { batchToIpc, schemaToIpc } from '../src/core/arrow/arrowIpc.js';
import { isNumericType, sparkValueAt, toDisplayText } from '../src/core/arrow/sparkValues.js';

// tsx runs the project's .ts files as CommonJS (package.json has no "type": "module"), so arrowIpc.ts
// gets apache-arrow's CommonJS build, and Arrow's writer does not recognize types made by its ES module
// build (it writes an unreadable schema): build the batches with the very instance that writes them.
const {
  Bool,
  Decimal,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
type RecordBatch = import('apache-arrow').RecordBatch;

const rows = Number(process.env.BENCH_GRID_ROWS ?? 1_000_000);
const peerRows = Math.min(rows, Number(process.env.BENCH_PEER_ROWS ?? 100_000));
const batchRows = Number(process.env.BENCH_GRID_BATCH ?? 16_384);
const passMs = Number(process.env.BENCH_GRID_SECONDS ?? 3) * 1000;
const rounds = Number(process.env.BENCH_GRID_ROUNDS ?? 2);
const ROW_HEIGHT = 22; // the grid's fixed row height (grid.ts); the peer's rows are styled to match
/** The scroll passes, each run on both sides. */
const PASSES = [
  { name: 'fast', mode: 'linear', stepPx: 2000, seed: 1, about: '2,000 px per frame' },
  // A wheel or trackpad moves a few rows a frame: the grid still rebuilds its rows, the table only moves.
  { name: 'small', mode: 'linear', stepPx: 3 * ROW_HEIGHT, seed: 1, about: '66 px (3 rows) per frame' },
  { name: 'random', mode: 'random', stepPx: 0, seed: 20240611, about: 'seeded jumps across the whole height' },
] as const;
type PassName = (typeof PASSES)[number]['name'];
const FRAME_MS = 1000 / 60;
const RUN_ID = 1;
// Chromium caps a box at 2^25 - 4 px (its LayoutUnit range); the grid keeps its body under
// MAX_BODY_HEIGHT and maps its scrollbar onto the rows past that, so every row stays in reach.
const MAX_BOX_PX = 33_554_428;

const log = (line: string) => console.error(line);
const count = (n: number) => n.toLocaleString('en-US');
const webviewDir = join(projectRoot, 'dist', 'webview');
const shotsDir = join(projectRoot, 'test-results', 'bench');

if (!existsSync(join(webviewDir, 'results.js')))
  throw new Error('dist/webview/results.js is missing: run `node scripts/build.mjs` first.');
// A stale bundle would measure yesterday's grid without saying so.
const bundleTime = statSync(join(webviewDir, 'results.js')).mtimeMs;
const sourceDir = join(projectRoot, 'src', 'webview', 'results');
const newer = readdirSync(sourceDir).filter((name) => statSync(join(sourceDir, name)).mtimeMs > bundleTime);
if (newer.length) log(`warning: ${newer.join(', ')} changed after dist/webview/results.js was built; run node scripts/build.mjs`);

// ---------------------------------------------------------------------------------------------------
// The result, as Spark would send it: Arrow record batches with Spark's types for BIGINT, STRING,
// DOUBLE, DECIMAL(12,2), TIMESTAMP (microseconds, UTC-adjusted) and BOOLEAN, some NULLs, varied widths.

const schema = new Schema([
  new Field('id', new Int64(), false),
  new Field('name', new Utf8(), true),
  new Field('amount', new Float64(), true),
  new Field('price', new Decimal(2, 12, 128), true),
  new Field('created', new TimestampMicrosecond('UTC'), true),
  new Field('active', new Bool(), true),
]);
const WORDS = ['north', 'harbor', 'quartz', 'meadow', 'lantern', 'copper', 'willow', 'ember', 'summit', 'delta', 'orchid'];

/** Deterministic, well-mixed bits per row, so every run builds the same data. */
const mix = (id: number) => {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

function singleChunk(values: (string | number | null)[], type: DataType): Data {
  const chunks = vectorFromArray(values, type).data;
  if (chunks.length !== 1) throw new Error(`expected one Arrow chunk, got ${chunks.length}`);
  return chunks[0]!;
}

function makeBatch(start: number, length: number): RecordBatch {
  const ids = new BigInt64Array(length);
  const names: (string | null)[] = [];
  const amounts: (number | null)[] = [];
  const priceWords = new Uint32Array(length * 4);
  const created = new BigInt64Array(length);
  const active = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    const id = start + i;
    const h = mix(id);
    ids[i] = BigInt(id);
    // 1 to 6 words plus the id: names from ~8 to ~50 characters, so columns are not all one width.
    const words = Array.from({ length: 1 + (h % 6) }, (_, w) => WORDS[(h >>> (w * 4)) % WORDS.length]!);
    names.push(id % 97 === 0 ? null : `${words.join(' ')} #${id}`);
    amounts.push(id % 37 === 0 ? null : h % 5 === 0 ? (h % 100_000) / 7 : (h % 10_000_000) / 100 - 20_000);
    // DECIMAL(12,2) as Arrow's 128-bit little-endian two's complement words; |unscaled| < 2^31 here.
    const unscaled = (h % 200_000_000) - 50_000_000;
    priceWords[i * 4] = unscaled >>> 0;
    priceWords.fill(unscaled < 0 ? 0xffffffff : 0, i * 4 + 1, i * 4 + 4);
    created[i] = 1_700_000_000_000_000n + BigInt(id) * 31_536_017n + BigInt(h % 1_000_000);
    if (h % 3 !== 0) active[i >> 3]! |= 1 << (i & 7);
  }
  const children = [
    makeData({ type: new Int64(), length, nullCount: 0, data: ids }),
    singleChunk(names, new Utf8()),
    singleChunk(amounts, new Float64()),
    makeData({ type: new Decimal(2, 12, 128), length, nullCount: 0, data: priceWords }),
    makeData({ type: new TimestampMicrosecond('UTC'), length, nullCount: 0, data: created }),
    makeData({ type: new Bool(), length, nullCount: 0, data: active }),
  ];
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

log(`Building ${count(rows)} rows in batches of ${count(batchRows)}…`);
const schemaIpc = schemaToIpc(schema);
const batchIpcs: Uint8Array[] = [];
// The peer shows the very text the grid shows (the project's own formatting), so both draw the same glyphs.
const peerTexts: (string | null)[][] = [];
for (let start = 0; start < rows; start += batchRows) {
  const batch = makeBatch(start, Math.min(batchRows, rows - start));
  batchIpcs.push(batchToIpc(batch));
  for (let i = 0; i < batch.numRows && start + i < peerRows; i++) {
    peerTexts.push(
      schema.fields.map((_, column) => {
        const value = sparkValueAt(batch.getChildAt(column)!.data[0]!, i);
        return value === null ? null : toDisplayText(value);
      }),
    );
  }
}
const ipcBytes = batchIpcs.reduce((sum, ipc) => sum + ipc.byteLength, schemaIpc.byteLength);
const peerJson = JSON.stringify({
  columns: schema.fields.map((field) => field.name),
  numeric: schema.fields.map((field) => isNumericType(field.type)),
  rows: peerTexts,
});
peerTexts.length = 0;

// ---------------------------------------------------------------------------------------------------
// Pages, served over http on 127.0.0.1 (as a webview is an origin of its own, not file://).

const nonce = randomBytes(18).toString('base64');
// VS Code injects its theme as CSS variables on <html>; these are a few Light+ values, so borders,
// stripes and fonts paint as they would in the editor (an unthemed page paints less).
const THEME_CSS = `html {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: 'DejaVu Sans Mono', monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #3b3b3b; --vscode-editor-background: #ffffff; --vscode-descriptionForeground: #717171;
  --vscode-panel-border: #e5e5e5; --vscode-editorWidget-border: #e5e5e5; --vscode-list-hoverBackground: #f2f2f2;
  --vscode-editorLineNumber-foreground: #6e7681; --vscode-editorGroupHeader-tabsBackground: #f8f8f8;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-focusBorder: #005fb8;
  --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b; --vscode-disabledForeground: #8b8b8b;
}`;
// The peer: default table layout, one cell per value, the header sticky, typography as the grid's.
// Separate (not collapsed) borders: with border-collapse Chromium's frames while scrolling a big table
// are about ten times slower again, which would flatter the grid.
const PEER_CSS = `html, body { height: 100%; margin: 0; overflow: hidden; }
body { color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
#peer { position: absolute; overflow: auto; }
table { border-collapse: separate; border-spacing: 0; }
th, td { height: ${ROW_HEIGHT}px; line-height: ${ROW_HEIGHT}px; padding: 0 8px; white-space: pre;
  border-right: 1px solid var(--vscode-editorWidget-border); text-align: left; }
th { position: sticky; top: 0; background: var(--vscode-editorGroupHeader-tabsBackground); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.null { color: var(--vscode-disabledForeground); font-style: italic; }
tbody tr:nth-child(even) td { background: color-mix(in srgb, var(--vscode-list-hoverBackground) 40%, transparent); }
td.gutter { color: var(--vscode-editorLineNumber-foreground); text-align: right; }`;

function page(origin: string, body: string, styles: string[]): string {
  // Like the extension's page: nothing by default, scripts only with the nonce, no eval. connect-src
  // lets the harness fetch the data from this server (the extension has no network at all).
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${origin}`,
    `img-src ${origin} data: blob:`,
    `font-src ${origin}`,
    `connect-src ${origin}`,
    `worker-src 'none'`,
    `frame-src 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
${styles.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
<title>grid scroll bench</title>
</head>
<body>
${body}
</body>
</html>`;
}

// A stand-in for the webview API: what the page posts is kept for the harness to read.
const VSCODE_API_STUB = `window.benchPosted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.benchPosted.push(message),
  getState: () => undefined,
  setState: () => {},
});`;

const server = createServer((request, response) => {
  const origin = `http://${request.headers.host}`;
  const send = (type: string, content: string | Uint8Array) => {
    response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(content);
  };
  const path = request.url ?? '/';
  const ipc = /^\/ipc\/(\d+)$/.exec(path);
  if (path === '/grid.html') {
    send(
      'text/html; charset=utf-8',
      page(
        origin,
        `<div id="app" data-state="loading"></div>
<script nonce="${nonce}">${VSCODE_API_STUB}</script>
<script nonce="${nonce}" src="/results.js"></script>`,
        ['/theme.css', '/results.css'],
      ),
    );
  } else if (path === '/peer.html')
    send('text/html; charset=utf-8', page(origin, '<div id="peer"></div>', ['/theme.css', '/peer.css']));
  else if (path === '/favicon.ico') response.writeHead(204).end();
  else if (path === '/results.js') send('text/javascript', readFileSync(join(webviewDir, 'results.js')));
  else if (path === '/results.css') send('text/css', readFileSync(join(webviewDir, 'results.css')));
  else if (path === '/theme.css') send('text/css', THEME_CSS);
  else if (path === '/peer.css') send('text/css', PEER_CSS);
  else if (path === '/peer.json') send('application/json', peerJson);
  else if (path === '/ipc/schema') send('application/octet-stream', schemaIpc);
  else if (ipc && batchIpcs[Number(ipc[1])]) send('application/octet-stream', batchIpcs[Number(ipc[1])]!);
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// ---------------------------------------------------------------------------------------------------
// In-page code. These functions are serialized into the page by page.evaluate, so they use nothing
// from this module's scope. (DevTools evaluation is not subject to the page's CSP, the page's own
// scripts still are.)

interface LoadResult {
  readonly loadMs: number;
  /** The longest task while loading: how long the page could not respond to input. */
  readonly longestTaskMs: number;
  readonly domElements: number;
  readonly cspViolations: string;
}

interface GridLoadArgs {
  readonly origin: string;
  readonly batches: number;
  readonly rows: number;
  readonly bytes: number;
  readonly runId: number;
  readonly rowHeight: number;
  readonly maxBodyPx: number;
}

async function loadGridInPage(args: GridLoadArgs): Promise<LoadResult> {
  const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
  const bytesOf = async (name: string) => (await fetch(`${args.origin}/ipc/${name}`)).arrayBuffer();
  const schemaBuffer = await bytesOf('schema');
  const buffers = await Promise.all(Array.from({ length: args.batches }, (_, i) => bytesOf(String(i))));
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration)));
  observer.observe({ type: 'longtask' });

  const start = performance.now();
  // The host's messages for one run, in resultsPanel's order (less its periodic stats); bytes are
  // transferred, not copied.
  const run = { runId: args.runId, title: 'bench', sql: 'SELECT * FROM bench', rowLimit: args.rows, startedAt: Date.now() };
  window.postMessage({ type: 'runStarted', run: { ...run, chartPushdownThreshold: 20_000 } }, '*');
  window.postMessage({ type: 'schema', runId: args.runId, ipc: new Uint8Array(schemaBuffer) }, '*', [schemaBuffer]);
  for (const buffer of buffers)
    window.postMessage({ type: 'batch', runId: args.runId, ipc: new Uint8Array(buffer) }, '*', [buffer]);
  const stats = { rows: args.rows, bytes: args.bytes, elapsedMs: 0, progress: '' };
  window.postMessage({ type: 'runFinished', runId: args.runId, status: 'succeeded', stats, truncated: false }, '*');

  const expected = `${args.rows.toLocaleString('en-US')} rows`;
  const scroller = document.getElementById('grid')!;
  const body = scroller.querySelector('.grid-body')!;
  // Done when the toolbar says so, the grid's scroll height covers every row and rows are drawn.
  while (
    !document.getElementById('status')?.textContent?.startsWith(expected) ||
    scroller.scrollHeight < Math.min(args.rows * args.rowHeight, args.maxBodyPx) ||
    (body.querySelector('.grid-rows')?.childElementCount ?? 0) === 0
  ) {
    const errors = (window as unknown as { benchErrors: string[] }).benchErrors;
    if (errors.length) throw new Error(`the results page failed: ${errors.join('; ')}`);
    if (performance.now() - start > 120_000)
      throw new Error(`the grid did not load: ${document.getElementById('status')?.textContent}`);
    await frame();
  }
  await frame(); // the frame after the one that drew the rows: they are painted
  const loadMs = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 100));
  longTasks.push(...observer.takeRecords().map((entry) => entry.duration));
  observer.disconnect();
  return {
    loadMs,
    longestTaskMs: Math.max(0, ...longTasks),
    domElements: document.getElementsByTagName('*').length,
    cspViolations: document.body.dataset.cspViolations ?? '',
  };
}

interface PeerLoadArgs {
  readonly origin: string;
  readonly rect: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
}

async function loadPeerInPage(args: PeerLoadArgs): Promise<LoadResult> {
  const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
  const json = await (await fetch(`${args.origin}/peer.json`)).text();
  const container = document.getElementById('peer')!;
  // The same viewport as the grid's scroll area, so both sides paint the same number of pixels.
  Object.assign(container.style, {
    left: `${args.rect.left}px`,
    top: `${args.rect.top}px`,
    width: `${args.rect.width}px`,
    height: `${args.rect.height}px`,
  });
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration)));
  observer.observe({ type: 'longtask' });
  await frame();

  const start = performance.now();
  const data = JSON.parse(json) as { columns: string[]; numeric: boolean[]; rows: (string | null)[][] };
  const cell = (parent: HTMLElement, tag: 'td' | 'th', text: string, className: string) => {
    const element = document.createElement(tag);
    element.textContent = text;
    if (className) element.className = className;
    parent.appendChild(element);
  };
  const table = document.createElement('table');
  const headRow = table.createTHead().insertRow();
  cell(headRow, 'th', '#', 'num');
  data.columns.forEach((name, column) => cell(headRow, 'th', name, data.numeric[column] ? 'num' : ''));
  const body = document.createElement('tbody');
  data.rows.forEach((values, row) => {
    const line = document.createElement('tr');
    cell(line, 'td', String(row + 1), 'gutter');
    values.forEach((text, column) =>
      cell(line, 'td', text ?? 'NULL', text === null ? 'null' : data.numeric[column] ? 'num' : ''),
    );
    body.appendChild(line);
  });
  table.appendChild(body);
  container.appendChild(table);
  await frame(); // style, layout and paint of the whole table happen in this frame
  await frame();
  const loadMs = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 100));
  longTasks.push(...observer.takeRecords().map((entry) => entry.duration));
  observer.disconnect();
  return {
    loadMs,
    longestTaskMs: Math.max(0, ...longTasks),
    domElements: document.getElementsByTagName('*').length,
    cspViolations: '',
  };
}

interface PassOptions {
  readonly scroller: string;
  /** The element whose children are the rows in the DOM. */
  readonly rowsParent: string;
  readonly mode: 'linear' | 'random';
  readonly durationMs: number;
  readonly stepPx: number;
  readonly seed: number;
  readonly rowHeight: number;
  /** Check each frame that the virtualized rows cover the viewport (the grid's rows carry data-position). */
  readonly checkCoverage: boolean;
  /**
   * Rows behind the scrollbar when it is scaled (the grid past MAX_BODY_HEIGHT): steps are in row
   * pixels on both sides, so both move through the same number of rows per frame.
   */
  readonly contentRows?: number;
}

interface PassResult {
  readonly frames: number[];
  readonly longTasks: number[];
  readonly maxDomRows: number;
  readonly uncoveredFrames: number;
  /**
   * Main-thread time per frame: from the first rAF callback to the first task after the frame (rAF
   * callbacks, style, layout and paint run as one task). A frame can be slow with little of it, when
   * raster or the compositor is the bottleneck.
   */
  readonly mainThread: number[];
}

function scrollPassInPage(options: PassOptions): Promise<PassResult> {
  const scroller = document.querySelector(options.scroller) as HTMLElement;
  const rowsParent = document.querySelector(options.rowsParent) as HTMLElement;
  const maxTop = scroller.scrollHeight - scroller.clientHeight;
  const viewRows = Math.ceil(scroller.clientHeight / options.rowHeight);
  const header = (scroller.querySelector('.grid-header') as HTMLElement | null)?.offsetHeight ?? 0;
  // Row pixels per scrolled pixel: 1 unless the grid scales its scrollbar.
  const scale = options.contentRows
    ? Math.max(1, (options.contentRows * options.rowHeight - (scroller.clientHeight - header)) / maxTop)
    : 1;
  const totalRows = options.contentRows ?? Math.floor(maxTop / options.rowHeight) + viewRows;
  // xorshift32, seeded: both sides visit the same sequence of relative positions.
  let state = options.seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  const frames: number[] = [];
  let started: number | undefined;
  let previous: number | undefined;
  let top = scroller.scrollTop;
  let maxDomRows = 0;
  let uncoveredFrames = 0;
  const mainThread: number[] = [];
  let frameStart: number | undefined;
  const afterFrame = new MessageChannel();
  afterFrame.port1.onmessage = () => {
    if (frameStart !== undefined) mainThread.push(performance.now() - frameStart);
    frameStart = undefined;
  };
  return new Promise((resolve) => {
    const tick = (now: number) => {
      if (previous !== undefined) frames.push(now - previous);
      frameStart = performance.now();
      afterFrame.port2.postMessage(0);
      previous = now;
      started ??= now;
      // childElementCount is O(1), cheap enough to read every frame on both sides.
      maxDomRows = Math.max(maxDomRows, rowsParent.childElementCount);
      // From the third frame: the first scrollTop of a pass is only rendered by the grid a frame later.
      if (options.checkCoverage && frames.length > 1) {
        // What the last painted frame showed: did its rows cover the viewport at that scrollTop?
        // The grid keeps rows across frames, so they are not in position order: take the extremes.
        let first = Infinity;
        let last = -Infinity;
        for (let i = 0; i < rowsParent.children.length; i++) {
          const position = Number((rowsParent.children[i] as HTMLElement).dataset.position);
          if (position < first) first = position;
          if (position > last) last = position;
        }
        const needFirst = Math.floor((top * scale) / options.rowHeight);
        const needLast = Math.min(totalRows - 1, needFirst + viewRows - 1);
        if (!(first <= needFirst && last >= needLast)) uncoveredFrames++;
      }
      if (now - started >= options.durationMs) {
        // Long task entries arrive asynchronously; give the last ones a moment.
        setTimeout(() => {
          longTasks.push(...observer.takeRecords());
          observer.disconnect();
          afterFrame.port1.close();
          const inPass = longTasks.filter((entry) => entry.startTime >= started!).map((entry) => entry.duration);
          resolve({
            frames,
            mainThread,
            longTasks: inPass,
            maxDomRows,
            uncoveredFrames,
          });
        }, 100);
        return;
      }
      const next =
        options.mode === 'linear'
          ? top + options.stepPx / scale > maxTop
            ? 0
            : top + options.stepPx / scale
          : Math.floor(random() * maxTop);
      top = next;
      scroller.scrollTop = top;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function scrollToFraction(page: Page, scroller: string, fraction: number): Promise<void> {
  await page.evaluate(
    async ({ scroller, fraction }) => {
      const element = document.querySelector(scroller) as HTMLElement;
      element.scrollTop = Math.floor((element.scrollHeight - element.clientHeight) * fraction);
      // Two frames: the grid renders on the frame after the scroll event, then that frame is painted.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
    },
    { scroller, fraction },
  );
}

// ---------------------------------------------------------------------------------------------------
// Figures

interface Figures {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Frames longer than one 60 Hz tick. */
  readonly dropped: number;
  /** Ticks skipped: a 50 ms frame missed two, where `dropped` counts it once. */
  readonly missedTicks: number;
  readonly fps: number;
}

function figures(frames: number[]): Figures {
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const total = frames.reduce((sum, value) => sum + value, 0);
  return {
    frames: frames.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.at(-1) ?? NaN,
    // rAF timestamps are coarsened to 0.1 ms and the headless tick jitters by about as much: a frame is
    // dropped when it is later than that, not when it reads 16.8 ms.
    dropped: frames.filter((value) => value > FRAME_MS + 0.5).length,
    missedTicks: frames.reduce((sum, value) => sum + Math.max(0, Math.round(value / FRAME_MS) - 1), 0),
    fps: total > 0 ? (frames.length / total) * 1000 : NaN,
  };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
// The long-task observer only sees tasks over 50 ms.
const longest = (value: number) => (value > 0 ? `longest task ${ms(value)}` : 'no task over 50 ms');
const WIDTHS = [6, 22, 6, 8, 8, 8, 8, 7, 6, 5, 13, 10, 8];
const cols = (values: (string | number)[], widths = WIDTHS) =>
  values.map((value, i) => (i < 2 ? String(value).padEnd(widths[i]!) : String(value).padStart(widths[i]!))).join('  ');

function tableLine(pass: string, side: string, result: PassResult): string {
  const f = figures(result.frames);
  const main = figures(result.mainThread);
  const longest = result.longTasks.length ? ` ≤${Math.round(Math.max(...result.longTasks))}` : '';
  return cols([
    pass,
    side,
    f.frames,
    ms(f.p50),
    ms(f.p95),
    ms(f.p99),
    ms(f.max),
    f.dropped,
    f.missedTicks,
    f.fps.toFixed(1),
    `${result.longTasks.length}${longest}`,
    `${Math.round(main.p50)}/${Math.round(main.p95)} ms`,
    count(result.maxDomRows),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// The run

const rowsLabel = (n: number) =>
  n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : count(n);
// The machine may be shared: the load average says how much of it this run had.
const loadAtStart = loadavg()[0]!;
const profiles = [mkdtempSync(join(tmpdir(), 'grid-bench-')), mkdtempSync(join(tmpdir(), 'grid-bench-'))];
// One browser per side: pages of one site in one browser can share a renderer process, and with it the
// garbage collector, which would then trace the table's 800,000 elements while the grid scrolls.
const contexts = await Promise.all(profiles.map((profile) => launchChromium(profile)));
for (const context of contexts) {
  // tsx compiles with esbuild's keepNames, which wraps inner functions in a __name() helper that exists
  // in this module, not in the page: give the page a do-nothing one so serialized functions run there.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  // Uncaught page errors are kept where the in-page wait loops see them, so a broken bundle fails at once.
  await context.addInitScript({
    content: `window.benchErrors = []; window.addEventListener('error', (event) => window.benchErrors.push(String(event.message)));`,
  });
}
const version = execFileSync('/usr/bin/chromium', ['--version'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
}).trim();

async function openPage(context: BrowserContext, path: string): Promise<Page> {
  const opened = await context.newPage();
  opened.on('pageerror', (error) => log(`page error (${path}): ${error.message}`));
  opened.on('console', (message) => {
    if (message.type() === 'error') log(`console error (${path}): ${message.text()}`);
  });
  await opened.goto(`${origin}${path}`);
  return opened;
}

// Where a frame's main-thread time goes, from a Chromium trace: each trace event's self time (its
// duration less its children's) is charged to the phase of the nearest enclosing event that names one.
// The names are those of the DevTools performance panel's timeline.
const PHASES = ['script', 'style', 'layout', 'paint', 'composite', 'gc', 'other'] as const;
type Phase = (typeof PHASES)[number];
function phaseOf(name: string): Phase | undefined {
  if (['FireAnimationFrame', 'FunctionCall', 'EventDispatch', 'TimerFire', 'v8.callFunction', 'RunMicrotasks'].includes(name))
    return 'script';
  if (name === 'UpdateLayoutTree') return 'style';
  if (name === 'Layout') return 'layout';
  if (name === 'PrePaint' || name === 'Paint') return 'paint';
  if (name === 'Layerize' || name === 'Commit' || name === 'UpdateLayer') return 'composite';
  if (/^(MinorGC|MajorGC|V8\.GC|BlinkGC\.)/.test(name)) return 'gc';
  return undefined;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

/** Milliseconds per phase on the page's main thread (the renderer thread that ran the rAF callbacks). */
function mainThreadPhases(events: readonly TraceEvent[]): Record<Phase, number> {
  const animating = new Map<string, number>();
  for (const event of events) {
    if (event.name === 'FireAnimationFrame')
      animating.set(`${event.pid}:${event.tid}`, (animating.get(`${event.pid}:${event.tid}`) ?? 0) + 1);
  }
  const thread = [...animating].sort((a, b) => b[1] - a[1])[0]?.[0];
  const complete = events
    .filter((event) => event.ph === 'X' && event.dur !== undefined && `${event.pid}:${event.tid}` === thread)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const totals = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>;
  const stack: { end: number; phase: Phase | undefined; self: number }[] = [];
  const close = () => {
    const done = stack.pop()!;
    totals[done.phase ?? 'other'] += Math.max(0, done.self) / 1000;
  };
  for (const event of complete) {
    while (stack.length && stack.at(-1)!.end <= event.ts) close();
    const parent = stack.at(-1);
    if (parent) parent.self -= event.dur!;
    stack.push({ end: event.ts + event.dur!, phase: phaseOf(event.name) ?? parent?.phase, self: event.dur! });
  }
  while (stack.length) close();
  return totals;
}

type Traced = Awaited<ReturnType<typeof tracedPass>>;
const TRACED_PASS_MS = 2000;

interface Side {
  readonly page: Page;
  readonly scroller: string;
  readonly rowsParent: string;
  readonly checkCoverage: boolean;
  readonly contentRows: number | undefined;
}

function scrollPass(side: Side, mode: 'linear' | 'random', stepPx: number, durationMs: number, seed: number) {
  const { scroller, rowsParent, checkCoverage, contentRows } = side;
  return side.page.evaluate(scrollPassInPage, {
    scroller,
    rowsParent,
    contentRows,
    mode,
    durationMs,
    stepPx,
    seed,
    rowHeight: ROW_HEIGHT,
    checkCoverage,
  });
}

/** A pass under Chromium's tracing (which slows the page a little, so its frame times are not used). */
async function tracedPass(side: Side, pass: (typeof PASSES)[number], durationMs: number) {
  const cdp = await side.page.context().newCDPSession(side.page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
  const categories = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8'];
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories }, transferMode: 'ReportEvents' });
  const result = await scrollPass(side, pass.mode, pass.stepPx, durationMs, pass.seed);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  return { frames: result.frames.length, phases: mainThreadPhases(events) };
}

/** One side's passes of all rounds as one. */
function merge(results: PassResult[]): PassResult {
  const sum = (pick: (result: PassResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return {
    frames: results.flatMap((result) => result.frames),
    mainThread: results.flatMap((result) => result.mainThread),
    longTasks: results.flatMap((result) => result.longTasks),
    maxDomRows: Math.max(...results.map((result) => result.maxDomRows)),
    uncoveredFrames: sum((result) => result.uncoveredFrames),
  };
}

try {
  mkdirSync(shotsDir, { recursive: true });
  log(
    `Loading ${count(rows)} rows (${(ipcBytes / 1e6).toFixed(0)} MB of Arrow IPC, ${batchIpcs.length} batches) into the results grid…`,
  );
  const gridPage = await openPage(contexts[0]!, '/grid.html');
  await gridPage.evaluate(async () => {
    const posted = (window as unknown as { benchPosted: { type: string }[] }).benchPosted;
    for (let i = 0; i < 200 && !posted.some((message) => message.type === 'ready'); i++)
      await new Promise((r) => setTimeout(r, 50));
    if (!posted.some((message) => message.type === 'ready')) throw new Error('the results page never posted ready');
  });
  const gridLoad = await gridPage.evaluate(loadGridInPage, {
    origin,
    batches: batchIpcs.length,
    rows,
    bytes: ipcBytes,
    runId: RUN_ID,
    rowHeight: ROW_HEIGHT,
    maxBodyPx: MAX_BODY_HEIGHT,
  });
  if (gridLoad.cspViolations) throw new Error(`CSP violations in the results page: ${gridLoad.cspViolations}`);
  const gridRect = await gridPage.evaluate(() => {
    const rect = document.getElementById('grid')!.getBoundingClientRect();
    return { left: rect.left, top: rect.top, width: rect.width, height: rect.height };
  });
  log(`Grid loaded in ${ms(gridLoad.loadMs)}.`);

  log(`Rendering the plain <table> with ${count(peerRows)} rows…`);
  const peerPage = await openPage(contexts[1]!, '/peer.html');
  const peerLoad = await peerPage.evaluate(loadPeerInPage, { origin, rect: gridRect });
  log(`Plain table rendered in ${ms(peerLoad.loadMs)}.`);

  const sides = {
    grid: { page: gridPage, scroller: '#grid', rowsParent: '#grid .grid-rows', checkCoverage: true, contentRows: rows },
    peer: { page: peerPage, scroller: '#peer', rowsParent: '#peer tbody', checkCoverage: false, contentRows: undefined },
  };
  const measured = { grid: {} as Record<PassName, PassResult[]>, peer: {} as Record<PassName, PassResult[]> };
  for (const name of ['grid', 'peer'] as const) {
    // A short unmeasured pass first, so JIT warm-up and first-touch allocation are not in the figures.
    await sides[name].page.bringToFront();
    await scrollPass(sides[name], 'linear', 2000, 500, 1);
    for (const pass of PASSES) measured[name][pass.name] = [];
  }
  // The two sides take turns, pass by pass, and swap who goes first each round: a machine whose load
  // drifts during the run then weighs on both alike.
  for (let round = 1; round <= rounds; round++) {
    for (const pass of PASSES) {
      for (const name of round % 2 ? (['grid', 'peer'] as const) : (['peer', 'grid'] as const)) {
        log(`round ${round}/${rounds}: ${pass.name} scroll, ${name === 'grid' ? 'grid' : 'plain table'}…`);
        await sides[name].page.bringToFront();
        await scrollToFraction(sides[name].page, sides[name].scroller, 0);
        measured[name][pass.name].push(await scrollPass(sides[name], pass.mode, pass.stepPx, passMs, pass.seed));
      }
    }
  }
  const grid = Object.fromEntries(PASSES.map((pass) => [pass.name, merge(measured.grid[pass.name])])) as Record<
    PassName,
    PassResult
  >;
  const peer = Object.fromEntries(PASSES.map((pass) => [pass.name, merge(measured.peer[pass.name])])) as Record<
    PassName,
    PassResult
  >;

  const traced = { grid: {} as Record<PassName, Traced>, peer: {} as Record<PassName, Traced> };
  for (const pass of PASSES) {
    for (const name of ['grid', 'peer'] as const) {
      log(`traced ${pass.name} scroll, ${name === 'grid' ? 'grid' : 'plain table'}…`);
      await sides[name].page.bringToFront();
      await scrollToFraction(sides[name].page, sides[name].scroller, 0);
      traced[name][pass.name] = await tracedPass(sides[name], pass, TRACED_PASS_MS);
    }
  }

  for (const [name, file] of [
    ['grid', 'grid-scroll.png'],
    ['peer', 'plain-table.png'],
  ] as const) {
    // Halfway down and mid-scroll: a short fast pass, then the picture.
    await sides[name].page.bringToFront();
    await scrollToFraction(sides[name].page, sides[name].scroller, 0.5);
    await scrollPass(sides[name], 'linear', 2000, 100, 1);
    await sides[name].page.screenshot({ path: join(shotsDir, file) });
  }
  await gridPage.close();
  await peerPage.close();

  const peerName = `plain table (${rowsLabel(peerRows)} rows)`;
  const gridName = `grid (${rowsLabel(rows)} rows)`;
  const load = loadavg();
  console.log(`\n${version}, headless, software rendering; rAF paced at ~60 Hz without a real vsync`);
  console.log(
    `machine: ${cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} at start, ${load[0]!.toFixed(1)} at the end`,
  );
  console.log(
    `data: ${schema.fields.map((f) => f.name).join(', ')}; grid: ${count(rows)} rows in ${batchIpcs.length} Arrow batches ` +
      `of ≤${count(batchRows)}; peer: a plain <table> of ${count(peerRows)} rows, all in the DOM ` +
      `(a ${rowsLabel(rows)}-row table does not load in reasonable time)`,
  );
  console.log(
    `viewport: ${Math.round(gridRect.width)}×${Math.round(gridRect.height)} px scroll area each; ${rounds} round${rounds === 1 ? '' : 's'} of ${passMs / 1000} s per pass: ` +
      PASSES.map((pass) => `${pass.name} = ${pass.about}`).join(', '),
  );
  console.log(
    `frame = rAF-to-rAF interval; dropped = frames over one 16.7 ms tick; missed = ticks skipped; ` +
      `main = main-thread time of the frame (script, style, layout, paint); long tasks = count ≤longest ms\n`,
  );
  console.log(
    cols([
      'pass',
      'side',
      'frames',
      'p50',
      'p95',
      'p99',
      'max',
      'dropped',
      'missed',
      'fps',
      'main p50/p95',
      'long tasks',
      'DOM rows',
    ]),
  );
  for (const { name } of PASSES) {
    console.log(tableLine(name, gridName, grid[name]));
    console.log(tableLine(name, peerName, peer[name]));
  }
  console.log(
    `\nmain thread per frame, by phase (a Chromium trace of one more ${TRACED_PASS_MS / 1000} s pass each; ` +
      `paint = pre-paint and paint recording, composite = layerize and commit):`,
  );
  const phaseWidths = [6, 22, 6, ...PHASES.map(() => 9), 9];
  console.log(cols(['pass', 'side', 'frames', ...PHASES, 'total'], phaseWidths));
  for (const { name } of PASSES) {
    for (const [side, label] of [
      ['grid', gridName],
      ['peer', peerName],
    ] as const) {
      const { frames, phases } = traced[side][name];
      const perFrame = (value: number) => ms(frames ? value / frames : NaN);
      const total = PHASES.reduce((sum, phase) => sum + phases[phase], 0);
      console.log(cols([name, label, frames, ...PHASES.map((phase) => perFrame(phases[phase])), perFrame(total)], phaseWidths));
    }
  }
  if (rows * ROW_HEIGHT > MAX_BODY_HEIGHT) {
    console.log(
      `\nnote: ${count(rows * ROW_HEIGHT)} px of rows (Chromium caps a box at ${count(MAX_BOX_PX)} px): the grid's body is ` +
        `${count(MAX_BODY_HEIGHT)} px and its scrollbar is scaled; passes step in row pixels on both sides`,
    );
  }
  const gridPasses = PASSES.map((pass) => grid[pass.name]);
  const peerPasses = PASSES.map((pass) => peer[pass.name]);
  const uncovered = gridPasses.reduce((sum, pass) => sum + pass.uncoveredFrames, 0);
  const gridFrames = gridPasses.reduce((sum, pass) => sum + pass.frames.length, 0);
  console.log(`\ngrid frames painted without rows over the whole viewport: ${uncovered} of ${gridFrames}`);
  console.log(
    `load: grid ${ms(gridLoad.loadMs)} for ${count(rows)} rows (${longest(gridLoad.longestTaskMs)}, ` +
      `${count(gridLoad.domElements)} DOM elements after); ${peerName} ${ms(peerLoad.loadMs)} ` +
      `(${longest(peerLoad.longestTaskMs)}, ${count(peerLoad.domElements)} DOM elements after)`,
  );
  for (const { name } of PASSES) {
    const [a, b] = [figures(grid[name].frames).p95, figures(peer[name].frames).p95];
    console.log(`${name}: grid p95 ${ms(a)} vs ${peerName} p95 ${ms(b)}: ratio ${(a / b).toFixed(2)}`);
  }
  const gridP95 = figures(gridPasses.flatMap((pass) => pass.frames)).p95;
  const peerP95 = figures(peerPasses.flatMap((pass) => pass.frames)).p95;
  console.log(
    `grid p95 ${gridP95.toFixed(1)} ms vs ${peerName} p95 ${peerP95.toFixed(1)} ms: ratio ${(gridP95 / peerP95).toFixed(2)} ` +
      `(all passes; load: grid ${ms(gridLoad.loadMs)} for ${count(rows)} rows, plain table ${ms(peerLoad.loadMs)} ` +
      `for ${count(peerRows)})`,
  );
} finally {
  await Promise.all(contexts.map((context) => context.close()));
  server.close();
  for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
}
