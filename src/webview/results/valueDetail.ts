import { toDisplayText, type SparkValue } from '../../core/arrow/sparkValues.js';
import { append } from './grid.js';

/**
 * A value laid out as an expandable tree: arrays by index, maps by key, structs by field name. The top
 * two levels start open, and small nodes (a few entries) deeper down too, so a typical nested value
 * reads at a glance. Text goes in with textContent only.
 */
const SMALL_NODE = 5;

export function renderValueTree(parent: HTMLElement, label: string, value: SparkValue, depth = 0): void {
  const children = childrenOf(value);
  if (!children) {
    const leaf = append(parent, 'div', 'tree-leaf');
    append(leaf, 'span', 'tree-key').textContent = label;
    const text = append(leaf, 'span', value === null ? 'tree-value null' : 'tree-value');
    text.textContent = value === null ? 'NULL' : typeof value === 'string' ? JSON.stringify(value) : toDisplayText(value);
    return;
  }
  const details = append(parent, 'details', 'tree-node');
  details.open = depth < 2 || (depth < 5 && children.entries.length <= SMALL_NODE);
  const summary = append(details, 'summary', '');
  append(summary, 'span', 'tree-key').textContent = label;
  append(summary, 'span', 'tree-kind').textContent = children.kind;
  for (const [childLabel, child] of children.entries) renderValueTree(details, childLabel, child, depth + 1);
}

function childrenOf(value: SparkValue): { kind: string; entries: [string, SparkValue][] } | undefined {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return undefined;
  switch (value.kind) {
    case 'array':
      return { kind: `array (${value.items.length})`, entries: value.items.map((item, i) => [`[${i}]`, item]) };
    case 'map':
      return { kind: `map (${value.entries.length})`, entries: value.entries.map(([key, item]) => [toDisplayText(key), item]) };
    case 'struct':
      return { kind: 'struct', entries: value.fields.map(([name, item]) => [name, item]) };
    default:
      return undefined;
  }
}
