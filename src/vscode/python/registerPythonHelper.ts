import { join } from 'node:path';
import { SparkRuntimeInstaller } from '../../core/localSpark/sparkRuntime.js';
import { PythonHelper } from '../../core/python/pythonHelper.js';
import type { WorkbenchContext } from '../workbenchContext.js';

export interface PythonHelperFeature {
  /** The window's helper: one per Spark session, joining it, ended with it. */
  readonly startPythonHelper: () => Promise<PythonHelper>;
  /** A helper of its own (a notebook on a connection of its own). */
  readonly createPythonHelper: () => Promise<PythonHelper>;
}

/**
 * The Python helper process (pipelines' Python definitions, notebooks' Python cells): on the user's
 * chosen interpreter as it is, else on the managed venv with the packages it needs.
 */
export function registerPythonHelper(ctx: WorkbenchContext): PythonHelperFeature {
  const { log, settings, connections } = ctx;
  const createPythonHelper = async () => {
    const { pythonPath, helperPython } = settings.connection.localRuntime();
    const python =
      helperPython ??
      (await new SparkRuntimeInstaller(ctx.runtimeDir, (line) => log.info(line)).ensureHelperPackages(pythonPath))
        .pythonExecutable;
    return new PythonHelper({
      python,
      script: join(ctx.extensionPath, 'python', 'spark_workbench_helper.py'),
      log: (line) => log.info(line),
    });
  };
  let current: PythonHelper | undefined;
  // Callers at the same moment (a pipeline's warm-up and its registration) share the one being made.
  let starting: Promise<PythonHelper> | undefined;
  const startPythonHelper = async () => {
    if (current) return current;
    const made = (starting ??= createPythonHelper().then((helper) => {
      current = helper;
      connections.sessionScope.add({
        dispose: () => {
          helper.dispose();
          if (current === helper) current = undefined;
        },
      });
      return helper;
    }));
    try {
      return await made;
    } finally {
      if (starting === made) starting = undefined;
    }
  };
  return { startPythonHelper, createPythonHelper };
}
