import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeRetailData } from '../../../examples/retail/generator.js';
import { runPipelineCommand } from '../../../src/cli/pipelineCommand.js';
import { SparkConnectClient } from '../../../src/core/connect/sparkConnectClient.js';
import { filesOnlySpec } from '../../../src/vscode/pipelines/retailExample.js';
import { projectRoot, testServer } from '../../support/sparkTestServer.js';

/** The retail tables the notebook and dashboard specs read: the pipelines spec makes them, else they are made here. */
export async function ensureRetailTables(): Promise<void> {
  const client = new SparkConnectClient(testServer().url);
  try {
    const tables = await client
      .sql("SHOW TABLES IN retail LIKE 'trend_analysis'")
      .toTable()
      .catch(() => undefined);
    if (tables && tables.numRows > 0) return;
    const folder = mkdtempSync(join(tmpdir(), 'sw-notebook-retail-'));
    cpSync(join(projectRoot(), 'examples', 'retail'), folder, { recursive: true });
    const spec = join(folder, 'spark-pipeline.yml');
    writeFileSync(
      spec,
      filesOnlySpec(readFileSync(spec, 'utf8'))
        .replace(/^storage: .*$/m, `storage: ${pathToFileURL(join(folder, 'storage')).href}`)
        .replace(/^( {2}retail\.raw: ).*$/m, `$1${pathToFileURL(join(folder, 'raw')).href}`)
        .replace(/^( {2}retail\.models: ).*$/m, `$1${pathToFileURL(join(folder, 'storage')).href}/models/churn`),
    );
    writeRetailData(join(folder, 'raw'), { rows: 2_000 });
    const summary = await runPipelineCommand(
      client,
      spec,
      false,
      { format: 'text', distDir: join(projectRoot(), 'dist'), fullRefreshAll: true },
      new AbortController().signal,
      () => undefined,
    );
    assert.equal(summary.outcome, 'completed');
  } finally {
    await client.close();
  }
}
