import { toDisplayText } from '../../core/arrow/sparkValues.js';
import type { ResultStore } from './resultStore.js';
import { append } from '../shared/dom.js';

export { append };

const ROW_HEIGHT = 22;
const GUTTER_WIDTH = 64;
const OVERSCAN_ROWS = 8;
const MIN_COLUMN_WIDTH = 48;
/**
 * Browsers cap an element's height (Chromium's layout stops at 2^25 px, about 1.5 million rows): past
 * this height the body stays this tall and the scrollbar maps onto the rows proportionally.
 */
export const MAX_BODY_HEIGHT = 8_000_000;
/** Rows are placed relative to a base row that moves in steps this large, so their offsets rarely change. */
const BASE_STEP = 1024;

/** A row element on screen and what it was drawn with. */
interface RenderedRow {
  readonly element: HTMLDivElement;
  firstColumn: number;
  lastColumn: number;
  /** The column drawn as selected in this row, if any. */
  selectedColumn: number | undefined;
  base: number;
}

export interface CellPosition {
  /** Position among the visible (sorted/filtered) rows. */
  readonly position: number;
  readonly column: number;
}

export interface GridEvents {
  onSortRequested(column: number): void;
  onSelectionChanged(cell: CellPosition | undefined): void;
  onColumnResized(name: string, width: number): void;
}

/**
 * A virtualized grid: only the rows and columns in view exist in the DOM, so a million rows scroll as
 * smoothly as a hundred. Every value is written with textContent, never as HTML.
 */
export class Grid {
  private readonly header: HTMLDivElement;
  private readonly body: HTMLDivElement;
  /** Holds the row elements; moved as a whole so rows keep their own offsets while scrolling. */
  private readonly layer: HTMLDivElement;
  /** The rows in the DOM, by visible position; kept across frames, so scrolling adds and removes only the rows that enter or leave. */
  private readonly onScreen = new Map<number, RenderedRow>();
  private widths: number[] = [];
  private lefts: number[] = [];
  private totalWidth = 0;
  private frame = 0;
  private rendered = '';
  selection: CellPosition | undefined;

  constructor(
    readonly element: HTMLDivElement,
    private readonly store: ResultStore,
    private readonly events: GridEvents,
    private readonly savedWidths: () => Record<string, number>,
  ) {
    element.classList.add('grid');
    element.tabIndex = 0;
    element.setAttribute('role', 'grid');
    this.header = append(element, 'div', 'grid-header');
    this.body = append(element, 'div', 'grid-body');
    this.layer = append(this.body, 'div', 'grid-rows');
    element.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(element);
    element.addEventListener('mousedown', (event) => this.onMouseDown(event));
    element.addEventListener('keydown', (event) => this.onKeyDown(event));
  }

  /** The schema changed: size columns from their names, types and the first rows. */
  resetColumns(): void {
    const saved = this.savedWidths();
    this.widths = this.store.columns.map((column, index) => saved[column.name] ?? this.estimateWidth(index));
    this.layoutColumns();
    this.selection = undefined;
    this.element.scrollTop = 0;
    this.element.scrollLeft = 0;
    this.renderHeader();
    this.refresh();
  }

  /**
   * The first rows arrived after the headers: size columns again from their values, except those the
   * user has sized.
   */
  fitColumnsToRows(): void {
    const saved = this.savedWidths();
    this.widths = this.store.columns.map((column, index) => saved[column.name] ?? this.estimateWidth(index));
    this.layoutColumns();
    this.renderHeader();
    this.refresh();
  }

  /** Keeps the selected cell in view after the grid changed size (the detail pane opened or closed). */
  revealSelection(): void {
    if (this.selection) this.scrollIntoView(this.selection);
    this.rendered = '';
    this.schedule();
  }

  /** Rows were added, sorted or filtered, or columns resized: redraw what is in view. */
  refresh(): void {
    this.rendered = '';
    this.clearRows();
    this.body.style.height = `${Math.min(this.store.visibleRows * ROW_HEIGHT, MAX_BODY_HEIGHT)}px`;
    this.body.style.width = `${this.totalWidth}px`;
    this.schedule();
  }

  private clearRows(): void {
    this.onScreen.clear();
    this.layer.replaceChildren();
  }

  /** Height of the rows' part of the viewport (the header is sticky above it). */
  private bodyViewport(): number {
    return Math.max(ROW_HEIGHT, this.element.clientHeight - this.header.offsetHeight);
  }

  /** Content pixels per scrolled pixel: 1, until the rows are taller than MAX_BODY_HEIGHT. */
  private scrollScale(): number {
    const content = this.store.visibleRows * ROW_HEIGHT;
    if (content <= MAX_BODY_HEIGHT) return 1;
    const viewport = this.bodyViewport();
    return (content - viewport) / (MAX_BODY_HEIGHT - viewport);
  }

  /** Where the top of the viewport is among the rows, in content pixels. */
  private contentTop(): number {
    return this.element.scrollTop * this.scrollScale();
  }

  private scrollToContent(top: number): void {
    this.element.scrollTop = top / this.scrollScale();
  }

  renderHeader(): void {
    this.header.replaceChildren();
    this.header.style.width = `${this.totalWidth}px`;
    const corner = append(this.header, 'div', 'gutter corner');
    corner.textContent = '#';
    this.store.columns.forEach((column, index) => {
      const cell = append(this.header, 'div', 'header-cell');
      cell.dataset.column = String(index);
      cell.style.left = `${this.lefts[index]}px`;
      cell.style.width = `${this.widths[index]}px`;
      cell.title = `${column.name}: ${column.typeName}\nClick to sort`;
      if (column.numeric) cell.classList.add('num');
      const name = append(cell, 'span', 'column-name');
      name.textContent = column.name;
      const sort = this.store.sort;
      if (sort?.column === index) append(name, 'span', 'sort-mark').textContent = sort.descending ? ' ▼' : ' ▲';
      append(cell, 'span', 'column-type').textContent = column.typeName;
      const resizer = append(cell, 'div', 'resizer');
      resizer.dataset.resize = String(index);
    });
  }

  select(cell: CellPosition | undefined): void {
    this.selection = cell;
    if (cell) this.scrollIntoView(cell);
    this.rendered = ''; // the selected cell's outline moves
    this.schedule();
    this.events.onSelectionChanged(cell);
  }

  private estimateWidth(column: number): number {
    const info = this.store.columns[column]!;
    let longest = Math.max(info.name.length, info.typeName.length);
    const sample = Math.min(this.store.visibleRows, 50);
    for (let position = 0; position < sample; position++) {
      longest = Math.max(longest, this.store.text(this.store.rowAt(position), column).length);
    }
    return Math.max(MIN_COLUMN_WIDTH + 16, Math.min(360, Math.round(longest * 8.4 + 28)));
  }

  private layoutColumns(): void {
    let x = GUTTER_WIDTH;
    this.lefts = this.widths.map((width) => {
      const left = x;
      x += width;
      return left;
    });
    this.totalWidth = x;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderBody();
    });
  }

  private renderBody(): void {
    const { scrollTop, scrollLeft, clientWidth } = this.element;
    const rows = this.store.visibleRows;
    const contentTop = this.contentTop();
    const first = Math.max(0, Math.floor(contentTop / ROW_HEIGHT) - OVERSCAN_ROWS);
    const last = Math.min(rows, Math.ceil((contentTop + this.bodyViewport()) / ROW_HEIGHT) + OVERSCAN_ROWS);
    let firstColumn = 0;
    while (
      firstColumn < this.widths.length - 1 &&
      this.lefts[firstColumn]! + this.widths[firstColumn]! < scrollLeft + GUTTER_WIDTH
    )
      firstColumn++;
    let lastColumn = firstColumn;
    while (lastColumn < this.widths.length && this.lefts[lastColumn]! < scrollLeft + clientWidth) lastColumn++;
    // Rows sit at (position - base) rows below the layer; the layer sits where the base row belongs.
    const base = Math.floor(first / BASE_STEP) * BASE_STEP;
    this.layer.style.transform = `translateY(${scrollTop + base * ROW_HEIGHT - contentTop}px)`;
    const key = `${first}:${last}:${firstColumn}:${lastColumn}:${rows}`;
    if (key === this.rendered) return;
    this.rendered = key;

    for (const [position, drawn] of this.onScreen) {
      if (position >= first && position < last) continue;
      drawn.element.remove();
      this.onScreen.delete(position);
    }
    const selected = (position: number) => (this.selection?.position === position ? this.selection.column : undefined);
    for (let position = first; position < last; position++) {
      let drawn = this.onScreen.get(position);
      if (!drawn) {
        drawn = { element: this.createRow(position), firstColumn: -1, lastColumn: -1, selectedColumn: undefined, base: -1 };
        this.onScreen.set(position, drawn);
        this.layer.appendChild(drawn.element);
      }
      if (drawn.base !== base) {
        drawn.base = base;
        drawn.element.style.top = `${(position - base) * ROW_HEIGHT}px`;
      }
      if (drawn.firstColumn !== firstColumn || drawn.lastColumn !== lastColumn) {
        this.fillRow(drawn, position, firstColumn, lastColumn);
      } else if (drawn.selectedColumn !== selected(position)) {
        drawn.element.querySelector('.cell.selected')?.classList.remove('selected');
        const column = selected(position);
        if (column !== undefined) drawn.element.querySelector(`.cell[data-column="${column}"]`)?.classList.add('selected');
      }
      drawn.selectedColumn = selected(position);
    }
  }

  private createRow(position: number): HTMLDivElement {
    const line = document.createElement('div');
    line.className = position % 2 ? 'row odd' : 'row';
    line.dataset.position = String(position);
    return line;
  }

  /** Draws a row's gutter and the cells of the columns in view. */
  private fillRow(drawn: RenderedRow, position: number, firstColumn: number, lastColumn: number): void {
    drawn.firstColumn = firstColumn;
    drawn.lastColumn = lastColumn;
    const row = this.store.rowAt(position);
    const line = drawn.element;
    line.replaceChildren();
    const gutter = append(line, 'div', 'gutter');
    gutter.textContent = String(row + 1);
    for (let column = firstColumn; column < lastColumn; column++) {
      const info = this.store.columns[column]!;
      const cell = append(line, 'div', 'cell');
      cell.dataset.column = String(column);
      cell.style.left = `${this.lefts[column]}px`;
      cell.style.width = `${this.widths[column]}px`;
      const value = this.store.value(row, column);
      if (value === null) {
        cell.classList.add('null');
        cell.textContent = 'NULL';
      } else {
        const text = toDisplayText(value);
        // A very long value is cut for the cell; the detail pane shows all of it.
        cell.textContent = text.length > 500 ? `${text.slice(0, 500)}…` : text;
        if (text === '') cell.classList.add('empty');
      }
      if (info.numeric) cell.classList.add('num');
      if (info.nested) cell.classList.add('nested');
      if (this.selection?.position === position && this.selection.column === column) cell.classList.add('selected');
    }
  }

  private cellAt(target: EventTarget | null): CellPosition | undefined {
    const cell = (target as HTMLElement | null)?.closest?.('.cell') as HTMLElement | null;
    const line = cell?.parentElement;
    if (!cell || !line?.dataset.position) return undefined;
    return { position: Number(line.dataset.position), column: Number(cell.dataset.column) };
  }

  private onMouseDown(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    if (target.dataset.resize) {
      this.startResize(Number(target.dataset.resize), event);
      return;
    }
    const header = target.closest('.header-cell') as HTMLElement | null;
    if (header?.dataset.column) {
      this.events.onSortRequested(Number(header.dataset.column));
      return;
    }
    const cell = this.cellAt(event.target);
    if (cell) this.select(cell);
  }

  private startResize(column: number, start: MouseEvent): void {
    start.preventDefault();
    const startWidth = this.widths[column]!;
    const move = (event: MouseEvent) => {
      this.widths[column] = Math.max(MIN_COLUMN_WIDTH, startWidth + event.clientX - start.clientX);
      this.layoutColumns();
      this.renderHeader();
      this.refresh();
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      this.events.onColumnResized(this.store.columns[column]!.name, this.widths[column]!);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      PageUp: [-Math.floor(this.element.clientHeight / ROW_HEIGHT), 0],
      PageDown: [Math.floor(this.element.clientHeight / ROW_HEIGHT), 0],
    };
    const move = moves[event.key];
    if (!move || this.store.visibleRows === 0) return;
    event.preventDefault();
    const current = this.selection ?? { position: 0, column: 0 };
    this.select({
      position: clamp(current.position + move[0], 0, this.store.visibleRows - 1),
      column: clamp(current.column + move[1], 0, this.store.columns.length - 1),
    });
  }

  private scrollIntoView(cell: CellPosition): void {
    const top = cell.position * ROW_HEIGHT;
    const viewport = this.bodyViewport();
    const contentTop = this.contentTop();
    if (top < contentTop) this.scrollToContent(top);
    else if (top + ROW_HEIGHT > contentTop + viewport) this.scrollToContent(top + ROW_HEIGHT - viewport);
    const left = this.lefts[cell.column]! - GUTTER_WIDTH;
    const right = this.lefts[cell.column]! + this.widths[cell.column]!;
    if (left < this.element.scrollLeft) this.element.scrollLeft = left;
    else if (right > this.element.scrollLeft + this.element.clientWidth)
      this.element.scrollLeft = right - this.element.clientWidth;
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}
