import { isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { WORKBENCH_FILE } from './workbenchFileName.js';
import { yamlSyntaxProblems } from '../util/yamlProblems.js';
import { PUBLISH_NAME, type PublishTarget } from './publishing.js';
import type { Environment } from '../environments/environments.js';
import { readEnvironments } from '../environments/environmentsFile.js';

/**
 * A database read through Spark's JDBC catalog (`JDBCTableCatalog`): its tables are `name.schema.table`
 * in SQL files, notebooks and pipeline definitions. The password is never here: SecretStorage in the
 * editor, an environment variable in the CLI (passwordVariable).
 */
export interface DatabaseSource {
  /** The catalog's name in SQL. */
  readonly name: string;
  /** `jdbc:postgresql://host:5432/database`, without credentials. */
  readonly url: string;
  readonly user?: string;
  /** The JDBC driver: Maven coordinates `group:artifact:version`, or a jar path. */
  readonly driver?: string;
  /** The driver's class, when Spark cannot find it from the URL. */
  readonly driverClass?: string;
  /** JDBC options for every table of it (`fetchsize`, `pushDownAggregate`, …). */
  readonly options: Readonly<Record<string, string>>;
  /** Where the source is declared (its name's range in the file). */
  readonly start: number;
  readonly end: number;
}

export interface SourcesProblem {
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface WorkbenchFile {
  readonly databases: readonly DatabaseSource[];
  /** Datasets published to database tables after a successful run. */
  readonly publish: readonly PublishTarget[];
  /** Where runs go: dev, stage, prod… (empty: one connection, as chosen in the editor or with --remote). */
  readonly environments: readonly Environment[];
  readonly problems: readonly SourcesProblem[];
}

/** Drivers known by the URL's subprotocol: Maven coordinates fetched into the runtime home, and the class. */
export const KNOWN_JDBC_DRIVERS: Readonly<Record<string, { readonly coordinates: string; readonly className: string }>> = {
  postgresql: { coordinates: 'org.postgresql:postgresql:42.7.14', className: 'org.postgresql.Driver' },
};

const SOURCE_FIELDS = ['url', 'user', 'driver', 'driverClass', 'options'];
const CATALOG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COORDINATES = /^[\w.-]+:[\w.-]+:[\w.-]+$/;
const CATALOG_CLASS = 'org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog';

/** Reads `spark-workbench.yml`: its database sources, and every mistake at its range. */
export function readWorkbenchFile(text: string): WorkbenchFile {
  const problems: SourcesProblem[] = [];
  const at = (node: Node | null | undefined, message: string, severity: SourcesProblem['severity'] = 'error') => {
    const [start, end] = node?.range ?? [0, 1];
    problems.push({ start, end: Math.max(end, start + 1), severity, message });
  };
  const document = parseDocument(text, { prettyErrors: false });
  problems.push(...yamlSyntaxProblems(document));
  const empty = { databases: [], publish: [], environments: [], problems };
  if (document.errors.length) return empty;
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return empty;
  if (!isMap(root)) {
    at(root, `${WORKBENCH_FILE} is a map of sections: databases, publish, environments.`);
    return empty;
  }
  const databases: DatabaseSource[] = [];
  let publishSection: Pair<Node, Node> | undefined;
  let environments: Environment[] = [];
  for (const section of (root as YAMLMap<Node, Node>).items) {
    const key = isScalar(section.key) ? String(section.key.value) : '';
    if (key === 'publish') {
      publishSection = section;
      continue;
    }
    if (key === 'environments') {
      environments = readEnvironments(section, at, (pair) => readSource(pair, at));
      continue;
    }
    if (key !== 'databases') {
      at(section.key, `Unknown section '${key}'. Sections: databases, publish, environments.`);
      continue;
    }
    if (!isMap(section.value)) {
      at(section.value ?? section.key, "'databases' is a map of names to sources: `crm: { url: jdbc:postgresql://…, user: … }`.");
      continue;
    }
    for (const pair of (section.value as YAMLMap<Node, Node>).items) {
      const source = readSource(pair, at);
      if (!source) continue;
      if (databases.some((d) => d.name.toLowerCase() === source.name.toLowerCase()))
        at(pair.key, `The database '${source.name}' is declared twice.`);
      else databases.push(source);
    }
  }
  return { databases, publish: publishSection ? readPublish(publishSection, databases, at) : [], environments, problems };
}

/** `publish:` maps a dataset to the database table it is published to: `trend_analysis: analytics.public.trend_analysis`. */
function readPublish(
  section: Pair<Node, Node>,
  databases: readonly DatabaseSource[],
  at: (node: Node | null | undefined, message: string, severity?: SourcesProblem['severity']) => void,
): PublishTarget[] {
  const example = '`trend_analysis: analytics.public.trend_analysis` (a dataset, then database.schema.table)';
  if (!isMap(section.value)) {
    at(section.value ?? section.key, `'publish' maps each dataset to its table: ${example}.`);
    return [];
  }
  const targets: PublishTarget[] = [];
  for (const pair of (section.value as YAMLMap<Node, Node>).items) {
    const dataset = isScalar(pair.key) ? String(pair.key.value ?? '').trim() : '';
    if (!dataset) {
      at(pair.key, `A dataset's name goes here: ${example}.`);
      continue;
    }
    const value = isScalar(pair.value) && typeof pair.value.value === 'string' ? pair.value.value.trim() : '';
    const parts = value.split('.');
    if (parts.length !== 3 || parts.some((part) => !PUBLISH_NAME.test(part))) {
      at(
        pair.value ?? pair.key,
        `'${dataset}' is published to database.schema.table, each a name of letters, digits and _: ${example}.`,
      );
      continue;
    }
    const [database, schema, table] = parts as [string, string, string];
    const source = databases.find((d) => d.name.toLowerCase() === database.toLowerCase());
    if (!source) {
      at(
        pair.value,
        `'${database}' is not a database of this file: declare it under databases (${databases.map((d) => d.name).join(', ') || 'none yet'}).`,
      );
      continue;
    }
    if (!/^jdbc:postgresql:/i.test(source.url)) {
      at(
        pair.value,
        `Publishing needs a PostgreSQL database (jdbc:postgresql:…): '${database}' is ${source.url.split('//')[0]}…`,
      );
      continue;
    }
    if (targets.some((t) => t.database === source.name && t.schema === schema && t.table === table)) {
      at(pair.value, `Two datasets are published to ${value}.`);
      continue;
    }
    const [start, end] = pair.key?.range ?? [0, 1];
    targets.push({ dataset, database: source.name, schema, table, start, end });
  }
  return targets;
}

function readSource(
  pair: Pair<Node, Node>,
  at: (node: Node | null | undefined, message: string, severity?: SourcesProblem['severity']) => void,
): DatabaseSource | undefined {
  const name = isScalar(pair.key) ? String(pair.key.value) : '';
  if (!CATALOG_NAME.test(name) || name.toLowerCase() === 'spark_catalog') {
    at(pair.key, `'${name}' cannot name a catalog: use letters, digits and _ (not spark_catalog).`);
    return undefined;
  }
  if (!isMap(pair.value)) {
    at(
      pair.value ?? pair.key,
      `The database '${name}' needs its url: \`${name}: { url: jdbc:postgresql://host:5432/${name}, user: … }\`.`,
    );
    return undefined;
  }
  const fields = new Map<string, Pair<Node, Node>>();
  for (const field of (pair.value as YAMLMap<Node, Node>).items) {
    const key = isScalar(field.key) ? String(field.key.value) : '';
    fields.set(key, field);
    if (key === 'password')
      at(
        field.key,
        `A password never goes in a file: set it with "Spark: Set Database Password…" (the editor) or $${passwordVariable(name)} (the CLI).`,
      );
    else if (!SOURCE_FIELDS.includes(key))
      at(field.key, `Unknown field '${key}' of a database. Fields: ${SOURCE_FIELDS.join(', ')}.`);
  }
  const text = (key: string): string | undefined => {
    const field = fields.get(key);
    if (!field) return undefined;
    if (!isScalar(field.value) || typeof field.value.value !== 'string' || field.value.value.trim() === '') {
      at(field.value ?? field.key, `'${key}' of the database '${name}' must be a non-empty text.`);
      return undefined;
    }
    return field.value.value.trim();
  };
  const url = text('url');
  if (url === undefined) {
    if (!fields.has('url')) at(pair.key, `The database '${name}' needs a 'url' (jdbc:postgresql://host:5432/database).`);
    return undefined;
  }
  if (!/^jdbc:[a-z0-9]+:/i.test(url)) {
    at(fields.get('url')!.value, `'url' must be a JDBC URL (jdbc:postgresql://host:5432/database), not '${url}'.`);
    return undefined;
  }
  if (/[?&;](password)=/i.test(url) || /\/\/[^/@]*:[^/@]*@/.test(url))
    at(fields.get('url')!.value, 'The URL holds a password: take it out (passwords never go in a file).');
  const options: Record<string, string> = {};
  const optionsNode = fields.get('options')?.value;
  if (optionsNode) {
    if (!isMap(optionsNode)) at(optionsNode, "'options' is a map of JDBC options to text values.");
    else
      for (const option of (optionsNode as YAMLMap<Node, Node>).items) {
        const key = isScalar(option.key) ? String(option.key.value) : '';
        const value = isScalar(option.value) ? option.value.value : undefined;
        if (/password/i.test(key)) at(option.key, 'A password never goes in a file.');
        else if (value === null || value === undefined || typeof value === 'object')
          at(option.value ?? option.key, `The option '${key}' needs a value.`);
        else options[key] = String(value);
      }
  }
  const driver = text('driver');
  const subprotocol = url.split(':')[1]!.toLowerCase();
  if (driver === undefined && !KNOWN_JDBC_DRIVERS[subprotocol])
    at(
      pair.key,
      `Spark needs the JDBC driver of '${subprotocol}': add \`driver: group:artifact:version\` (its Maven coordinates) or a jar path.`,
    );
  const [start, end] = pair.key?.range ?? [0, 1];
  return { name, url, user: text('user'), driver, driverClass: text('driverClass'), options, start, end };
}

/** The environment variable the CLI reads a database's password from. */
export function passwordVariable(name: string): string {
  return `SPARK_WORKBENCH_DB_${name.toUpperCase()}_PASSWORD`;
}

/** The driver a source needs on the server: Maven coordinates or a jar path, and its class when known. */
export function driverOf(source: DatabaseSource): { coordinates?: string; jar?: string; className?: string } {
  const known = KNOWN_JDBC_DRIVERS[source.url.split(':')[1]!.toLowerCase()];
  const given = source.driver;
  const className = source.driverClass ?? (given === undefined ? known?.className : undefined);
  if (given === undefined) return { coordinates: known?.coordinates, className };
  return COORDINATES.test(given) ? { coordinates: given, className } : { jar: given, className };
}

/** What the managed local server must be started with for these sources: `--packages` and `--jars`. */
export function serverDrivers(sources: readonly DatabaseSource[]): { packages: string[]; jars: string[] } {
  const packages = new Set<string>();
  const jars = new Set<string>();
  for (const source of sources) {
    const driver = driverOf(source);
    if (driver.coordinates) packages.add(driver.coordinates);
    if (driver.jar) jars.add(driver.jar);
  }
  return { packages: [...packages].sort(), jars: [...jars].sort() };
}

/**
 * The session settings that make a source a catalog of Spark's (`JDBCTableCatalog`), sent with the
 * Config RPC, never as SQL text (which Spark's UI and logs would show).
 */
export function catalogSettings(source: DatabaseSource, password: string | undefined): Record<string, string> {
  const prefix = `spark.sql.catalog.${source.name}`;
  const { className } = driverOf(source);
  return {
    [prefix]: CATALOG_CLASS,
    [`${prefix}.url`]: source.url,
    ...(source.user ? { [`${prefix}.user`]: source.user } : {}),
    ...(password ? { [`${prefix}.password`]: password } : {}),
    ...(className ? { [`${prefix}.driver`]: className } : {}),
    ...Object.fromEntries(Object.entries(source.options).map(([key, value]) => [`${prefix}.${key}`, value])),
  };
}
