import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { projectRoot } from './sparkTestServer.js';

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });

/** Checks a CLI output against its documented JSON schema (schemas/cli/NAME.schema.json). */
export function assertCliSchema(name: 'pipeline-run' | 'sql' | 'server' | 'quality-report', output: unknown): void {
  const schema = JSON.parse(readFileSync(join(projectRoot(), 'schemas', 'cli', `${name}.schema.json`), 'utf8')) as object;
  const validate = ajv.getSchema(name) ?? (ajv.addSchema(schema, name), ajv.getSchema(name)!);
  assert.ok(validate(output), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(output).slice(0, 2000)}`);
}
