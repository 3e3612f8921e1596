// What a dashboard shows: plain JSON, the same for the editor's webview and an exported HTML page.

/** A parameter as the page offers it, with its current value. */
export type ParameterControl =
  | { readonly kind: 'date_range'; readonly name: string; readonly label: string; readonly from: string; readonly to: string }
  | {
      readonly kind: 'choice';
      readonly name: string;
      readonly label: string;
      readonly choices: readonly string[];
      readonly all: boolean;
      /** null: All. */
      readonly value: string | null;
    }
  | { readonly kind: 'text'; readonly name: string; readonly label: string; readonly value: string };

/** Values a person picked, by parameter name: a range as {from, to}, All as null. */
export type ParameterValues = Readonly<Record<string, string | null | { readonly from: string; readonly to: string }>>;

export interface TileLayout {
  readonly id: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
}

export type TileContent =
  | {
      readonly kind: 'chart';
      /** A Vega-Lite spec with data: {name: 'table'}; `rows` are that dataset. */
      readonly spec: Record<string, unknown>;
      readonly rows: readonly Record<string, unknown>[];
    }
  | {
      readonly kind: 'table';
      readonly columns: readonly { readonly name: string; readonly type: string; readonly numeric: boolean }[];
      /** Each value as the results grid shows it (null: NULL). */
      readonly rows: readonly (readonly (string | null)[])[];
      readonly truncated: boolean;
    }
  | {
      readonly kind: 'number';
      readonly value: number | null;
      readonly previous?: number | null;
      /** A d3-format string. */
      readonly format?: string;
      readonly column: string;
    };

export type TileState =
  | { readonly state: 'loading' }
  | {
      readonly state: 'done';
      readonly content: TileContent;
      /** Where the numbers came from, in words ("Aggregated in Spark from 1,204 rows"). */
      readonly note: string;
      readonly elapsedMs: number;
    }
  | { readonly state: 'error'; readonly message: string };

export interface DashboardView {
  readonly title: string;
  readonly description?: string;
  readonly parameters: readonly ParameterControl[];
  readonly tiles: readonly TileLayout[];
}
