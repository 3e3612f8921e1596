import dagre from '@dagrejs/dagre';
import { sameName, type DatasetKind, type PipelineGraph } from './pipelineGraph.js';

/** A box of the DAG: a dataset of the pipeline, or a source outside it (a catalog table, files). */
export interface LaidOutNode {
  readonly id: string;
  readonly label: string;
  /** A source as its definition writes it, when that differs from the label (`${var}` resolved). */
  readonly written?: string;
  readonly kind: DatasetKind | 'source';
  /** Centre and size, in the layout's units (CSS pixels at zoom 1). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What a flow reads into its target, as a polyline from the reader's box to the target's. */
export interface LaidOutEdge {
  readonly from: string;
  readonly to: string;
  /** The flows that carry it (a target may have several, e.g. `CREATE FLOW … INSERT INTO`). */
  readonly flows: readonly string[];
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface PipelineLayout {
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
  readonly width: number;
  readonly height: number;
}

const NODE_HEIGHT = 60;
const CHAR_WIDTH = 7.4;

/**
 * Lays the pipeline out in ranks (dagre's layered layout): left to right (`wide`, sources on the left,
 * each dataset right of what it reads) or top to bottom (`tall`), edges routed between ranks so they
 * do not cross boxes. A source reading `${name}` shows the spec's value of it (`variables`, its
 * configuration), as Spark reads it.
 */
export function layoutPipeline(
  graph: PipelineGraph,
  direction: 'wide' | 'tall' = 'wide',
  variables: Readonly<Record<string, string>> = {},
): PipelineLayout {
  const layout = new dagre.graphlib.Graph<{ width: number; height: number }>({ multigraph: false });
  layout.setGraph({ rankdir: direction === 'wide' ? 'LR' : 'TB', nodesep: 16, ranksep: 48, marginx: 16, marginy: 16 });
  layout.setDefaultEdgeLabel(() => ({}));
  const nodes = new Map<string, { label: string; written?: string; kind: DatasetKind | 'source' }>();
  const idOf = (name: string) => graph.datasets.find((d) => sameName(d.name, name))?.name;
  for (const dataset of graph.datasets) nodes.set(dataset.name, { label: dataset.name, kind: dataset.kind });
  const edges = new Map<string, { from: string; to: string; flows: string[] }>();
  for (const flow of graph.flows) {
    const to = idOf(flow.target) ?? flow.target;
    if (!nodes.has(to)) nodes.set(to, { label: to, kind: 'materializedView' });
    for (const read of flow.reads) {
      const from = idOf(read) ?? read;
      if (!nodes.has(from)) {
        const label = withVariables(read, variables);
        nodes.set(from, { label, ...(label === read ? {} : { written: read }), kind: 'source' });
      }
      if (from === to) continue;
      const key = `${from}\u0000${to}`;
      const edge = edges.get(key) ?? { from, to, flows: [] };
      if (!edge.flows.includes(flow.name)) edge.flows.push(flow.name);
      edges.set(key, edge);
    }
  }
  for (const [id, node] of nodes) layout.setNode(id, { width: nodeWidth(node.label), height: NODE_HEIGHT });
  for (const edge of edges.values()) layout.setEdge(edge.from, edge.to);
  dagre.layout(layout);
  const size = layout.graph();
  return {
    nodes: [...nodes].map(([id, node]) => {
      const box = layout.node(id) as { x: number; y: number; width: number; height: number };
      return { id, ...node, x: box.x, y: box.y, width: box.width, height: box.height };
    }),
    edges: [...edges.values()].map((edge) => ({
      ...edge,
      points: ((layout.edge(edge.from, edge.to) as { points?: { x: number; y: number }[] } | undefined)?.points ?? []).map(
        ({ x, y }) => ({ x, y }),
      ),
    })),
    width: size.width ?? 0,
    height: size.height ?? 0,
  };
}

function nodeWidth(label: string): number {
  // Wide enough for the state line too: "completed · 2,000,000 rows · 12.3 s".
  return Math.round(Math.min(340, Math.max(236, label.length * CHAR_WIDTH + 32)));
}

/** `${name}` replaced by its value where the spec's configuration has one; others are left as written. */
function withVariables(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => variables[name.trim()] ?? whole);
}
