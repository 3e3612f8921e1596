import type { DatabaseSource } from '../databases/databaseSources.js';
import { closestName } from '../util/closestName.js';

/**
 * An environment of the workspace (dev, stage, prod…), declared under `environments:` in
 * spark-workbench.yml: where Spark is, which catalog and schema a pipeline writes to, the settings and
 * variables its SQL reads, and the databases it reads from. Its token is never in the file: SecretStorage
 * in the editor, $SPARK_WORKBENCH_TOKEN_<NAME> in the CLI (tokenVariable).
 */
export interface Environment {
  readonly name: string;
  /** `sc://host:port` (never with a token); undefined: the managed local server. */
  readonly remote?: string;
  /** Runs that write ask first (the editor) or need --yes (the CLI). */
  readonly production: boolean;
  /** The environment used when none is chosen. */
  readonly isDefault: boolean;
  readonly catalog?: string;
  readonly schema?: string;
  /** The pipeline's storage (checkpoints) here: environments that share one would share streaming progress. */
  readonly storage?: string;
  /** Spark settings over the pipeline spec's `configuration`. */
  readonly conf: Readonly<Record<string, string>>;
  /** Values SQL reads as `${name}`: session settings, like the spec's configuration. */
  readonly variables: Readonly<Record<string, string>>;
  /** Databases of this environment: each replaces the top-level database of its name, or adds one. */
  readonly databases: readonly DatabaseSource[];
  /** Where the environment is declared (its name's range in the file). */
  readonly start: number;
  readonly end: number;
}

/** The environment variable the CLI reads an environment's Spark Connect token from. */
export function tokenVariable(environment: string): string {
  return `SPARK_WORKBENCH_TOKEN_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The environment a command uses: the one named, else the file's default, else none (the connection
 * as without environments). An unknown name throws, with the nearest one.
 */
export function chooseEnvironment(environments: readonly Environment[], name: string | undefined): Environment | undefined {
  if (name === undefined) return environments.find((e) => e.isDefault);
  const found =
    environments.find((e) => e.name === name) ?? environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  if (found) return found;
  if (!environments.length) throw new Error(`There is no environment '${name}': spark-workbench.yml declares no environments.`);
  const near = closestName(
    name,
    environments.map((e) => e.name),
  );
  throw new Error(
    `There is no environment '${name}'${near ? `: did you mean '${near}'?` : '.'} Environments: ${environments.map((e) => e.name).join(', ')}.`,
  );
}

/** The databases a command attaches in an environment: the top-level ones, each replaced by the environment's of its name. */
export function environmentDatabases(
  databases: readonly DatabaseSource[],
  environment: Environment | undefined,
): DatabaseSource[] {
  if (!environment) return [...databases];
  const own = new Map(environment.databases.map((d) => [d.name.toLowerCase(), d]));
  return [
    ...databases.map((d) => own.get(d.name.toLowerCase()) ?? d),
    ...environment.databases.filter((d) => !databases.some((t) => t.name.toLowerCase() === d.name.toLowerCase())),
  ];
}

/** The session settings of an environment: its `conf`, and its variables (SQL reads them as `${name}`). */
export function environmentSessionConf(environment: Environment): Record<string, string> {
  return { ...environment.variables, ...environment.conf };
}
