import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { DatabaseSource, SourcesProblem } from '../databases/databaseSources.js';
import { closestName } from '../util/closestName.js';
import { tokenVariable, type Environment } from './environments.js';

/** Reading `environments:` of spark-workbench.yml, every mistake at its range. */

const ENVIRONMENT_FIELDS = ['remote', 'production', 'default', 'catalog', 'schema', 'storage', 'conf', 'variables', 'databases'];
const ENVIRONMENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

type At = (node: Node | null | undefined, message: string, severity?: SourcesProblem['severity']) => void;

/** Reads the `environments:` section; `readDatabase` reads one database entry as the `databases:` section does. */
export function readEnvironments(
  section: Pair<Node, Node>,
  at: At,
  readDatabase: (pair: Pair<Node, Node>) => DatabaseSource | undefined,
): Environment[] {
  if (!isMap(section.value)) {
    at(
      section.value ?? section.key,
      "'environments' maps each name to its settings: `dev: { remote: sc://127.0.0.1:15002, schema: retail_dev }`.",
    );
    return [];
  }
  const environments: Environment[] = [];
  for (const pair of (section.value as YAMLMap<Node, Node>).items) {
    const environment = readEnvironment(pair, at, readDatabase);
    if (!environment) continue;
    if (environments.some((e) => e.name.toLowerCase() === environment.name.toLowerCase()))
      at(pair.key, `The environment '${environment.name}' is declared twice.`);
    else environments.push(environment);
  }
  const defaults = environments.filter((e) => e.isDefault);
  if (defaults.length > 1)
    for (const extra of defaults.slice(1))
      at(nodeAt(section, extra), `Only one environment is the default: '${defaults[0]!.name}' already is.`);
  return environments;
}

function nodeAt(section: Pair<Node, Node>, environment: Environment): Node | undefined {
  return (
    (section.value as YAMLMap<Node, Node>).items.find((p) => isScalar(p.key) && String(p.key.value) === environment.name)?.key ??
    undefined
  );
}

function readEnvironment(
  pair: Pair<Node, Node>,
  at: At,
  readDatabase: (pair: Pair<Node, Node>) => DatabaseSource | undefined,
): Environment | undefined {
  const name = isScalar(pair.key) ? String(pair.key.value ?? '') : '';
  if (!ENVIRONMENT_NAME.test(name)) {
    at(pair.key, `'${name}' cannot name an environment: start with a letter; then letters, digits, _ and -.`);
    return undefined;
  }
  const fields = new Map<string, Pair<Node, Node>>();
  if (pair.value !== null && !(isScalar(pair.value) && pair.value.value === null)) {
    if (!isMap(pair.value)) {
      at(pair.value, `The environment '${name}' is a map of settings: ${ENVIRONMENT_FIELDS.join(', ')}.`);
      return undefined;
    }
    for (const field of (pair.value as YAMLMap<Node, Node>).items) {
      const key = isScalar(field.key) ? String(field.key.value) : '';
      if (key === 'token')
        at(
          field.key,
          `A token never goes in a file: set it with "Spark: Set Token…" (the editor) or $${tokenVariable(name)} (the CLI).`,
        );
      else if (!ENVIRONMENT_FIELDS.includes(key)) {
        const near = closestName(key, ENVIRONMENT_FIELDS);
        at(
          field.key,
          `Unknown field '${key}' of an environment.${near ? ` Did you mean '${near}'?` : ''} Fields: ${ENVIRONMENT_FIELDS.join(', ')}.`,
        );
      } else fields.set(key, field);
    }
  }
  const text = (key: string, pattern?: RegExp, hint?: string): string | undefined => {
    const field = fields.get(key);
    if (!field) return undefined;
    const value = isScalar(field.value) && typeof field.value.value === 'string' ? field.value.value.trim() : '';
    if (!value || (pattern && !pattern.test(value))) {
      at(field.value ?? field.key, `'${key}' of the environment '${name}' must be ${hint ?? 'a non-empty text'}.`);
      return undefined;
    }
    return value;
  };
  const flag = (key: string): boolean => {
    const field = fields.get(key);
    if (!field) return false;
    if (!isScalar(field.value) || typeof field.value.value !== 'boolean') {
      at(field.value ?? field.key, `'${key}' is true or false.`);
      return false;
    }
    return field.value.value;
  };
  const remote = text('remote', /^sc:\/\/[^/;]+/, 'a Spark Connect URL, sc://host:port');
  const remoteHoldsToken = remote !== undefined && /(^|;)token=/i.test(remote.split('/;').slice(1).join('/;'));
  if (remoteHoldsToken)
    at(
      fields.get('remote')!.value,
      `The URL holds a token: take it out (a token never goes in a file; the CLI reads $${tokenVariable(name)}).`,
    );
  const databases: DatabaseSource[] = [];
  const databasesNode = fields.get('databases')?.value;
  if (databasesNode) {
    if (!isMap(databasesNode))
      at(databasesNode, "'databases' of an environment is a map of names to sources, as at the top level.");
    else
      for (const entry of (databasesNode as YAMLMap<Node, Node>).items) {
        const source = readDatabase(entry);
        if (source) databases.push(source);
      }
  }
  const [start, end] = pair.key?.range ?? [0, 1];
  return {
    name,
    remote: remoteHoldsToken ? undefined : remote,
    production: flag('production'),
    isDefault: flag('default'),
    catalog: text('catalog', SQL_NAME, 'a name of letters, digits and _'),
    schema: text('schema', SQL_NAME, 'a name of letters, digits and _'),
    storage: text('storage', /^[a-z][a-z0-9+.-]*:\/\/\S+$/i, 'an absolute URI, like file:///data/retail/storage'),
    conf: settings(fields.get('conf'), at, /^spark\./, "Spark settings start with 'spark.'"),
    variables: settings(fields.get('variables'), at, VARIABLE_NAME, 'a variable is named with letters, digits, _ and .'),
    databases,
    start,
    end,
  };
}

function settings(field: Pair<Node, Node> | undefined, at: At, keyPattern: RegExp, keyHint: string): Record<string, string> {
  const values: Record<string, string> = {};
  if (!field) return values;
  const key = isScalar(field.key) ? String(field.key.value) : '';
  if (!isMap(field.value)) {
    at(field.value ?? field.key, `'${key}' is a map of names to values.`);
    return values;
  }
  for (const entry of (field.value as YAMLMap<Node, Node>).items) {
    const name = isScalar(entry.key) ? String(entry.key.value ?? '') : '';
    const value = isScalar(entry.value) ? entry.value.value : undefined;
    if (!keyPattern.test(name)) at(entry.key, `'${name}': ${keyHint}.`);
    else if (value === null || value === undefined || typeof value === 'object')
      at(entry.value ?? entry.key, `'${name}' needs a value.`);
    else values[name] = String(value);
  }
  return values;
}
