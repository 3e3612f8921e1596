// The dashboard page: parameters above a 12-column grid of tiles (charts, tables, numbers), each with its
// own progress and error. In the editor it talks to the host through protocol.ts (a 'ready' handshake
// first); exported to HTML it draws the states written into the page and asks nothing of anyone.
import { format as d3Format } from 'd3-format';
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type {
  DashboardView,
  ParameterControl,
  ParameterValues,
  TileContent,
  TileState,
} from '../../core/dashboards/tileResults.js';
import { chartConfig } from '../results/chartTheme.js';
import { append } from '../shared/dom.js';
import { closedLoader } from '../shared/closedLoader.js';
import type { DashboardHostMessage, DashboardWebviewMessage, StaticDashboard } from './protocol.js';

interface VsCodeApi {
  postMessage(message: DashboardWebviewMessage): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

document.addEventListener('securitypolicyviolation', (event) => {
  document.body.dataset.cspViolations = `${document.body.dataset.cspViolations ?? ''}${event.violatedDirective} ${event.blockedURI}; `;
});

const host = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
const post = (message: DashboardWebviewMessage) => host?.postMessage(message);
const app = document.getElementById('app') as HTMLDivElement;
app.replaceChildren();
document.body.classList.toggle('exported', !host);

const header = append(app, 'header', 'dashboard-header');
const title = append(header, 'h1', 'dashboard-title');
const description = append(header, 'p', 'dashboard-description');
const controls = append(header, 'form', 'parameters');
controls.addEventListener('submit', (event) => event.preventDefault());
const actions = append(header, 'div', 'actions');
const notice = append(app, 'div', 'notice');
notice.setAttribute('role', 'status');
const grid = append(append(app, 'main', 'tiles-frame'), 'div', 'tiles');
const footer = append(app, 'footer', 'dashboard-footer');
if (host) {
  const button = (label: string, id: string, onClick: () => void, tooltip: string) => {
    const element = append(actions, 'button', 'button');
    element.id = id;
    element.type = 'button';
    element.textContent = label;
    element.title = tooltip;
    element.addEventListener('click', onClick);
  };
  button('Refresh', 'refresh', () => post({ type: 'refresh' }), 'Run every tile again');
  button(
    'Export HTML',
    'export-html',
    () => post({ type: 'exportHtml' }),
    'Save the dashboard as one HTML file that opens offline',
  );
}

interface TileElements {
  readonly root: HTMLElement;
  readonly status: HTMLElement;
  readonly body: HTMLElement;
  readonly png: HTMLButtonElement;
  embedded?: Result;
}
const tiles = new Map<string, TileElements>();
let view: DashboardView | undefined;

function showView(next: DashboardView): void {
  view = next;
  title.textContent = next.title;
  description.textContent = next.description ?? '';
  description.hidden = !next.description;
  document.title = next.title;
  controls.replaceChildren(...next.parameters.map(parameterControl));
  for (const tile of tiles.values()) tile.embedded?.finalize();
  tiles.clear();
  grid.replaceChildren();
  for (const layout of next.tiles) {
    const root = append(grid, 'section', 'tile');
    root.id = layout.id;
    root.dataset.state = 'loading';
    root.style.gridColumn = `span ${layout.width}`;
    root.style.gridRow = `span ${layout.height}`;
    if (layout.width <= 4) root.dataset.small = '';
    const top = append(root, 'div', 'tile-header');
    append(top, 'h2', 'tile-title').textContent = layout.title;
    const status = append(top, 'span', 'tile-status');
    status.textContent = 'Loading…';
    const png = append(top, 'button', 'tile-png');
    png.type = 'button';
    png.textContent = 'PNG';
    png.title = `Save ${layout.title} as a PNG image`;
    png.hidden = true;
    const body = append(root, 'div', 'tile-body');
    append(body, 'div', 'tile-progress');
    const elements: TileElements = { root, status, body, png };
    png.addEventListener('click', () => {
      savePng(layout.title, elements).catch(showError);
    });
    tiles.set(layout.id, elements);
  }
}

function parameterControl(parameter: ParameterControl): HTMLElement {
  const label = document.createElement('label');
  label.className = 'parameter';
  append(label, 'span', 'parameter-label').textContent = parameter.label;
  const disabled = !host;
  const changed = () => post({ type: 'setParameters', values: currentValues() });
  if (parameter.kind === 'date_range') {
    for (const [part, value] of [
      ['from', parameter.from],
      ['to', parameter.to],
    ] as const) {
      const input = append(label, 'input', 'parameter-input');
      input.type = 'date';
      input.value = value;
      input.name = `${parameter.name}.${part}`;
      input.disabled = disabled;
      input.addEventListener('change', changed);
    }
  } else if (parameter.kind === 'choice') {
    const select = append(label, 'select', 'parameter-input');
    select.name = parameter.name;
    select.disabled = disabled;
    const options = [...(parameter.all ? [['', 'All'] as const] : []), ...parameter.choices.map((c) => [c, c] as const)];
    for (const [value, text] of options) {
      const option = append(select, 'option', '');
      option.value = value;
      option.textContent = text;
      option.selected = (parameter.value ?? '') === value;
    }
    select.dataset.all = String(parameter.all);
    select.addEventListener('change', changed);
  } else {
    const input = append(label, 'input', 'parameter-input');
    input.type = 'text';
    input.value = parameter.value;
    input.name = parameter.name;
    input.disabled = disabled;
    input.addEventListener('change', changed);
  }
  return label;
}

function currentValues(): ParameterValues {
  const values: Record<string, string | null | { from: string; to: string }> = {};
  for (const parameter of view?.parameters ?? []) {
    if (parameter.kind === 'date_range') {
      const from =
        controls.querySelector<HTMLInputElement>(`input[name="${CSS.escape(parameter.name)}.from"]`)?.value ?? parameter.from;
      const to =
        controls.querySelector<HTMLInputElement>(`input[name="${CSS.escape(parameter.name)}.to"]`)?.value ?? parameter.to;
      values[parameter.name] = from && to ? { from, to } : { from: parameter.from, to: parameter.to };
    } else {
      const input = controls.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${CSS.escape(parameter.name)}"]`);
      const value = input?.value ?? '';
      values[parameter.name] = parameter.kind === 'choice' && parameter.all && value === '' ? null : value;
    }
  }
  return values;
}

async function showTile(id: string, state: TileState): Promise<void> {
  const tile = tiles.get(id);
  if (!tile) return;
  tile.root.dataset.state = state.state;
  tile.png.hidden = true;
  if (state.state === 'loading') {
    tile.status.textContent = 'Loading…';
    tile.root.classList.add('refreshing');
    return;
  }
  tile.root.classList.remove('refreshing');
  tile.embedded?.finalize();
  tile.embedded = undefined;
  tile.body.replaceChildren();
  if (state.state === 'error') {
    tile.status.textContent = 'Failed';
    const message = append(tile.body, 'pre', 'tile-error');
    message.textContent = state.message;
    return;
  }
  tile.status.textContent = `${(state.elapsedMs / 1000).toFixed(1)} s`;
  tile.status.title = state.note;
  if (state.content.kind !== 'number') append(tile.body, 'div', 'tile-note').textContent = state.note;
  await drawContent(tile, state.content);
}

async function drawContent(tile: TileElements, content: TileContent): Promise<void> {
  if (content.kind === 'table') {
    const wrapper = append(tile.body, 'div', 'tile-table');
    const table = append(wrapper, 'table', '');
    const headRow = append(append(table, 'thead', ''), 'tr', '');
    for (const column of content.columns) {
      const th = append(headRow, 'th', column.numeric ? 'numeric' : '');
      th.textContent = column.name;
      th.title = column.type;
    }
    const body = append(table, 'tbody', '');
    for (const row of content.rows) {
      const tr = append(body, 'tr', '');
      row.forEach((value, i) => {
        const td = append(tr, 'td', `${content.columns[i]?.numeric ? 'numeric' : ''}${value === null ? ' null' : ''}`);
        td.textContent = value ?? 'NULL';
      });
    }
    return;
  }
  if (content.kind === 'number') {
    const figure = append(tile.body, 'div', 'tile-number');
    const formatNumber = safeFormat(content.format);
    append(figure, 'div', 'number-value').textContent = content.value === null ? '—' : formatNumber(content.value);
    if (content.previous !== undefined) {
      const change = append(figure, 'div', 'number-change');
      if (content.value === null || content.previous === null || content.previous === 0) change.textContent = 'no change to show';
      else {
        const ratio = (content.value - content.previous) / Math.abs(content.previous);
        change.textContent = `${ratio >= 0 ? '▲' : '▼'} ${d3Format('+.1%')(ratio)} from ${formatNumber(content.previous)}`;
        change.classList.add(ratio >= 0 ? 'up' : 'down');
      }
    }
    return;
  }
  const target = append(tile.body, 'div', 'tile-chart');
  try {
    tile.embedded = await embed(
      target,
      {
        width: 'container',
        height: 'container',
        autosize: { type: 'fit', contains: 'padding' },
        ...content.spec,
        data: { name: 'table', values: content.rows },
        config: chartConfig(),
      } as never,
      {
        ast: true,
        expr: expressionInterpreter,
        renderer: 'svg',
        actions: false,
        defaultStyle: false,
        loader: closedLoader(),
        tooltip: { disableDefaultStyle: true },
      },
    );
    target.dataset.rendered = String(content.rows.length);
    tile.png.hidden = false;
  } catch (error) {
    target.remove();
    append(tile.body, 'pre', 'tile-error').textContent =
      `The chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
    tile.root.dataset.state = 'error';
  }
}

function safeFormat(specifier: string | undefined): (value: number) => string {
  try {
    return d3Format(specifier ?? ',.4~f');
  } catch {
    return d3Format(',.4~f');
  }
}

async function savePng(tileTitle: string, tile: TileElements): Promise<void> {
  const dataUrl = await tile.embedded?.view.toImageURL('png', 2);
  if (!dataUrl) return;
  if (host) post({ type: 'savePng', tileTitle, dataUrl });
  else {
    const link = document.createElement('a');
    link.href = dataUrl;
    link.download = `${tileTitle.replace(/[^\w.-]+/g, '_')}.png`;
    link.click();
  }
}

function showNotice(text: string, error = false): void {
  notice.textContent = text;
  notice.hidden = !text;
  notice.classList.toggle('error', error);
}
showNotice('');

function showError(error: unknown): void {
  showNotice(error instanceof Error ? error.message : String(error), true);
}

if (host) {
  window.addEventListener('message', (event: MessageEvent<DashboardHostMessage>) => {
    const message = event.data;
    if (message.type === 'view') showView(message.view);
    else if (message.type === 'tile') showTile(message.id, message.state).catch(showError);
    else if (message.type === 'notice') showNotice(message.text, message.error);
  });
  post({ type: 'ready' });
} else {
  const block = document.getElementById('dashboard-data');
  const data = JSON.parse(block?.textContent ?? 'null') as StaticDashboard | null;
  if (data) {
    showView(data.view);
    footer.textContent = data.footer;
    Promise.all(Object.entries(data.tiles).map(([id, state]) => showTile(id, state)))
      .then(() => (document.body.dataset.drawn = 'true'))
      .catch(showError);
  }
}
