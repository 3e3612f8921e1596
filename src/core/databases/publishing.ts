import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import { asSparkError } from '../connect/sparkError.js';
import { quoteIdentifier } from '../sql/sqlText.js';
import { columnValues } from '../arrow/sparkValues.js';

/**
 * A pipeline dataset published to a database table after a successful run (spark-workbench.yml's
 * `publish:`): `trend_analysis: analytics.public.trend_analysis`.
 */
export interface PublishTarget {
  /** The dataset as the pipeline names it. */
  readonly dataset: string;
  /** A database source of the same file (a catalog of the session). */
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  /** Where it is declared (the dataset's name in the file). */
  readonly start: number;
  readonly end: number;
}

export interface PublishedDataset {
  readonly dataset: string;
  /** `analytics.public.trend_analysis`. */
  readonly target: string;
  readonly rows: number;
  readonly durationMs: number;
}

/** A publish that failed: the previous table is as it was. */
export class PublishError extends Error {
  constructor(
    readonly target: PublishTarget,
    message: string,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

/** Names a database table can have in a publish: the swap's statement quotes them as they are. */
export const PUBLISH_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,50}$/;

export function targetName(target: PublishTarget): string {
  return `${target.database}.${target.schema}.${target.table}`;
}

/**
 * Publishes `source` (a table Spark can read) to the target table, all through Spark's JDBC catalog:
 * the rows are written to a staging table beside it (`<table>__staging`), then swapped in by one
 * PostgreSQL transaction, so a reader sees the old table or the new one, never part of either. The swap
 * runs as the session statement of a JDBC read of the target (Spark's `sessionInitStatement`), which
 * then counts the rows it now holds. A failure drops the staging table and leaves the previous one.
 */
export async function publishDataset(
  client: SparkConnectClient,
  target: PublishTarget,
  source: string,
  signal?: AbortSignal,
): Promise<PublishedDataset> {
  const started = Date.now();
  const inSpark = (table: string) => [target.database, target.schema, table].map(quoteIdentifier).join('.');
  const staging = `${target.table}__staging`;
  const sql = async (text: string) => client.sql(text, { signal }).toTable();
  try {
    await sql(`DROP TABLE IF EXISTS ${inSpark(staging)}`);
    await sql(`CREATE TABLE ${inSpark(staging)} AS SELECT * FROM ${source}`);
    const rows = Number(columnValues(await sql(`SELECT count(*) FROM ${inSpark(staging)}`), 0)[0]);
    const existing = await sql(`SHOW TABLES IN ${[target.database, target.schema].map(quoteIdentifier).join('.')}`);
    const exists = columnValues(existing, 1).some((name) => name === target.table);
    if (!exists) {
      // Nothing to protect yet: the staging table becomes the table.
      await sql(`ALTER TABLE ${inSpark(staging)} RENAME TO ${quoteIdentifier(target.schema)}.${quoteIdentifier(target.table)}`);
    } else {
      const swapped = await sql(
        `SELECT count(*) FROM ${inSpark(target.table)} WITH ('sessionInitStatement' = '${swapStatement(target)}', 'pushDownAggregate' = 'true')`,
      );
      const now = Number(columnValues(swapped, 0)[0]);
      if (now !== rows) throw new Error(`after the swap the table holds ${now} rows, and the staging table had ${rows}`);
    }
    return { dataset: target.dataset, target: targetName(target), rows, durationMs: Date.now() - started };
  } catch (thrown) {
    await sql(`DROP TABLE IF EXISTS ${inSpark(staging)}`).catch(() => undefined);
    const reason = thrown instanceof Error && !('kind' in thrown) ? thrown.message : asSparkError(thrown).message;
    throw new PublishError(
      target,
      `Publishing ${target.dataset} to ${targetName(target)} failed, and the table there is as it was: ${reason.split('\n')[0]}`,
    );
  }
}

/**
 * The swap, in PostgreSQL: one statement (a DO block runs in one transaction), so the old table is
 * renamed away, the staging table renamed in and the old one dropped, or nothing at all. Readers of the
 * table wait for the rename's lock and then read the new table.
 */
export function swapStatement(target: PublishTarget): string {
  const pg = (name: string) => `"${name}"`;
  const schema = pg(target.schema);
  const previous = `${target.table}__previous`;
  return [
    'DO $$BEGIN',
    `DROP TABLE IF EXISTS ${schema}.${pg(previous)};`,
    `ALTER TABLE ${schema}.${pg(target.table)} RENAME TO ${pg(previous)};`,
    `ALTER TABLE ${schema}.${pg(`${target.table}__staging`)} RENAME TO ${pg(target.table)};`,
    `DROP TABLE ${schema}.${pg(previous)};`,
    'END$$',
  ].join(' ');
}
