// The notebook renderer of Spark results (application/vnd.spark-workbench.arrow+json): the results
// viewer's virtualized grid and chart builder on the rows stored in the output, each output in a shadow
// root of its own so its styles and element ids touch nothing else in the notebook. It also draws
// charts saved into notebooks (application/vnd.vegalite.v5+json). Vega runs through its interpreter.
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { ARROW_OUTPUT_MIME, parseArrowCellData, storedRowsNote, VEGA_LITE_MIME } from '../../core/notebooks/arrowCellOutput.js';
import resultsCss from '../results/results.css';
import { chartConfig } from '../results/chartTheme.js';
import { ChartView } from '../results/chartView.js';
import { closedLoader } from '../shared/closedLoader.js';
import { append, Grid } from '../results/grid.js';
import { ResultStore } from '../results/resultStore.js';
import outputCss from './notebookOutput.css';
import type { RendererMessage } from './protocol.js';

/** The parts of VS Code's renderer API used here (vscode-notebook-renderer). */
interface OutputItem {
  readonly id: string;
  readonly mime: string;
  /** The output's metadata: the extension puts an `outputId` there. */
  readonly metadata?: unknown;
  json(): unknown;
}
interface RendererContext {
  postMessage?(message: RendererMessage): void;
}

const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 40;
const VISIBLE_ROWS = 12;

const disposers = new Map<string, () => void>();

export function activate(context: RendererContext) {
  const post = (message: RendererMessage) => context.postMessage?.(message);
  return {
    renderOutputItem(item: OutputItem, element: HTMLElement): void {
      disposers.get(item.id)?.();
      const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
      root.replaceChildren();
      const style = document.createElement('style');
      style.textContent = `${resultsCss}\n${outputCss}`;
      root.append(style);
      const container = document.createElement('div');
      container.className = 'sw-output';
      root.append(container);
      if (item.mime === VEGA_LITE_MIME) renderSavedChart(item, container);
      else renderResult(item, container, post);
    },
    disposeOutputItem(id?: string): void {
      if (id === undefined) {
        for (const dispose of disposers.values()) dispose();
        disposers.clear();
      } else {
        disposers.get(id)?.();
        disposers.delete(id);
      }
    },
  };
}

function renderResult(item: OutputItem, container: HTMLElement, post: (message: RendererMessage) => void): void {
  const data = parseArrowCellData(item.json());
  if (!data) {
    append(container, 'div', 'sw-note').textContent = 'This output is not a Spark Workbench result this version can read.';
    return;
  }
  const store = new ResultStore();
  store.addIpc(Uint8Array.from(atob(data.ipc), (c) => c.charCodeAt(0)));
  const bar = append(container, 'div', 'sw-bar');
  const tabs = append(bar, 'span', 'tabs');
  const tab = (label: string) => {
    const button = append(tabs, 'button', 'tab');
    button.textContent = label;
    return button;
  };
  const tableTab = tab('Table');
  const chartTab = tab('Chart');
  const note = append(bar, 'span', 'sw-note');
  note.textContent = `${storedRowsNote(data.rows, data.complete)} · ${(data.elapsedMs / 1000).toFixed(1)} s`;
  if (!data.complete && data.sql) {
    const more = append(bar, 'button', 'button secondary');
    more.textContent = 'Show all in Results';
    more.title = 'Run the statement in the results viewer, where more rows load as you ask';
    more.addEventListener('click', () => post({ type: 'openResult', outputId: outputIdOf(item), sql: data.sql! }));
  }
  const save = append(bar, 'button', 'button secondary');
  save.textContent = 'Save chart to notebook';
  save.title = 'Add this chart to the cell as a Vega-Lite output (application/vnd.vegalite.v5+json)';
  save.hidden = true;

  const gridPane = append(container, 'div', 'sw-grid');
  gridPane.style.height = `${HEADER_HEIGHT + ROW_HEIGHT * Math.max(1, Math.min(store.loadedRows, VISIBLE_ROWS)) + 16}px`;
  const gridElement = append(gridPane, 'div', '');
  const grid = new Grid(
    gridElement,
    store,
    {
      onSortRequested: (column) => {
        const sort = store.sort;
        store.setSort(
          sort?.column !== column ? { column, descending: false } : sort.descending ? undefined : { column, descending: true },
        );
        grid.renderHeader();
        grid.refresh();
      },
      onSelectionChanged: (cell) => grid.select(cell),
      onColumnResized: () => undefined,
    },
    () => ({}),
  );
  grid.resetColumns();
  grid.fitColumnsToRows();
  const chartPane = append(container, 'div', 'sw-chart');
  chartPane.hidden = true;
  let chart: ChartView | undefined;
  const show = (which: 'table' | 'chart') => {
    tableTab.setAttribute('aria-selected', String(which === 'table'));
    chartTab.setAttribute('aria-selected', String(which === 'chart'));
    gridPane.hidden = which !== 'table';
    chartPane.hidden = which !== 'chart';
    save.hidden = which !== 'chart';
    if (which === 'table') {
      grid.refresh();
      return;
    }
    if (!chart) {
      chart = new ChartView(chartPane, store, {
        // Charts here draw the stored rows; Spark is not asked again.
        requestData: (requestId) => chart?.receiveData(requestId, { kind: 'local', reason: 'the rows stored in the notebook.' }),
        saveFile: (suggestedName, content, filters) =>
          post({
            type: 'saveFile',
            suggestedName,
            content: typeof content === 'string' ? content : btoa(String.fromCharCode(...content)),
            encoding: typeof content === 'string' ? 'utf8' : 'base64',
            filters,
          }),
      });
      chart.reset(Number.MAX_SAFE_INTEGER);
      chart.resultComplete(true);
    }
    chart.show();
  };
  tableTab.addEventListener('click', () => show('table'));
  chartTab.addEventListener('click', () => show('chart'));
  save.addEventListener('click', () => {
    const spec = chart?.standaloneSpec();
    if (!chart || !spec) return;
    chart
      .pngBase64()
      .catch(() => undefined)
      .then((png) =>
        post({ type: 'saveChart', outputId: outputIdOf(item), spec: spec as Record<string, unknown>, ...(png ? { png } : {}) }),
      )
      .catch(() => undefined);
  });
  show('table');
}

function renderSavedChart(item: OutputItem, container: HTMLElement): void {
  const canvas = append(container, 'div', 'sw-chart sw-saved-chart');
  let embedded: Result | undefined;
  const spec = item.json() as Record<string, unknown>;
  embed(canvas, { ...spec, config: { ...chartConfig(), ...(spec.config as object | undefined) } } as never, {
    ast: true,
    expr: expressionInterpreter,
    renderer: 'canvas',
    actions: false,
    loader: closedLoader(),
  })
    .then((result) => (embedded = result))
    .catch((error: unknown) => {
      canvas.textContent = `The chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
    });
  disposers.set(item.id, () => embedded?.finalize());
}

export { ARROW_OUTPUT_MIME };

function outputIdOf(item: OutputItem): string {
  const metadata = item.metadata as { outputId?: unknown } | undefined;
  return typeof metadata?.outputId === 'string' ? metadata.outputId : item.id;
}
