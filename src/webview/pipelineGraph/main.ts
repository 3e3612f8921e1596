// The pipeline graph webview: datasets as boxes laid out by the host (dagre), flows as edges, each box
// coloured by its state in the latest run. Every name and number is set as text, never as markup.
import type { PipelineLayout } from '../../core/pipelines/pipelineLayout.js';
import type { GraphMessage, GraphWebviewMessage, HostMessage, NodeRunState } from './protocol.js';
import { KIND_LABELS } from '../../core/pipelines/datasetKinds.js';

declare function acquireVsCodeApi(): { postMessage(message: GraphWebviewMessage): void };

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';

const app = document.getElementById('app')!;
const header = element('header', 'toolbar');
const title = element('h1', 'title');
const status = element('span', 'status');
status.setAttribute('role', 'status');
const buttons = element('div', 'buttons');
const fitButton = button('Fit', 'Fit the whole graph in view (F)');
const zoomIn = button('+', 'Zoom in');
const zoomOut = button('−', 'Zoom out');
buttons.append(zoomOut, zoomIn, fitButton);
header.append(title, status, buttons);
const legend = element('div', 'legend');
for (const state of ['queued', 'running', 'completed', 'failed', 'skipped']) {
  const item = element('span', `legend-item state-${state}`);
  item.append(element('span', 'swatch'), document.createTextNode(state));
  legend.append(item);
}
const svg = document.createElementNS(SVG, 'svg');
svg.classList.add('graph');
svg.setAttribute('role', 'img');
const defs = document.createElementNS(SVG, 'defs');
const marker = document.createElementNS(SVG, 'marker');
for (const [key, value] of Object.entries({
  id: 'arrow',
  viewBox: '0 0 10 10',
  refX: '10',
  refY: '5',
  markerWidth: '7',
  markerHeight: '7',
  orient: 'auto-start-reverse',
}))
  marker.setAttribute(key, value);
const arrowPath = document.createElementNS(SVG, 'path');
arrowPath.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
marker.append(arrowPath);
defs.append(marker);
const scene = document.createElementNS(SVG, 'g');
svg.append(defs, scene);
const empty = element('p', 'empty');
app.append(header, legend, svg, empty);

let view = { x: 0, y: 0, scale: 1 };
let current: GraphMessage | undefined;
let layoutKey = '';
/** The orientation drawn: chosen when the graph is fitted, kept while only states change. */
let direction: 'wide' | 'tall' = 'wide';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function button(text: string, label: string): HTMLButtonElement {
  const node = element('button', 'tool');
  node.textContent = text;
  node.title = label;
  node.setAttribute('aria-label', label);
  return node;
}

function svgElement(tag: string, attributes: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

function applyView(): void {
  scene.setAttribute('transform', `translate(${view.x} ${view.y}) scale(${view.scale})`);
}

function fitScale(layout: PipelineLayout, box: DOMRect): number {
  return Math.min(1.25, (box.width - 24) / layout.width, (box.height - 24) / layout.height);
}

/** Picks the orientation that shows the graph larger in this panel, and fits it in. */
function fit(message: GraphMessage): void {
  const box = svg.getBoundingClientRect();
  const { wide, tall } = message.layouts;
  if (!wide.width || !wide.height || !box.width || !box.height) return;
  const next = fitScale(tall, box) > fitScale(wide, box) * 1.1 ? 'tall' : 'wide';
  if (next !== direction) {
    direction = next;
    draw(message);
  }
  const layout = message.layouts[direction];
  const scale = fitScale(layout, box);
  view = { scale, x: (box.width - layout.width * scale) / 2, y: Math.max(12, (box.height - layout.height * scale) / 2) };
  applyView();
}

function zoom(factor: number, at?: { x: number; y: number }): void {
  const box = svg.getBoundingClientRect();
  const point = at ?? { x: box.width / 2, y: box.height / 2 };
  const scale = Math.min(4, Math.max(0.1, view.scale * factor));
  view = {
    scale,
    x: point.x - ((point.x - view.x) * scale) / view.scale,
    y: point.y - ((point.y - view.y) * scale) / view.scale,
  };
  applyView();
}

/** The box's last line: how the latest run went for it. */
function describe(state: NodeRunState | undefined): string {
  const parts: string[] = [];
  if (state && state.state !== 'not run') parts.push(state.state);
  if (state?.rows !== undefined) parts.push(`${state.rows.toLocaleString('en-US')} rows`);
  if (state?.durationMs !== undefined) parts.push(`${(state.durationMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

function fitted(text: string, width: number, charWidth: number): string {
  const room = Math.floor((width - 20) / charWidth);
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function render(message: GraphMessage): void {
  current = message;
  title.textContent = message.pipelineName;
  status.textContent = message.status;
  app.dataset.state = message.running ? 'running' : 'idle';
  draw(message);
  const key = message.layouts.wide.nodes.map((n) => n.id).join('\n');
  if (key !== layoutKey) {
    layoutKey = key;
    fit(message);
  } else applyView();
}

function draw(message: GraphMessage): void {
  const layout = message.layouts[direction];
  app.dataset.direction = direction;
  svg.setAttribute('aria-label', `Pipeline ${message.pipelineName}: ${layout.nodes.length} datasets`);
  scene.replaceChildren();
  empty.textContent = layout.nodes.length
    ? ''
    : 'No datasets yet: the graph appears once the definitions are read (run or dry-run the pipeline).';
  for (const edge of layout.edges) {
    const d = edge.points.map((p, i) => `${i ? 'L' : 'M'} ${p.x} ${p.y}`).join(' ');
    const path = svgElement('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' });
    const tip = document.createElementNS(SVG, 'title');
    tip.textContent = `${edge.from} → ${edge.to}${edge.flows.length ? ` (flow ${edge.flows.join(', ')})` : ''}`;
    path.append(tip);
    scene.append(path);
  }
  for (const node of layout.nodes) {
    const state = message.states[node.id];
    const quality = message.quality[node.id];
    const group = svgElement('g', {
      class: `node kind-${node.kind} state-${(state?.state ?? 'none').replace(/\s+/g, '-')}${quality ? ` quality-${quality.error ? 'error' : 'warn'}` : ''}`,
      transform: `translate(${node.x - node.width / 2} ${node.y - node.height / 2})`,
      tabindex: node.kind === 'source' ? -1 : 0,
      role: 'button',
    }) as SVGGElement;
    group.dataset.node = node.id;
    if (node.kind !== 'source')
      group.dataset.vscodeContext = JSON.stringify({
        webviewSection: node.kind === 'materializedView' || node.kind === 'streamingTable' ? 'pipelineTable' : 'pipelineView',
        specPath: message.specPath,
        name: node.id,
        kind: node.kind,
        preventDefaultContextMenuItems: true,
      });
    const tip = document.createElementNS(SVG, 'title');
    const kind = KIND_LABELS[node.kind] ?? node.kind;
    const checks = quality
      ? `\n${quality.failed} data-quality check${quality.failed === 1 ? '' : 's'} did not pass (Problems, Data Quality view)`
      : '';
    tip.textContent = `${node.label}${node.written ? `\nwritten as ${node.written}` : ''}\n${kind}${state ? `\n${describe(state)}` : ''}${checks}${node.kind === 'source' ? '' : '\nClick: open the definition · right-click: more'}`;
    group.append(tip);
    group.append(svgElement('rect', { width: node.width, height: node.height, rx: 6, class: 'box' }));
    group.append(svgElement('rect', { width: 5, height: node.height, rx: 2, class: 'bar' }));
    const name = svgElement('text', { x: 14, y: 19, class: 'name' });
    name.textContent = fitted(node.label, node.width, 7.4);
    const kindLine = svgElement('text', { x: 14, y: 35, class: 'detail kind' });
    kindLine.textContent = fitted(kind, node.width, 6.3);
    const stateLine = svgElement('text', { x: 14, y: 51, class: 'detail run' });
    stateLine.textContent = fitted(describe(state), node.width, 6.3);
    group.append(name, kindLine, stateLine);
    if (quality) {
      // A corner badge: how many checks of this dataset did not pass.
      const badge = svgElement('g', { class: 'quality-badge', transform: `translate(${node.width - 12} 12)` });
      badge.append(svgElement('circle', { r: 9 }));
      const count = svgElement('text', { 'text-anchor': 'middle', y: 4 });
      count.textContent = quality.failed > 9 ? '9+' : String(quality.failed);
      badge.append(count);
      group.append(badge);
    }
    scene.append(group);
  }
}

function nodeOf(target: EventTarget | null): string | undefined {
  const group = (target as Element | null)?.closest?.('g.node') as SVGGElement | null | undefined;
  return group && !group.classList.contains('kind-source') ? group.dataset.node : undefined;
}

svg.addEventListener('click', (event) => {
  const node = nodeOf(event.target);
  if (node) vscode.postMessage({ type: 'openDefinition', node });
});
svg.addEventListener('keydown', (event) => {
  const node = nodeOf(event.target);
  if (!node) return;
  if (event.key === 'Enter') vscode.postMessage({ type: 'openDefinition', node });
  if (event.key === 'p' || event.key === 'P') vscode.postMessage({ type: 'preview', node });
});
let drag: { x: number; y: number; viewX: number; viewY: number } | undefined;
svg.addEventListener('pointerdown', (event) => {
  if (event.button !== 0 || nodeOf(event.target)) return;
  drag = { x: event.clientX, y: event.clientY, viewX: view.x, viewY: view.y };
  svg.setPointerCapture(event.pointerId);
  svg.classList.add('panning');
});
svg.addEventListener('pointermove', (event) => {
  if (!drag) return;
  view = { ...view, x: drag.viewX + event.clientX - drag.x, y: drag.viewY + event.clientY - drag.y };
  applyView();
});
const endDrag = () => {
  drag = undefined;
  svg.classList.remove('panning');
};
svg.addEventListener('pointerup', endDrag);
svg.addEventListener('pointercancel', endDrag);
svg.addEventListener(
  'wheel',
  (event) => {
    event.preventDefault();
    const box = svg.getBoundingClientRect();
    zoom(Math.exp(-event.deltaY / 400), { x: event.clientX - box.left, y: event.clientY - box.top });
  },
  { passive: false },
);
fitButton.addEventListener('click', () => current && fit(current));
zoomIn.addEventListener('click', () => zoom(1.25));
zoomOut.addEventListener('click', () => zoom(0.8));
document.addEventListener('keydown', (event) => {
  if ((event.key === 'f' || event.key === 'F') && !nodeOf(event.target) && current) fit(current);
});
window.addEventListener('resize', () => current && layoutKey && fit(current));

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  if (event.data?.type === 'graph') render(event.data);
});
vscode.postMessage({ type: 'ready' });
