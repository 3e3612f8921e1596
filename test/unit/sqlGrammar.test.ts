import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const require = createRequire(join(process.cwd(), 'package.json'));

/** A small stand-in for VS Code's SQL grammar: comments and strings, which the injection must leave alone. */
const HOST_SQL = {
  scopeName: 'source.sql',
  patterns: [
    { match: '--.*$', name: 'comment.line.double-dash.sql' },
    { begin: "'", end: "'", name: 'string.quoted.single.sql' },
  ],
};

async function tokenizer() {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const injection = JSON.parse(
    readFileSync(join(process.cwd(), 'syntaxes/spark-sql.injection.tmLanguage.json'), 'utf8'),
  ) as object;
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.sql'
        ? textmate.parseRawGrammar(JSON.stringify(HOST_SQL), 'sql.json')
        : scope === 'source.sql.spark-injection'
          ? textmate.parseRawGrammar(JSON.stringify(injection), 'injection.json')
          : null,
    getInjections: (scope) => (scope === 'source.sql' ? ['source.sql.spark-injection'] : []),
  });
  const grammar = (await registry.loadGrammar('source.sql'))!;
  /** The scope the injection gives each token of a line (its innermost scope), by token text. */
  return (line: string): Record<string, string> => {
    const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
    return Object.fromEntries(tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes.at(-1)!]));
  };
}

describe('the Spark SQL grammar injected into SQL', () => {
  let scopes: (line: string) => Record<string, string>;
  before(async () => (scopes = await tokenizer()));

  it('marks the pipeline definitions of Spark Declarative Pipelines', () => {
    assert.equal(
      scopes('CREATE OR REFRESH MATERIALIZED VIEW daily AS SELECT 1')['MATERIALIZED VIEW'],
      'keyword.other.ddl.pipeline.spark',
    );
    assert.equal(
      scopes('CREATE STREAMING TABLE raw AS SELECT * FROM STREAM(src)')['STREAMING TABLE'],
      'keyword.other.ddl.pipeline.spark',
    );
    assert.equal(scopes('CREATE STREAMING TABLE raw AS SELECT * FROM STREAM(src)')['STREAM'], 'support.function.stream.spark');
    const flow = scopes('CREATE FLOW backfill AS INSERT INTO raw BY NAME SELECT 1');
    assert.equal(flow['FLOW'], 'keyword.other.ddl.pipeline.spark');
    assert.equal(flow['INSERT'], 'keyword.other.dml.sql');
    assert.equal(flow['BY NAME'], 'keyword.other.sql');
  });

  it('marks expectations, substitutions and parameter markers, but not casts or variant paths', () => {
    const expectation = scopes('CONSTRAINT valid_amount EXPECT (amount > 0) ON VIOLATION DROP ROW');
    assert.equal(expectation['valid_amount'], 'entity.name.constraint.spark');
    assert.equal(expectation['EXPECT'], 'keyword.other.expect.spark');
    assert.equal(expectation['DROP ROW'], 'keyword.control.violation-action.spark');
    assert.equal(scopes('ON VIOLATION FAIL UPDATE')['FAIL UPDATE'], 'keyword.control.violation-action.spark');
    assert.equal(scopes('SELECT * FROM ${catalog}.raw')['${catalog}'], 'variable.other.substitution.spark');
    const markers = scopes('SELECT :day, x::int, v:field FROM t');
    assert.equal(markers[':day'], 'variable.parameter.named.spark');
    assert.equal(
      Object.keys(markers).some((text) => text.includes(':int') && markers[text] === 'variable.parameter.named.spark'),
      false,
    );
    assert.equal(
      Object.keys(markers).some((text) => text.includes(':field') && markers[text] === 'variable.parameter.named.spark'),
      false,
    );
  });

  it('marks Spark keywords and built-in functions when called, and leaves comments and strings alone', () => {
    const line = scopes("SELECT date_trunc('day', ts), parse_json(j) FROM t LATERAL VIEW explode(a) CLUSTER BY id");
    assert.equal(line['date_trunc'], 'support.function.builtin.spark');
    assert.equal(line['parse_json'], 'support.function.builtin.spark');
    assert.equal(line['LATERAL VIEW'], 'keyword.other.spark');
    assert.equal(line['CLUSTER BY'], 'keyword.other.spark');
    assert.equal(scopes('-- CREATE STREAMING TABLE :x')['-- CREATE STREAMING TABLE :x'], 'comment.line.double-dash.sql');
    assert.equal(scopes("SELECT ':not_a_param'")[':not_a_param'], 'string.quoted.single.sql');
  });
});
