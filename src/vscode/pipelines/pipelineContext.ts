import type { SparkConnectClient } from '../../core/connect/sparkConnectClient.js';
import { qualified } from '../../core/pipelines/pipelineGraph.js';
import type { PipelineSpec } from '../../core/pipelines/pipelineSpec.js';
import type { OutputLog } from '../outputLog.js';

/**
 * The window's session as a definition of `spec` expects it when its query runs alone: the pipeline's
 * configuration set (`${key}` in SQL reads it) and its schema current, so the datasets it reads by
 * their short names resolve, as they do in a run. A schema that does not exist yet (the pipeline never
 * ran) is left alone: the preview then says which table it cannot find.
 */
export async function usePipelineContext(client: SparkConnectClient, spec: PipelineSpec, log: OutputLog): Promise<void> {
  if (Object.keys(spec.configuration).length) await client.setConfig({ ...spec.configuration });
  if (!spec.database) return;
  const schema = qualified({ catalog: spec.catalog }, spec.database);
  try {
    await client.sql(`USE ${schema}`).toTable();
    log.info(`A definition of pipeline ${spec.name} runs alone: the session's current schema is now ${schema}.`);
  } catch (error) {
    log.error(`Using the schema ${schema} of pipeline ${spec.name}`, error);
  }
}
