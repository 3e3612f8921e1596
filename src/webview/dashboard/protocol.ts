// The one message protocol between the extension host and the dashboard webview. An exported page has
// no host: it reads the same view and tile states from the data block written into it (StaticDashboard).
import type { DashboardView, ParameterValues, TileState } from '../../core/dashboards/tileResults.js';

export type DashboardHostMessage =
  /** The frame: title, parameters with their values, the tiles' places (tiles start loading). */
  | { readonly type: 'view'; readonly view: DashboardView }
  | { readonly type: 'tile'; readonly id: string; readonly state: TileState }
  /** A one-line note under the title: why the tiles are refreshing, or what failed before any tile ran. */
  | { readonly type: 'notice'; readonly text: string; readonly error?: boolean };

export type DashboardWebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'setParameters'; readonly values: ParameterValues }
  | { readonly type: 'exportHtml' }
  | { readonly type: 'savePng'; readonly tileTitle: string; readonly dataUrl: string };

/** What an exported page carries in its data block. */
export interface StaticDashboard {
  readonly view: DashboardView;
  readonly tiles: Readonly<Record<string, TileState>>;
  /** When and against what it was rendered, in words (never a token). */
  readonly footer: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A message from the dashboard webview as the host may act on it, or undefined: checked, never cast. */
export function parseDashboardMessage(value: unknown): DashboardWebviewMessage | undefined {
  if (!isObject(value) || !isString(value.type)) return undefined;
  switch (value.type) {
    case 'ready':
    case 'refresh':
    case 'exportHtml':
      return { type: value.type };
    case 'setParameters': {
      if (!isObject(value.values)) return undefined;
      const values: Record<string, string | null | { from: string; to: string }> = {};
      for (const [name, picked] of Object.entries(value.values)) {
        if (picked === null || isString(picked)) values[name] = picked;
        else if (
          isObject(picked) &&
          isString(picked.from) &&
          isString(picked.to) &&
          DATE.test(picked.from) &&
          DATE.test(picked.to)
        )
          values[name] = { from: picked.from, to: picked.to };
        else return undefined;
      }
      return { type: 'setParameters', values };
    }
    case 'savePng':
      return isString(value.tileTitle) && isString(value.dataUrl) && value.dataUrl.startsWith('data:image/png;base64,')
        ? { type: 'savePng', tileTitle: value.tileTitle, dataUrl: value.dataUrl }
        : undefined;
    default:
      return undefined;
  }
}
