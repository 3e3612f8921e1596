/**
 * Completion latency in a SQL file with a warm cache, on a catalog of 2,000 tables × 30 columns:
 * SqlLanguageFeatures.complete() end to end (the statement under the cursor, the grammar worker's
 * reading of it, the names from the cache, the items), for cursors where people ask for completion, on
 * statements of 200 to 900 characters that change at every call (as typing does). The peer, measured in
 * the same run on the same inputs: the grammar worker alone (dt-sql-parser's analysis plus the thread
 * round trip), the floor of what any completion built on that grammar costs. Goal: p95 under 50 ms.
 *
 *   npm run build && npm run bench:completion
 *   BENCH_ROUNDS=400 npm run bench:completion
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogCache, type CatalogNames } from '../src/core/sql/completion/catalogCache.js';
import { SqlContextWorker } from '../src/core/sql/completion/contextWorkerClient.js';
import { SqlLanguageFeatures } from '../src/vscode/sql/sqlLanguageFeatures.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
const TABLES = 2_000;
const COLUMNS = 30;
const worker = join(process.cwd(), 'dist', 'sqlContextWorker.js');
if (!existsSync(worker)) throw new Error('Run `npm run build` first (dist/sqlContextWorker.js).');

const tableNames = Array.from({ length: TABLES }, (_, i) => `table_${String(i).padStart(4, '0')}`);
const columnTypes = ['bigint', 'string', 'decimal(12,2)', 'timestamp', 'date', 'double'];
const names: CatalogNames = {
  currentNamespace: async () => ({ catalog: 'spark_catalog', schema: 'warehouse' }),
  catalogs: async () => ['spark_catalog'],
  schemas: async () => ['warehouse', 'staging'],
  tables: async (_catalog, schema) =>
    schema === 'warehouse' ? tableNames.map((name) => ({ name, type: 'MANAGED', temporary: false })) : [],
  columns: async (_c, _s, table) =>
    Array.from({ length: COLUMNS }, (_, i) => ({ name: `${table}_col_${i}`, dataType: columnTypes[i % columnTypes.length]! })),
  functions: async () => Array.from({ length: 450 }, (_, i) => `function_${i}`),
  describeFunction: async (name) => name,
};

/** Statements of growing length with the cursor at a place people complete, the marker | at the cursor. */
function statement(round: number): string {
  const a = tableNames[(round * 7) % TABLES]!;
  const b = tableNames[(round * 13 + 5) % TABLES]!;
  const c = tableNames[(round * 31 + 9) % TABLES]!;
  const filler = Array.from({ length: round % 8 }, (_, i) => `  AND a.${a}_col_${i} IS NOT NULL -- check ${round}`).join('\n');
  const shapes = [
    `SELECT a.|\nFROM ${a} a\nJOIN ${b} b ON a.${a}_col_0 = b.${b}_col_0\nWHERE a.${a}_col_3 > ${round}\n${filler}`,
    `SELECT a.${a}_col_1, |\nFROM ${a} a JOIN ${b} b ON a.${a}_col_0 = b.${b}_col_0\nWHERE b.${b}_col_2 = 'x'\n${filler}`,
    `SELECT count(*) AS n, sum(b.${b}_col_2)\nFROM ${a} a\nJOIN |\nWHERE a.${a}_col_4 >= DATE'2024-01-01'\n${filler}`,
    `WITH recent AS (SELECT * FROM ${c} WHERE ${c}_col_4 > current_date() - ${round})\nSELECT r.${c}_col_1, a.|\nFROM recent r JOIN ${a} a ON r.${c}_col_0 = a.${a}_col_0\n${filler}`,
    `INSERT INTO ${c}\nSELECT a.${a}_col_0, b.${b}_col_1\nFROM ${a} a LEFT JOIN ${b} b ON a.${a}_col_0 = b.${b}_col_0\nWHERE b.|\n${filler}`,
  ];
  return shapes[round % shapes.length]!;
}

const percentile = (values: number[], p: number) =>
  [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

const grammar = new SqlContextWorker(worker);
const cache = new CatalogCache(names);
const features = new SqlLanguageFeatures(grammar, () => cache);
const signal = new AbortController().signal;
const open = (text: string) => ({ uri: 'file:///bench.sql', fileName: '/bench.sql', languageId: 'sql', version: 1, text });

// Warm: the grammar loaded, every table's columns in the cache (what a session that ran for a while has).
for (let i = 0; i < 40; i++) {
  const text = statement(i);
  await features.complete(open(text.replace('|', '')), text.indexOf('|'), signal);
}
await Promise.all(tableNames.map((t) => cache.columns('spark_catalog', 'warehouse', t)));

const ours: number[] = [];
const grammarOnly: number[] = [];
let items = 0;
let characters = 0;
for (let round = 0; round < rounds; round++) {
  const marked = statement(round + 1000);
  const text = marked.replace('|', '');
  const cursor = marked.indexOf('|');
  characters += text.length;
  // Alternate which goes first, so neither always meets a warmer worker.
  const measureOurs = async () => {
    const started = performance.now();
    items += (await features.complete(open(text), cursor, signal)).length;
    ours.push(performance.now() - started);
  };
  const measureGrammar = async () => {
    const started = performance.now();
    await grammar.contextAt(text + ' ', cursor, signal);
    grammarOnly.push(performance.now() - started);
  };
  if (round % 2 === 0) {
    await measureOurs();
    await measureGrammar();
  } else {
    await measureGrammar();
    await measureOurs();
  }
}
grammar.dispose();

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(
  `Completion with a warm cache: ${TABLES} tables × ${COLUMNS} columns, ${rounds} completions on statements of ${Math.round(characters / rounds)} characters on average`,
);
console.log(
  `  ours (complete() end to end):   p50 ${fmt(percentile(ours, 0.5))}, p95 ${fmt(percentile(ours, 0.95))}, max ${fmt(Math.max(...ours))}, ${Math.round(items / rounds)} items per completion`,
);
console.log(
  `  peer (grammar worker alone):    p50 ${fmt(percentile(grammarOnly, 0.5))}, p95 ${fmt(percentile(grammarOnly, 0.95))}`,
);
console.log(
  `  ratio of p95, ours/peer: ${(percentile(ours, 0.95) / percentile(grammarOnly, 0.95)).toFixed(2)}; goal p95 < 50 ms: ${percentile(ours, 0.95) < 50 ? 'met' : 'NOT met'}`,
);
