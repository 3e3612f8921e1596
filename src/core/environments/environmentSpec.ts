import type { PipelineSpec } from '../pipelines/pipelineSpec.js';
import { environmentSessionConf, type Environment } from './environments.js';

/** A pipeline spec as it runs in an environment: its catalog, schema, storage and settings over the spec's. */
export function specForEnvironment(spec: PipelineSpec, environment: Environment | undefined): PipelineSpec {
  if (!environment) return spec;
  return {
    ...spec,
    catalog: environment.catalog ?? spec.catalog,
    database: environment.schema ?? spec.database,
    storage: environment.storage ?? spec.storage,
    configuration: { ...spec.configuration, ...environmentSessionConf(environment) },
  };
}
