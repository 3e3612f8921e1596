// The results webview: a streaming, virtualized grid of Arrow batches and a chart tab. It talks to the
// extension host only through the typed messages of protocol.ts and starts with a 'ready' handshake.
import { toCsv, toMarkdownTable, toTsv } from '../../core/results/copyFormats.js';
import { ChartView } from './chartView.js';
import { append, Grid, type CellPosition } from './grid.js';
import type { ExportFormat, HostMessage, PersistedResultsState, RunInfo, RunStats, WebviewMessage } from './protocol.js';
import { ResultStore } from './resultStore.js';
import { renderValueTree } from './valueDetail.js';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PersistedResultsState | undefined;
  setState(state: PersistedResultsState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// A blocked script, style or eval shows up here, where tests (and bug reports) can see it.
document.addEventListener('securitypolicyviolation', (event) => {
  document.body.dataset.cspViolations = `${document.body.dataset.cspViolations ?? ''}${event.violatedDirective} ${event.blockedURI}; `;
});

const vscode = acquireVsCodeApi();
const post = (message: WebviewMessage) => vscode.postMessage(message);
let state: PersistedResultsState = vscode.getState() ?? { title: '', sql: '' };
const saveState = (change: Partial<PersistedResultsState>) => vscode.setState((state = { ...state, ...change }));

const store = new ResultStore();
const app = document.getElementById('app') as HTMLDivElement;
app.replaceChildren();

// Toolbar: what runs, how far it got, and what can be done with it.
const toolbar = append(app, 'header', 'toolbar');
const titleText = append(toolbar, 'span', 'title');
const status = append(toolbar, 'span', 'status');
status.id = 'status';
status.setAttribute('role', 'status');
// Spark's tasks done of all its tasks so far; without tasks yet, it moves without a value.
const progressBar = append(app, 'div', 'progress');
progressBar.id = 'progress';
progressBar.setAttribute('role', 'progressbar');
progressBar.hidden = true;
const progressFill = append(progressBar, 'div', 'progress-fill');
const actions = append(toolbar, 'span', 'actions');
const button = (label: string, id: string, onClick: () => void, tooltip: string) => {
  const element = append(actions, 'button', 'button');
  element.id = id;
  element.textContent = label;
  element.title = tooltip;
  element.addEventListener('click', onClick);
  return element;
};
const cancelButton = button('Cancel', 'cancel', () => post({ type: 'cancel' }), 'Stop this query in Spark');
const loadMoreButton = button('Load more', 'load-more', () => post({ type: 'loadMore' }), 'Fetch more rows of this result');
const runAgainButton = button('Run again', 'run-again', () => post({ type: 'runAgain' }), 'Run this query again');
const menu = (id: string, label: string, options: [string, string][], onChoose: (value: string) => void) => {
  const select = append(actions, 'select', 'menu');
  select.id = id;
  select.title = label;
  const placeholder = append(select, 'option', '');
  placeholder.textContent = label;
  placeholder.value = '';
  for (const [value, text] of options) {
    const option = append(select, 'option', '');
    option.value = value;
    option.textContent = text;
  }
  select.addEventListener('change', () => {
    const value = select.value;
    select.value = '';
    if (value) onChoose(value);
  });
  return select;
};
const exportMenu = menu(
  'export',
  'Export…',
  [
    ['csv', 'Full result as CSV'],
    ['json', 'Full result as JSON'],
    ['parquet', 'Full result as Parquet'],
    ['arrow', 'Full result as Arrow'],
  ],
  (format) => post({ type: 'export', format: format as ExportFormat }),
);
menu(
  'copy',
  'Copy…',
  [
    ['cell', 'Cell'],
    ['row', 'Row'],
    ['column', 'Column'],
    ['markdown', 'Rows as Markdown'],
    ['csv', 'Rows as CSV'],
  ],
  (what) => copy(what),
);

const query = append(app, 'details', 'query');
append(query, 'summary', '').textContent = 'Query';
const sqlText = append(query, 'pre', 'sql');
sqlText.id = 'sql';

const tabs = append(app, 'nav', 'tabs');
tabs.setAttribute('role', 'tablist');
const tabButton = (id: 'grid' | 'chart', label: string) => {
  const element = append(tabs, 'button', 'tab');
  element.id = `tab-${id}`;
  element.textContent = label;
  element.setAttribute('role', 'tab');
  element.addEventListener('click', () => showTab(id));
  return element;
};
const gridTabButton = tabButton('grid', 'Grid');
const chartTabButton = tabButton('chart', 'Chart');

const filterBar = append(app, 'div', 'filterbar');
const filterInput = append(filterBar, 'input', 'filter');
filterInput.id = 'filter';
filterInput.type = 'search';
filterInput.placeholder = 'Filter loaded rows';
const filterInfo = append(filterBar, 'span', 'filter-info');
const rerunButton = append(filterBar, 'button', 'button secondary');
rerunButton.id = 'rerun-in-spark';
rerunButton.textContent = 'Apply in Spark';
rerunButton.title = 'Run the query again with this sort and filter applied by Spark to the whole result';
rerunButton.addEventListener('click', () =>
  post({
    type: 'rerunInSpark',
    columns: store.columns.map((c) => c.name),
    sort: store.sort ? { column: store.columns[store.sort.column]!.name, descending: store.sort.descending } : undefined,
    filter: store.filter,
  }),
);

const main = append(app, 'main', 'panes');
const gridPane = append(main, 'section', 'grid-pane');
const gridElement = append(gridPane, 'div', '');
gridElement.id = 'grid';
const detail = append(gridPane, 'aside', 'detail');
detail.id = 'detail';
detail.hidden = true;
const chartPane = append(main, 'section', 'chart-pane');
chartPane.id = 'chart';
chartPane.hidden = true;
const message = append(app, 'div', 'message');
message.id = 'message';
message.hidden = true;

const grid = new Grid(
  gridElement,
  store,
  {
    onSortRequested: (column) => {
      const sort = store.sort;
      // Ascending, then descending, then back to the order Spark sent.
      const next =
        sort?.column !== column ? { column, descending: false } : sort.descending ? undefined : { column, descending: true };
      store.setSort(next);
      grid.renderHeader();
      grid.refresh();
      updateFilterInfo();
    },
    onSelectionChanged: (cell) => showDetail(cell),
    onColumnResized: (name, width) => saveState({ columnWidths: { ...state.columnWidths, [name]: width } }),
  },
  () => state.columnWidths ?? {},
);
gridElement.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
    event.preventDefault();
    copy(event.shiftKey ? 'row' : 'cell');
  }
});

const chart = new ChartView(chartPane, store, {
  requestData: (requestId, spec) =>
    post({
      type: 'chartRequest',
      requestId,
      spec,
      loadedRows: store.loadedRows,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
  saveFile: (suggestedName, content, filters) => post({ type: 'saveFile', suggestedName, content, filters }),
});

let run: RunInfo | undefined;
let running = false;
let filterTimer: ReturnType<typeof setTimeout> | undefined;
filterInput.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    store.setFilter(filterInput.value);
    grid.refresh();
    updateFilterInfo();
  }, 150);
});

window.addEventListener('message', (event: MessageEvent<HostMessage>) => receive(event.data));
showTab(state.tab ?? 'grid');
setRunState('idle');
post({ type: 'ready' });

function receive(data: HostMessage): void {
  switch (data.type) {
    case 'runStarted': {
      const sameQuery = run?.sql === data.run.sql;
      const scroll = { top: gridElement.scrollTop, left: gridElement.scrollLeft };
      run = data.run;
      store.reset();
      filterInput.value = '';
      message.hidden = true;
      detail.hidden = true;
      titleText.textContent = data.run.title;
      sqlText.textContent = data.run.sql;
      saveState({ title: data.run.title, sql: data.run.sql });
      setRunState('running');
      status.textContent = 'Running…';
      chart.reset(data.run.chartPushdownThreshold);
      pendingScroll = sameQuery ? scroll : undefined;
      return;
    }
    case 'runResumed':
      if (data.runId !== run?.runId) return;
      run = { ...run, rowLimit: data.rowLimit };
      message.hidden = true;
      setRunState('running');
      status.textContent = `Loading more… (${store.loadedRows.toLocaleString('en-US')} rows so far)`;
      return;
    case 'schema':
    case 'batch': {
      if (data.runId !== run?.runId) return;
      const hadSchema = store.schema !== undefined;
      const hadRows = store.loadedRows > 0;
      store.addIpc(data.ipc);
      if (!hadSchema) grid.resetColumns();
      if (!hadRows && store.loadedRows > 0) grid.fitColumnsToRows();
      else grid.refresh();
      if (pendingScroll && store.loadedRows * 22 > pendingScroll.top) {
        gridElement.scrollTop = pendingScroll.top;
        gridElement.scrollLeft = pendingScroll.left;
        pendingScroll = undefined;
      }
      updateFilterInfo();
      return;
    }
    case 'stats':
      if (data.runId !== run?.runId) return;
      status.textContent = describeStats(data.stats, running, false);
      if (running) showProgress(data.stats);
      return;
    case 'runFinished': {
      if (data.runId !== run?.runId) return;
      setRunState(data.status);
      const summary = describeStats(data.stats, false, data.truncated);
      status.textContent = data.status === 'succeeded' ? summary : `${capitalize(data.status)} · ${summary}`;
      loadMoreButton.hidden = !data.truncated;
      // A run that failed or was cancelled before any row shows why, not an empty grid with its tools.
      main.hidden = data.status !== 'succeeded' && store.loadedRows === 0;
      if (main.hidden) filterBar.hidden = true;
      if (data.message) showMessage(data.message, data.status === 'failed');
      else if (data.status === 'cancelled') showMessage('Cancelled before any row arrived.', false);
      else if (data.status === 'succeeded' && !store.schema) showMessage('The statement ran and returned no result set.', false);
      chart.resultComplete(data.status === 'succeeded' && !data.truncated);
      return;
    }
    case 'restored':
      titleText.textContent = data.title;
      sqlText.textContent = data.sql;
      query.open = true;
      status.textContent = 'Not run since the window reloaded.';
      setRunState('restored');
      return;
    case 'chartData':
      chart.receiveData(data.requestId, data.result);
      return;
    case 'notice':
      showMessage(data.text, false);
      return;
  }
}

let pendingScroll: { top: number; left: number } | undefined;

function showProgress(stats: RunStats): void {
  const tasks = stats.tasks;
  progressBar.hidden = false;
  const known = tasks !== undefined && tasks.total > 0;
  progressBar.classList.toggle('indeterminate', !known);
  progressFill.style.width = known ? `${Math.round((100 * tasks.completed) / tasks.total)}%` : '';
  if (known) {
    progressBar.setAttribute('aria-valuenow', String(tasks.completed));
    progressBar.setAttribute('aria-valuemax', String(tasks.total));
  } else {
    progressBar.removeAttribute('aria-valuenow');
    progressBar.removeAttribute('aria-valuemax');
  }
}

function setRunState(runState: string): void {
  running = runState === 'running';
  if (running) {
    main.hidden = false;
    filterBar.hidden = gridPane.hidden;
  }
  progressBar.hidden = !running;
  if (running) showProgress({ rows: 0, bytes: 0, elapsedMs: 0, progress: '' });
  document.body.dataset.runState = runState;
  cancelButton.hidden = !running;
  runAgainButton.hidden = running || runState === 'idle';
  loadMoreButton.hidden = true;
  exportMenu.disabled = runState === 'idle';
}

function showTab(tab: 'grid' | 'chart'): void {
  gridPane.hidden = tab !== 'grid';
  filterBar.hidden = tab !== 'grid';
  chartPane.hidden = tab !== 'chart';
  gridTabButton.setAttribute('aria-selected', String(tab === 'grid'));
  chartTabButton.setAttribute('aria-selected', String(tab === 'chart'));
  saveState({ tab });
  if (tab === 'chart') chart.show();
  else grid.refresh();
}

function showMessage(text: string, isError: boolean): void {
  message.hidden = false;
  message.className = isError ? 'message error' : 'message';
  message.textContent = text;
}

function showDetail(cell: CellPosition | undefined): void {
  if (!cell) {
    detail.hidden = true;
    grid.revealSelection();
    return;
  }
  const row = store.rowAt(cell.position);
  const column = store.columns[cell.column]!;
  const value = store.value(row, cell.column);
  const text = store.text(row, cell.column);
  const wasHidden = detail.hidden;
  detail.hidden = !(column.nested || text.length > 80 || text.includes('\n'));
  if (detail.hidden !== wasHidden) grid.revealSelection();
  if (detail.hidden) return;
  detail.replaceChildren();
  append(detail, 'div', 'detail-title').textContent = `${column.name} (${column.typeName}), row ${row + 1}`;
  if (column.nested) renderValueTree(detail, column.name, value);
  else append(detail, 'pre', 'detail-text').textContent = text;
}

function copy(what: string): void {
  const headers = store.columns.map((c) => c.name);
  const cell = grid.selection;
  const visible = Array.from({ length: store.visibleRows }, (_, position) => store.rowAt(position));
  const texts = (row: number) => store.columns.map((_, column) => store.text(row, column));
  let text: string;
  let description: string;
  if (what === 'markdown' || what === 'csv') {
    text =
      what === 'markdown'
        ? toMarkdownTable(headers, visible.map(texts))
        : toCsv(
            headers,
            visible.map((row) =>
              store.columns.map((_, column) => (store.value(row, column) === null ? null : store.text(row, column))),
            ),
          );
    description = `${visible.length.toLocaleString('en-US')} rows as ${what === 'csv' ? 'CSV' : 'Markdown'}`;
  } else if (!cell) {
    showMessage('Select a cell first (click it), then copy.', false);
    return;
  } else if (what === 'row') {
    text = toTsv([headers, texts(store.rowAt(cell.position))]);
    description = `row ${store.rowAt(cell.position) + 1}`;
  } else if (what === 'column') {
    text = visible.map((row) => store.text(row, cell.column)).join('\n');
    description = `column ${headers[cell.column]} (${visible.length.toLocaleString('en-US')} values)`;
  } else {
    text = store.text(store.rowAt(cell.position), cell.column);
    description = 'cell';
  }
  post({ type: 'copy', text, what: description });
}

function updateFilterInfo(): void {
  const filtered = store.filter.trim() !== '';
  filterInfo.textContent = filtered
    ? `${store.visibleRows.toLocaleString('en-US')} of ${store.loadedRows.toLocaleString('en-US')} loaded rows match`
    : '';
  rerunButton.hidden = !filtered && !store.sort;
}

function describeStats(stats: RunStats, stillRunning: boolean, truncated: boolean): string {
  const parts = [
    `${stats.rows.toLocaleString('en-US')} row${stats.rows === 1 ? '' : 's'}${truncated ? ' (more in Spark)' : ''}`,
    formatDuration(stats.elapsedMs),
    formatBytes(stats.bytes),
  ];
  if (stillRunning && stats.progress) parts.unshift(stats.progress);
  return `${stillRunning ? 'Running… ' : ''}${parts.join(' · ')}`;
}

function formatDuration(ms: number): string {
  return ms < 1000
    ? `${ms} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
