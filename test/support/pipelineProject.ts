import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkPipelineSpec } from '../../src/core/pipelines/pipelineSpec.js';
import type { PipelineRunRequest } from '../../src/core/pipelines/pipelineRun.js';

/**
 * Writes a pipeline project into `folder`: its definition files (paths relative to the folder) and a
 * spec reading `transformations/**` with its storage inside the folder; returns the checked request to
 * run it (the spec is written again each time, so a test can change its configuration between runs).
 */
export function pipelineProject(
  folder: string,
  project: {
    readonly name: string;
    readonly files?: Readonly<Record<string, string>>;
    readonly configuration?: Readonly<Record<string, string>>;
    readonly database?: string;
  },
): Pick<PipelineRunRequest, 'specPath' | 'spec' | 'files'> {
  for (const [file, text] of Object.entries(project.files ?? {})) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), text);
  }
  const configuration = Object.entries(project.configuration ?? {});
  const specPath = join(folder, 'spark-pipeline.yml');
  writeFileSync(
    specPath,
    [
      `name: ${project.name}`,
      `storage: ${pathToFileURL(join(folder, 'storage')).href}`,
      ...(project.database ? [`database: ${project.database}`] : []),
      ...(configuration.length ? ['configuration:', ...configuration.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)] : []),
      'libraries:',
      '  - glob:',
      '      include: transformations/**',
      '',
    ].join('\n'),
  );
  const check = checkPipelineSpec(readFileSync(specPath, 'utf8'), specPath);
  assert.ok(check.spec, JSON.stringify(check.problems));
  return { specPath, spec: check.spec, files: check.files };
}

/** A Python definition file: one dataset, its decorator and the expression its function returns. */
export function pythonDefinition(decorator: string, name: string, returns: string): string {
  return [
    'from pyspark import pipelines as dp',
    'from pyspark.sql import SparkSession',
    '',
    'spark = SparkSession.active()',
    '',
    '',
    decorator,
    `def ${name}():`,
    `    return ${returns}`,
    '',
  ].join('\n');
}
