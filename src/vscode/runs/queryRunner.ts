import type { RecordBatch, Schema } from 'apache-arrow';
import * as vscode from 'vscode';
import type { SparkRow } from '../../core/arrow/sparkValues.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { describeProgress, type OperationTracker } from '../../core/operations/operationTracker.js';
import type { OutputLog } from '../outputLog.js';
import { showFailure } from './failureNotifications.js';

export interface QueryOutcome {
  readonly schema: Schema | undefined;
  readonly rows: SparkRow[];
  readonly batches: RecordBatch[];
}

/**
 * Runs SQL the way every user-started run goes: tracked in the Operations view, with a cancellable
 * progress notification showing Spark's stage and task counts; cancel interrupts that operation only;
 * a failure becomes a notification with the action that fixes it, and marks a broken connection.
 */
export class QueryRunner {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly operations: OperationTracker,
    private readonly log: OutputLog,
  ) {}

  async run(sql: string, title: string, maxRows?: number): Promise<QueryOutcome | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Spark Workbench runs nothing in Restricted Mode.');
      return undefined;
    }
    const profile = this.connections.profile;
    try {
      const client = await this.connections.client(profile ?? undefined);
      const connectionName = this.connections.profile?.name ?? 'Spark';
      // Arrow value reading loads with the first run, not at activation.
      const { rowsOf } = await import('../../core/arrow/sparkValues.js');
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Spark: ${title}`, cancellable: true },
        async (progress, token) => {
          const execution = client.sql(sql, { maxRows });
          const cancel = token.onCancellationRequested(() => execution.cancel());
          const outcome: QueryOutcome = { schema: undefined, rows: [], batches: [] };
          let lastMessage = '';
          try {
            for await (const event of this.operations.follow(execution, title, connectionName)) {
              if (event.type === 'schema') (outcome as { schema: Schema | undefined }).schema = event.schema;
              if (event.type === 'batch') {
                outcome.batches.push(event.batch);
                for (const row of rowsOf(event.batch)) outcome.rows.push(row);
              }
              const current = this.operations.list().find((o) => o.sparkOperationId === execution.operationId);
              const message = current ? describeProgress(current) : '';
              if (message && message !== lastMessage) progress.report({ message: (lastMessage = message) });
            }
          } finally {
            cancel.dispose();
          }
          this.log.info(`${title}: ${outcome.rows.length} rows in ${Date.now() - execution.stats.startedAt} ms`);
          return outcome;
        },
      );
    } catch (error) {
      this.connections.reportFailure(error);
      this.log.error(title, error);
      void showFailure(error, this.connections.profile);
      return undefined;
    }
  }

  /** Shows a result as a text table in a new editor (the results grid arrives with the results viewer). */
  async show(outcome: QueryOutcome, heading: string): Promise<void> {
    const { formatTable } = await import('../../core/arrow/resultFormatters.js');
    const text = outcome.schema ? formatTable(outcome.schema, outcome.rows) : '(no result)\n';
    const document = await vscode.workspace.openTextDocument({ content: `-- ${heading}\n${text}`, language: 'plaintext' });
    await vscode.window.showTextDocument(document, { preview: true });
  }
}
