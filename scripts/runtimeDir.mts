import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, and the git-ignored folder where the pinned pyspark and local server state live. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const projectRuntimeDir = process.env.SPARK_WORKBENCH_HOME ?? join(projectRoot, '.spark');
