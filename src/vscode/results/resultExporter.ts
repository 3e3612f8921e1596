import type { Schema } from 'apache-arrow';
import { join } from 'node:path';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { ExportFormat } from '../../webview/results/protocol.js';
import type { SqlParameterValue } from '../../core/sql/sqlParameters.js';
import type { OutputLog } from '../outputLog.js';
import type { QueryRunner } from '../runs/queryRunner.js';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  csv: { CSV: ['csv'] },
  json: { JSON: ['json'] },
  parquet: { Parquet: ['parquet'] },
  arrow: { 'Arrow IPC file': ['arrow', 'feather'] },
};

/**
 * Exports a query's full result (not just the rows on screen): the query runs again and its batches go
 * straight to the file as they arrive, with the network held back while the disk catches up.
 */
export class ResultExporter {
  constructor(
    private readonly host: Pick<WorkbenchHost, 'chooseSaveTarget' | 'showInformationMessage' | 'relativePath' | 'revealFileInOS'>,
    private readonly runner: Pick<QueryRunner, 'stream'>,
    private readonly log: OutputLog,
    /** dist/ of the installed extension: parquet-wasm's Node build is shipped there, unbundled. */
    private readonly distPath: string,
  ) {}

  async export(
    sql: string,
    title: string,
    format: ExportFormat,
    args?: Readonly<Record<string, SqlParameterValue>>,
  ): Promise<void> {
    const name = `${title.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'result'}.${format === 'arrow' ? 'arrow' : format}`;
    const target = await this.host.chooseSaveTarget(name, FILTERS[format], 'Export');
    if (!target) return;
    const { openResultFile } = await import('../../core/results/resultFileWriter.js');
    const writer = await openResultFile(target, format, async () =>
      require(join(this.distPath, 'vendor', 'parquet-wasm', 'parquet_wasm.js')),
    );
    let schema: Schema | undefined;
    const summary = await this.runner.stream(sql, `Export ${title} to ${format.toUpperCase()}`, {
      args,
      onEvent: async (event) => {
        if (event.type === 'schema') schema = event.schema;
        if (event.type === 'batch') await writer.write(event.batch);
      },
    });
    if (summary.status !== 'succeeded') {
      await writer.abort();
      if (summary.status === 'cancelled')
        this.host.showInformationMessage('Export cancelled; no file was written.').catch(() => undefined);
      return;
    }
    try {
      await writer.finish(schema);
    } catch (error) {
      await writer.abort();
      throw error;
    }
    this.log.info(`Exported ${summary.rows} rows to ${target}`);
    const choice = await this.host.showInformationMessage(
      `Exported ${summary.rows.toLocaleString('en-US')} rows to ${this.host.relativePath(target)}.`,
      'Reveal in Explorer',
    );
    if (choice) await this.host.revealFileInOS(target);
  }
}
