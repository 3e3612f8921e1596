import { tableFromIPC } from 'apache-arrow';
import type { View } from 'vega';
import { closedLoader } from '../shared/closedLoader.js';
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { chartFieldsOf, type ChartField } from '../../core/charts/chartFields.js';
import { chartRowsOf, chartValue } from '../../core/charts/chartRows.js';
import { suggestChart, type ColumnProfile } from '../../core/charts/chartSuggestion.js';
import { chartConfig, themeKind } from './chartTheme.js';
import { append } from './grid.js';
import type { ChartDataResult } from './protocol.js';
import type { ResultStore } from './resultStore.js';

/** Rows drawn at most when a chart falls back to the loaded rows (Vega slows to seconds past ~100k marks). */
const LOCAL_CHART_ROWS = 100_000;
const MARKS = ['bar', 'line', 'area', 'point', 'tick', 'rect', 'arc'] as const;
const AGGREGATES = ['', 'count', 'sum', 'mean', 'median', 'min', 'max', 'distinct'] as const;
const TIME_UNITS = ['', 'year', 'yearmonth', 'yearmonthdate', 'yearmonthdatehours', 'month', 'day', 'hours'] as const;

type Spec = Record<string, unknown> & { encoding?: Record<string, Record<string, unknown>> };

export interface ChartHost {
  requestData(requestId: number, spec: object): void;
  saveFile(suggestedName: string, content: string | Uint8Array, filters: Record<string, string[]>): void;
}

/**
 * The Chart tab: a Vega-Lite chart suggested from the result's schema, a small builder (mark, x, y,
 * color, aggregate, bin, time unit) and a JSON spec editor. Vega runs through its AST interpreter (no
 * eval under the webview's CSP) and can load nothing: data is always handed to it inline.
 */
export class ChartView {
  private spec: Spec | undefined;
  private complete = false;
  private localThreshold = 20_000;
  private requestId = 0;
  private embedded: Result | undefined;
  /** What the canvas shows, so a theme change redraws it without asking Spark again. */
  private drawn: { spec: Spec; values: Record<string, unknown>[]; note: string } | undefined;
  /** The request (spec and result state) the canvas answers; an unchanged one is not recomputed. */
  private drawnKey: string | undefined;
  private readonly controls: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private readonly note: HTMLDivElement;
  private readonly editor: HTMLTextAreaElement;
  private readonly selects = new Map<string, HTMLSelectElement>();
  private readonly binBox: HTMLInputElement;
  private visible = false;

  constructor(
    private readonly element: HTMLElement,
    private readonly store: ResultStore,
    private readonly host: ChartHost,
  ) {
    this.controls = append(element, 'div', 'chart-builder');
    for (const name of ['mark', 'x', 'y', 'aggregate', 'color', 'timeUnit']) {
      const label = append(this.controls, 'label', '');
      label.textContent = `${name === 'timeUnit' ? 'time unit' : name} `;
      const select = append(label, 'select', '');
      select.id = `chart-${name}`;
      select.addEventListener('change', () => this.fromBuilder());
      this.selects.set(name, select);
    }
    const binLabel = append(this.controls, 'label', '');
    this.binBox = append(binLabel, 'input', '');
    this.binBox.type = 'checkbox';
    this.binBox.id = 'chart-bin';
    binLabel.append(' bin x');
    this.binBox.addEventListener('change', () => this.fromBuilder());
    const exports = append(this.controls, 'span', 'chart-exports');
    for (const [label, action] of [
      ['PNG', () => this.settle(this.exportImage('png'))],
      ['SVG', () => this.settle(this.exportImage('svg'))],
      ['Spec', () => this.exportSpec()],
    ] as const) {
      const button = append(exports, 'button', 'button secondary');
      button.textContent = label;
      button.id = `chart-export-${label.toLowerCase()}`;
      button.title = `Save the chart as ${label === 'Spec' ? 'a Vega-Lite spec (JSON)' : label}`;
      button.addEventListener('click', action);
    }
    this.canvas = append(element, 'div', 'chart-canvas');
    this.canvas.id = 'chart-canvas';
    this.note = append(element, 'div', 'chart-note');
    this.note.id = 'chart-note';
    const specDetails = append(element, 'details', 'chart-spec');
    append(specDetails, 'summary', '').textContent = 'Vega-Lite spec';
    this.editor = append(specDetails, 'textarea', 'spec-editor');
    this.editor.id = 'chart-spec-editor';
    this.editor.spellcheck = false;
    const apply = append(specDetails, 'button', 'button');
    apply.textContent = 'Apply spec';
    apply.id = 'chart-apply-spec';
    apply.addEventListener('click', () => this.fromEditor());
    // Theme changes arrive as body class changes: redraw in the new colors.
    new MutationObserver(
      () => this.visible && this.drawn && void this.draw(this.drawn.spec, this.drawn.values, this.drawn.note),
    ).observe(document.body, {
      attributes: true,
      attributeFilter: ['class'],
    });
  }

  reset(localThreshold: number): void {
    this.localThreshold = localThreshold;
    this.spec = undefined;
    this.complete = false;
    this.embedded?.finalize();
    this.embedded = undefined;
    this.drawn = undefined;
    this.drawnKey = undefined;
    this.canvas.replaceChildren();
    this.note.textContent = '';
  }

  resultComplete(complete: boolean): void {
    this.complete = complete;
    if (this.visible) this.settle(this.render());
  }

  show(): void {
    this.visible = true;
    if (!this.spec && this.store.schema) {
      // A result not loaded whole, or larger than the local limit, gets a chart Spark can aggregate.
      const large = !this.complete || this.store.loadedRows > this.localThreshold;
      const fields = chartFieldsOf(this.store.schema);
      const suggestion = suggestChart(fields, { large, profiles: integerProfiles(this.store, fields) });
      if ('reason' in suggestion) {
        this.setNote(`No chart suggested: ${suggestion.reason} Pick fields above or edit the spec.`);
        this.spec = { mark: 'bar', encoding: {} };
      } else this.spec = structuredClone(suggestion.spec) as Spec;
      this.syncControls();
    }
    this.settle(this.render());
  }

  receiveData(requestId: number, result: ChartDataResult): void {
    if (requestId !== this.requestId || !this.spec) return;
    if (result.kind === 'error') {
      this.drawnKey = undefined; // showing the tab again tries again
      this.setNote(`The chart could not be computed in Spark: ${result.message}`, true);
      return;
    }
    if (result.kind === 'local') {
      this.settle(
        this.draw(
          this.spec,
          this.localRows(),
          `Drawn from the ${this.store.loadedRows.toLocaleString('en-US')} loaded rows: ${result.reason}`,
        ),
      );
      return;
    }
    const rows = chartRowsOf(tableFromIPC(result.ipc));
    this.settle(
      this.draw(
        result.spec as Spec,
        rows,
        `Aggregated in Spark from ${result.sourceRows.toLocaleString('en-US')} rows (${rows.length.toLocaleString('en-US')} fetched).`,
      ),
    );
  }

  /** Drawing and exporting run unawaited from UI events: a failure shows on the chart's note line. */
  private settle(work: Promise<void>): void {
    work.catch((error: unknown) => {
      this.drawnKey = undefined;
      this.setNote(`The chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`, true);
    });
  }

  private async render(): Promise<void> {
    if (!this.spec || !this.store.schema) return;
    const key = JSON.stringify([this.spec, this.complete, this.store.loadedRows]);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const requestId = ++this.requestId;
    this.editor.value = JSON.stringify(this.spec, null, 2);
    if (this.complete && this.store.loadedRows <= this.localThreshold) {
      await this.draw(this.spec, this.localRows(), `${this.store.loadedRows.toLocaleString('en-US')} rows.`);
      return;
    }
    this.setNote('Aggregating in Spark…');
    this.host.requestData(requestId, this.spec);
  }

  private localRows(): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = [];
    const columns = this.store.columns;
    const limit = Math.min(this.store.loadedRows, LOCAL_CHART_ROWS);
    for (let row = 0; row < limit; row++) {
      const object: Record<string, unknown> = {};
      for (let column = 0; column < columns.length; column++)
        object[columns[column]!.name] = chartValue(this.store.value(row, column));
      rows.push(object);
    }
    return rows;
  }

  private async draw(spec: Spec, values: Record<string, unknown>[], note: string): Promise<void> {
    const full = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 'container',
      height: 320,
      ...spec,
      data: { values },
      config: chartConfig(),
    };
    try {
      this.embedded?.finalize();
      this.embedded = await embed(this.canvas, full as never, {
        ast: true,
        expr: expressionInterpreter,
        renderer: 'canvas',
        actions: false,
        defaultStyle: false,
        loader: closedLoader(),
        tooltip: { disableDefaultStyle: true },
      });
      this.drawn = { spec, values, note };
      this.setNote(note);
      this.canvas.dataset.rendered = String(values.length);
      this.canvas.dataset.theme = themeKind();
    } catch (error) {
      this.drawnKey = undefined;
      this.setNote(`The chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  private setNote(text: string, isError = false): void {
    this.note.textContent = text;
    this.note.classList.toggle('error', isError);
  }

  private syncControls(): void {
    const fields = this.store.columns.map((c) => c.name);
    const fill = (name: string, options: readonly string[], value: string, blank = '(none)') => {
      const select = this.selects.get(name)!;
      select.replaceChildren();
      for (const option of options) {
        const element = append(select, 'option', '');
        element.value = option;
        element.textContent = option === '' ? blank : option;
      }
      select.value = options.includes(value) ? value : (options[0] ?? '');
    };
    const spec = this.spec ?? {};
    const encoding = spec.encoding ?? {};
    const mark = typeof spec.mark === 'string' ? spec.mark : String((spec.mark as { type?: string } | undefined)?.type ?? 'bar');
    fill('mark', MARKS, mark);
    fill('x', ['', ...fields], String(encoding.x?.field ?? ''));
    fill('y', ['', ...fields], String(encoding.y?.field ?? ''));
    fill('aggregate', AGGREGATES, String(encoding.y?.aggregate ?? ''), '(none)');
    fill('color', ['', ...fields], String(encoding.color?.field ?? ''));
    fill('timeUnit', TIME_UNITS, String(encoding.x?.timeUnit ?? ''), '(none)');
    this.binBox.checked = Boolean(encoding.x?.bin);
  }

  private fromBuilder(): void {
    const value = (name: string) => this.selects.get(name)!.value;
    const typeOf = (field: string) => {
      const column = this.store.columns.find((c) => c.name === field);
      if (!column) return 'nominal';
      if (/^(date|timestamp)/.test(column.typeName)) return 'temporal';
      return column.numeric ? 'quantitative' : 'nominal';
    };
    const encoding: Record<string, Record<string, unknown>> = {};
    const x = value('x');
    const mark = value('mark');
    if (x) {
      // Bars over a number that is not binned are one per distinct value: an ordinal axis gives them
      // their width (a quantitative one draws hairlines).
      const discreteBars = (mark === 'bar' || mark === 'rect') && !this.binBox.checked && typeOf(x) === 'quantitative';
      encoding.x = { field: x, type: this.binBox.checked ? 'quantitative' : discreteBars ? 'ordinal' : typeOf(x) };
      if (this.binBox.checked) encoding.x.bin = true;
      if (value('timeUnit') && typeOf(x) === 'temporal') encoding.x.timeUnit = value('timeUnit');
    }
    const y = value('y');
    const aggregate = value('aggregate');
    if (y) encoding.y = { field: y, type: typeOf(y), ...(aggregate ? { aggregate } : {}) };
    else if (aggregate === 'count' || this.binBox.checked) encoding.y = { aggregate: 'count', type: 'quantitative' };
    if (encoding.y?.aggregate) encoding.y.type = 'quantitative';
    const color = value('color');
    if (color) encoding.color = { field: color, type: typeOf(color) === 'temporal' ? 'temporal' : typeOf(color) };
    this.spec = { mark: { type: mark, tooltip: true }, encoding };
    this.settle(this.render());
  }

  private fromEditor(): void {
    try {
      const parsed = JSON.parse(this.editor.value) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('The spec must be a JSON object.');
      const spec = parsed as Spec;
      // Data always comes from the result; a spec cannot point Vega anywhere else.
      delete spec.data;
      delete spec.datasets;
      this.spec = spec;
      this.syncControls();
      this.settle(this.render());
    } catch (error) {
      this.setNote(`The spec is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  /**
   * The chart on screen as a standalone Vega-Lite spec, its data inline, for saving into a notebook;
   * undefined while nothing is drawn.
   */
  standaloneSpec(): object | undefined {
    if (!this.drawn) return undefined;
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      width: 480,
      height: 320,
      ...this.drawn.spec,
      data: { values: this.drawn.values },
    };
  }

  /** The chart on screen as PNG, base64 (a notebook's image fallback); undefined while nothing is drawn. */
  async pngBase64(): Promise<string | undefined> {
    const view: View | undefined = this.embedded?.view;
    if (!view) return undefined;
    const url = await view.toImageURL('png', 1);
    return url.slice(url.indexOf(',') + 1);
  }

  private async exportImage(format: 'png' | 'svg'): Promise<void> {
    const view: View | undefined = this.embedded?.view;
    if (!view) return;
    if (format === 'svg') {
      this.host.saveFile('chart.svg', await view.toSVG(), { SVG: ['svg'] });
      return;
    }
    const url = await view.toImageURL('png', 2);
    const bytes = Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    this.host.saveFile('chart.png', bytes, { PNG: ['png'] });
  }

  private exportSpec(): void {
    if (!this.spec) return;
    this.host.saveFile(
      'chart.vl.json',
      `${JSON.stringify({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...this.spec }, null, 2)}\n`,
      {
        'Vega-Lite spec': ['json'],
      },
    );
  }
}

/** Rows looked at to tell keys and category codes from measures. */
const PROFILED_ROWS = 5_000;

/** Distinct values of each integer column among the first loaded rows. */
function integerProfiles(store: ResultStore, fields: readonly ChartField[]): Record<string, ColumnProfile> {
  const rows = Math.min(store.loadedRows, PROFILED_ROWS);
  const profiles: Record<string, ColumnProfile> = {};
  fields.forEach((field, column) => {
    if (field.storage !== 'integer') return;
    const seen = new Set<string>();
    for (let row = 0; row < rows; row++) seen.add(store.text(row, column));
    profiles[field.name] = { rows, distinct: seen.size };
  });
  return profiles;
}
