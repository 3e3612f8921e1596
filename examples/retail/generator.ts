/**
 * Deterministic customer transactions for the retail pipeline: the same options always give the same
 * files, with a known number of duplicate rows and of missing values, so tests can compute what the
 * pipeline must produce without Spark.
 *
 *   node --import tsx examples/retail/generator.ts [rows] [raw folder]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RetailDataOptions {
  /** Distinct transactions (duplicates come on top). */
  readonly rows: number;
  readonly csvFiles?: number;
  readonly jsonFiles?: number;
  /** Every Nth transaction is written twice (an exact duplicate row). */
  readonly duplicateEvery?: number;
  /** Every Nth transaction has no amount; every Mth no quantity; every Kth no customer. */
  readonly missingAmountEvery?: number;
  readonly missingQuantityEvery?: number;
  readonly missingCustomerEvery?: number;
  /** The transactions spread over this many days from 2024-01-01. */
  readonly days?: number;
  /** The first transaction id (a later batch continues the numbering). */
  readonly firstId?: number;
  readonly seed?: number;
}

export interface Transaction {
  readonly transaction_id: number;
  readonly customer_id: string | null;
  readonly segment: string;
  readonly channel: string;
  /** In cents, to keep sums exact; null when missing. */
  readonly amountCents: number | null;
  readonly quantity: number | null;
  /** "YYYY-MM-DD HH:MM:SS" */
  readonly transaction_date: string;
}

export const SEGMENTS = ['Consumer', 'Corporate', 'Home Office', 'Small Business'] as const;
const CHANNELS = ['online', 'store', 'phone'] as const;

/** mulberry32: a small, well-known seeded generator; good enough for test data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const defaults = {
  csvFiles: 2,
  jsonFiles: 2,
  duplicateEvery: 25,
  missingAmountEvery: 17,
  missingQuantityEvery: 23,
  missingCustomerEvery: 29,
  days: 14,
  firstId: 1,
  seed: 42,
};

/** The distinct transactions, in id order, and which of them are written twice. */
export function retailTransactions(options: RetailDataOptions): { transactions: Transaction[]; duplicated: Set<number> } {
  const o = { ...defaults, ...options };
  const next = random(o.seed + o.firstId);
  const transactions: Transaction[] = [];
  const duplicated = new Set<number>();
  for (let i = 0; i < o.rows; i++) {
    const id = o.firstId + i;
    const day = Math.floor(next() * o.days);
    const seconds = Math.floor(next() * 86_400);
    const date = new Date(Date.UTC(2024, 0, 1 + day, 0, 0, seconds));
    transactions.push({
      transaction_id: id,
      customer_id: id % o.missingCustomerEvery === 0 ? null : customerOf(next(), day),
      segment: SEGMENTS[Math.floor(next() * SEGMENTS.length)]!,
      channel: CHANNELS[Math.floor(next() * CHANNELS.length)]!,
      amountCents: id % o.missingAmountEvery === 0 ? null : 100 + Math.floor(next() * 99_900),
      quantity: id % o.missingQuantityEvery === 0 ? null : 1 + Math.floor(next() * 5),
      transaction_date: date.toISOString().slice(0, 19).replace('T', ' '),
    });
    if (id % o.duplicateEvery === 0) duplicated.add(id);
  }
  return { transactions, duplicated };
}

/** Customers in the CRM: C0001 … C0500. */
const CUSTOMERS = 500;

/**
 * Who buys: customers differ in how often they buy (a low number buys more), and every customer with an
 * even number stops buying on a day of their own (the 3rd to the 7th): a purchase after it goes to the
 * next customer. So recency and frequency say who stops, which the churn model learns.
 */
function customerOf(draw: number, day: number): string {
  let customer = 1 + Math.floor(draw ** 1.5 * CUSTOMERS);
  if (customer % 2 === 0 && day >= 2 + (customer % 5)) customer += 1;
  return `C${String(customer).padStart(4, '0')}`;
}

const money = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/**
 * Writes the transactions into `raw`/csv and `raw`/json (half each, in files named after the batch), a
 * duplicated transaction twice in its file. Returns the files written.
 */
export function writeRetailData(raw: string, options: RetailDataOptions, batch = 'batch-1'): string[] {
  const o = { ...defaults, ...options };
  const { transactions, duplicated } = retailTransactions(options);
  const written: string[] = [];
  const split = Math.ceil(transactions.length / 2);
  const groups = [
    { format: 'csv', rows: transactions.slice(0, split), files: o.csvFiles },
    { format: 'json', rows: transactions.slice(split), files: o.jsonFiles },
  ] as const;
  for (const group of groups) {
    const folder = join(raw, group.format);
    mkdirSync(folder, { recursive: true });
    const perFile = Math.ceil(group.rows.length / group.files);
    for (let f = 0; f < group.files; f++) {
      const rows = group.rows.slice(f * perFile, (f + 1) * perFile);
      if (rows.length === 0) continue;
      const lines: string[] =
        group.format === 'csv' ? ['transaction_id,customer_id,segment,channel,amount,quantity,transaction_date'] : [];
      for (const row of rows)
        for (let copy = 0; copy < (duplicated.has(row.transaction_id) ? 2 : 1); copy++)
          lines.push(group.format === 'csv' ? csvLine(row) : jsonLine(row));
      const file = join(folder, `${batch}-part-${String(f + 1).padStart(3, '0')}.${group.format}`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      written.push(file);
    }
  }
  return written;
}

function csvLine(row: Transaction): string {
  return [
    row.transaction_id,
    row.customer_id ?? '',
    row.segment,
    row.channel,
    row.amountCents === null ? '' : money(row.amountCents),
    row.quantity ?? '',
    row.transaction_date,
  ].join(',');
}

function jsonLine(row: Transaction): string {
  return JSON.stringify({
    transaction_id: row.transaction_id,
    customer_id: row.customer_id,
    segment: row.segment,
    channel: row.channel,
    amount: row.amountCents === null ? null : Number(money(row.amountCents)),
    quantity: row.quantity,
    transaction_date: row.transaction_date,
  });
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 2000);
  const raw = process.argv[3] ?? '/tmp/spark-workbench-retail/raw';
  const files = writeRetailData(raw, { rows });
  console.log(`Wrote ${rows} transactions (${files.length} files) to ${raw}`);
}
