import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { environmentSessionConf, type Environment } from './environments.js';

/**
 * The spec's text rendered for an environment, for Spark's own `spark-pipelines --spec`: the same
 * fields Spark reads (no field of ours), with the environment's catalog, database, storage and settings
 * written in, comments kept. Written to another folder, the libraries' globs are made relative to it.
 */
export function renderSpecForEnvironment(text: string, specPath: string, environment: Environment, outPath: string): string {
  const document = parseDocument(text);
  if (document.errors.length) throw new Error(`${specPath} is not valid YAML: ${document.errors[0]!.message}`);
  if (environment.catalog) document.set('catalog', environment.catalog);
  if (environment.schema) {
    // Spark reads `database` when both are set: the environment's schema is written there.
    if (document.has('schema')) document.delete('schema');
    document.set('database', environment.schema);
  }
  if (environment.storage) document.set('storage', environment.storage);
  const settings = environmentSessionConf(environment);
  if (Object.keys(settings).length) {
    if (!isMap(document.get('configuration', true))) document.set('configuration', document.createNode({}));
    for (const [key, value] of Object.entries(settings)) (document.get('configuration', true) as YAMLMap).set(key, value);
  }
  const from = dirname(specPath);
  const to = dirname(outPath);
  const libraries = document.get('libraries', true);
  if (from !== to && isSeq(libraries))
    for (const library of libraries.items) {
      const glob: unknown = isMap(library) ? library.get('glob', true) : undefined;
      if (!isMap(glob)) continue;
      const include = glob.get('include');
      if (typeof include === 'string' && !isAbsolute(include) && !/^[a-z]+:\/\//i.test(include))
        glob.set('include', relative(to, join(from, include)).split(sep).join('/') || '.');
    }
  document.commentBefore = [
    ` Rendered by spark-workbench for the environment '${environment.name}' from ${relative(to, specPath).split(sep).join('/')}:`,
    ' edit that file and spark-workbench.yml, then render again.',
    ...(document.commentBefore ? [document.commentBefore] : []),
  ].join('\n');
  return document.toString();
}
