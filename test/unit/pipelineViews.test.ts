import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeGraphs, type PipelineGraph } from '../../src/core/pipelines/pipelineGraph.js';
import { parsePipelineEvent } from '../../src/core/pipelines/pipelineEvents.js';
import { layoutPipeline } from '../../src/core/pipelines/pipelineLayout.js';
import { PipelineRunRecord } from '../../src/core/pipelines/pipelineRunRecord.js';
import { specCompletions, specHover } from '../../src/core/pipelines/specAssist.js';

const at = (file: string, line: number) => ({ file, line });

/** A graph of `width` chains of `depth` materialized views, each reading the one before and a shared source. */
function wideGraph(width: number, depth: number): PipelineGraph {
  const datasets = [];
  const flows = [];
  for (let w = 0; w < width; w++)
    for (let d = 0; d < depth; d++) {
      const name = `chain_${w}_step_${d}`;
      datasets.push({ name, kind: 'materializedView' as const, location: at('t.sql', w * depth + d + 1) });
      flows.push({
        name,
        target: name,
        reads: d === 0 ? ['catalog.raw.events'] : [`chain_${w}_step_${d - 1}`],
        location: at('t.sql', 1),
      });
    }
  return { datasets, flows };
}

describe('pipeline graph layout', () => {
  it('lays 60 datasets out left to right with no two boxes overlapping, each right of what it reads', () => {
    const graph = wideGraph(12, 5);
    const layout = layoutPipeline(graph);
    assert.equal(layout.nodes.length, 61, 'sixty datasets and the source they read');
    const boxes = layout.nodes.map((n) => ({
      id: n.id,
      left: n.x - n.width / 2,
      right: n.x + n.width / 2,
      top: n.y - n.height / 2,
      bottom: n.y + n.height / 2,
    }));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        assert.ok(!overlap, `${a.id} overlaps ${b.id}`);
      }
    const box = new Map(boxes.map((b) => [b.id, b]));
    for (const edge of layout.edges) {
      assert.ok(box.get(edge.from)!.right < box.get(edge.to)!.left, `${edge.from} is left of ${edge.to}`);
      assert.ok(edge.points.length >= 2);
    }
    assert.equal(layout.edges.length, 60);
    assert.equal(layout.nodes.find((n) => n.id === 'catalog.raw.events')?.kind, 'source');
    assert.ok(layout.width > 0 && layout.height > 0);
  });

  it('draws one edge per reader and target, naming every flow that carries it', () => {
    const layout = layoutPipeline({
      datasets: [
        { name: 'orders', kind: 'streamingTable', location: at('a.sql', 1) },
        { name: 'eu_orders', kind: 'temporaryView', location: at('a.sql', 3) },
      ],
      flows: [
        { name: 'orders', target: 'orders', reads: ['eu_orders'], location: at('a.sql', 1) },
        { name: 'backfill', target: 'orders', reads: ['eu_orders'], location: at('a.sql', 5) },
      ],
    });
    assert.deepEqual(
      layout.edges.map((e) => [e.from, e.to, e.flows]),
      [['eu_orders', 'orders', ['orders', 'backfill']]],
    );
  });

  it("shows a source's ${variables} resolved from the spec's configuration, and keeps how it is written", () => {
    const layout = layoutPipeline(
      {
        datasets: [{ name: 'raw', kind: 'materializedView', location: at('a.sql', 1) }],
        flows: [
          { name: 'raw', target: 'raw', reads: ['json.`${retail.raw}/json`', 'csv.`${other}/x`'], location: at('a.sql', 1) },
        ],
      },
      'wide',
      { 'retail.raw': 'file:///data/raw' },
    );
    const sources = layout.nodes.filter((n) => n.kind === 'source').map((n) => [n.label, n.written]);
    assert.deepEqual(sources, [
      ['json.`file:///data/raw/json`', 'json.`${retail.raw}/json`'],
      ['csv.`${other}/x`', undefined],
    ]);
  });

  it('orders datasets upstream first, whatever the order of the files', () => {
    const graph = mergeGraphs([
      {
        datasets: [{ name: 'report', kind: 'materializedView', location: at('z.sql', 1) }],
        flows: [{ name: 'report', target: 'report', reads: ['retail.clean'], location: at('z.sql', 1) }],
      },
      {
        datasets: [{ name: 'clean', kind: 'materializedView', location: at('b.sql', 1) }],
        flows: [{ name: 'clean', target: 'clean', reads: ['raw'], location: at('b.sql', 1) }],
      },
      { datasets: [{ name: 'raw', kind: 'streamingTable', location: at('a.py', 4) }], flows: [] },
    ]);
    assert.deepEqual(
      graph.datasets.map((d) => d.name),
      ['raw', 'clean', 'report'],
    );
  });
});

describe('a pipeline run as the editor shows it', () => {
  it("follows each dataset's state through the events and counts the ones done", () => {
    const record = new PipelineRunRecord('/p/spark-pipeline.yml', 'retail', 'run');
    assert.equal(record.progressText(), 'Reading the definitions…');
    record.graphRead({
      datasets: [
        { name: 'raw', kind: 'streamingTable', location: at('a.py', 1) },
        { name: 'daily', kind: 'materializedView', location: at('b.sql', 1) },
      ],
      flows: [],
    });
    let changes = 0;
    record.onDidRunChange(() => changes++);
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    record.eventArrived(parsePipelineEvent('Flow spark_catalog.retail.raw is RUNNING.', t(1)));
    record.eventArrived(parsePipelineEvent('Flow spark_catalog.retail.daily is QUEUED.', t(1)));
    assert.equal(record.progressText(), '0 of 2 datasets done; running raw');
    record.eventArrived(parsePipelineEvent('Flow spark_catalog.retail.raw has COMPLETED.', t(4)));
    assert.equal(record.dataset('raw')?.state, 'completed');
    assert.equal(record.dataset('raw')?.durationMs, 3000);
    assert.equal(record.dataset('daily')?.state, 'queued');
    assert.equal(record.progressText(), '1 of 2 datasets done');
    assert.equal(changes, 3);
    // After the last flow the run still counts rows and checks quality: the progress says so.
    record.eventArrived(parsePipelineEvent('Flow spark_catalog.retail.daily has COMPLETED.', t(6)));
    record.eventArrived({ kind: 'other', time: t(7), message: 'Counting the rows of the datasets.', phase: 'counting rows' });
    assert.equal(record.progressText(), '2 of 2 datasets done; counting rows');
    record.eventArrived({
      kind: 'other',
      time: t(8),
      message: 'Checking data quality: 13 checks.',
      phase: 'checking data quality (13 checks)',
    });
    assert.equal(record.progressText(), '2 of 2 datasets done; checking data quality (13 checks)');
  });
});

describe('spec completion and hover', () => {
  const folder = mkdtempSync(join(tmpdir(), 'spec-assist-'));
  mkdirSync(join(folder, 'transformations', 'silver'), { recursive: true });
  writeFileSync(join(folder, 'transformations', 'orders.sql'), '');
  writeFileSync(join(folder, 'transformations', 'notes.txt'), '');

  it('offers the fields not written yet at the top level, as snippets', () => {
    const text = 'name: shop\nsto';
    const items = specCompletions(text, text.length, folder);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('storage') && labels.includes('libraries') && !labels.includes('name'));
    const storage = items.find((i) => i.label === 'storage')!;
    assert.equal(storage.insertText, 'storage: file:///${1:path/to/storage}');
    assert.deepEqual([storage.start, storage.end], [11, 14]);
    assert.match(storage.documentation!, /absolute URI/);
  });

  it('offers folders (with /**) and definition files after include:, not other files', () => {
    const text = 'libraries:\n  - glob:\n      include: transformations/';
    const labels = specCompletions(text, text.length, folder).map((i) => i.label);
    assert.deepEqual(labels, ['transformations/orders.sql', 'transformations/silver/**', 'transformations/silver/']);
  });

  it('offers a glob entry after a dash in libraries', () => {
    const text = 'libraries:\n  - ';
    const [entry] = specCompletions(text, text.length, folder);
    assert.equal(entry?.insertText, 'glob:\n      include: ${1:transformations/**}');
  });

  it("hovers a field with the schema's description", () => {
    const text = 'name: shop\nstorage: /tmp/x\n';
    const hover = specHover(text, 13);
    assert.match(hover!.markdown, /^\*\*storage\*\*: Where the pipeline keeps/);
    assert.deepEqual([hover!.start, hover!.end], [11, 18]);
    assert.equal(specHover(text, 22), undefined, 'not on the value');
  });
});
