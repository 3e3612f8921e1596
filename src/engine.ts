// The Spark engine of the extension: everything the VS Code layer loads on first use rather than at
// activation (the Spark Connect client with gRPC and protobuf, Arrow, result files, chart pushdown).
// The build bundles it as dist/engine.js and sends every dynamic import of the extension bundle here,
// so activation parses only the small extension bundle. Names must stay unique across these modules.
export { SparkConnectClient } from './core/connect/sparkConnectClient.js';
export { batchToIpc, headOfBatch, schemaToIpc } from './core/arrow/arrowIpc.js';
export { sortedAndFilteredQuery } from './core/results/resultRequery.js';
export { chartFieldsOf } from './core/charts/chartFields.js';
export { openResultFile } from './core/results/resultFileWriter.js';
export { chartInSpark } from './core/charts/chartData.js';
export { Table, tableToIPC } from 'apache-arrow';
