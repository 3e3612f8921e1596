// The Spark engine of the extension: everything the VS Code layer loads on first use rather than at
// activation (the Spark Connect client with gRPC and protobuf, Arrow, result files, chart pushdown,
// the pipeline engine with YAML and the graph layout).
// The build bundles it as dist/engine.js and sends every dynamic import of the extension bundle here,
// so activation parses only the small extension bundle. Names must stay unique across these modules.
export { SparkConnectClient } from './core/connect/sparkConnectClient.js';
export { batchToIpc, headOfBatch, schemaToIpc } from './core/arrow/arrowIpc.js';
export { sortedAndFilteredQuery } from './core/results/resultRequery.js';
export { chartFieldsOf } from './core/charts/chartFields.js';
export { openResultFile } from './core/results/resultFileWriter.js';
export { chartInSpark } from './core/charts/chartData.js';
export { Table, tableToIPC } from 'apache-arrow';
export { checkPipelineSpec } from './core/pipelines/pipelineSpec.js';
export { sqlDefinitions } from './core/pipelines/pipelineGraph.js';
export { layoutPipeline } from './core/pipelines/pipelineLayout.js';
export { runPipeline } from './core/pipelines/pipelineRun.js';
export { pipelineEnvironment } from './core/pipelines/pipelineEnvironment.js';
export { writeRetailData } from '../examples/retail/generator.js';
export { NotebookKernel } from './core/notebooks/notebookKernel.js';
