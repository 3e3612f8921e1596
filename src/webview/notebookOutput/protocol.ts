// The one message protocol from the notebook output renderer to the extension (VS Code's renderer
// messaging). The renderer runs page code, so the extension checks each message field by field.

export type RendererMessage =
  /** Adds the chart, data inline, to the cell of output `outputId` as application/vnd.vegalite.v5+json. */
  | { readonly type: 'saveChart'; readonly outputId: string; readonly spec: Record<string, unknown>; readonly png?: string }
  /**
   * Opens the statement of output `outputId` in the results viewer, where every row can be loaded; the
   * extension checks it against its cell's current text before it runs.
   */
  | { readonly type: 'openResult'; readonly outputId: string; readonly sql: string }
  /** A file the person saves through a dialog (a chart as PNG, SVG or spec); `base64` for bytes. */
  | {
      readonly type: 'saveFile';
      readonly suggestedName: string;
      readonly content: string;
      readonly encoding: 'utf8' | 'base64';
      readonly filters: Record<string, string[]>;
    };

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseRendererMessage(value: unknown): RendererMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'saveChart':
      if (!isString(value.outputId) || !isObject(value.spec)) return undefined;
      if (value.png !== undefined && !(isString(value.png) && /^[A-Za-z0-9+/]*={0,2}$/.test(value.png))) return undefined;
      return {
        type: 'saveChart',
        outputId: value.outputId,
        spec: value.spec,
        ...(value.png === undefined ? {} : { png: value.png }),
      };
    case 'openResult':
      return isString(value.sql) && value.sql.trim() && isString(value.outputId)
        ? { type: 'openResult', outputId: value.outputId, sql: value.sql }
        : undefined;
    case 'saveFile': {
      const { suggestedName, content, encoding, filters } = value;
      if (!isString(suggestedName) || !isString(content) || (encoding !== 'utf8' && encoding !== 'base64') || !isObject(filters))
        return undefined;
      const entries = Object.entries(filters);
      if (!entries.every(([, extensions]) => Array.isArray(extensions) && extensions.every(isString))) return undefined;
      // A name only: the save dialog picks the folder.
      return {
        type: 'saveFile',
        suggestedName: suggestedName.replace(/[\\/]/g, '_'),
        content,
        encoding,
        filters: Object.fromEntries(entries) as Record<string, string[]>,
      };
    }
    default:
      return undefined;
  }
}
