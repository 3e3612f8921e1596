/** How people read a dataset kind (the graph's boxes, the Pipelines view, messages). */
export const KIND_LABELS: Record<string, string> = {
  materializedView: 'materialized view',
  streamingTable: 'streaming table',
  temporaryView: 'temporary view',
  view: 'view',
  sink: 'sink',
  source: 'source',
};
