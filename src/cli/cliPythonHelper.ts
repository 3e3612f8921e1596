import { join } from 'node:path';
import { SparkRuntimeInstaller } from '../core/localSpark/sparkRuntime.js';
import { PythonHelper } from '../core/python/pythonHelper.js';
import type { Disposable } from '../core/util/events.js';
import { once } from '../core/util/once.js';
import { runtimeHome } from './runtimeHome.js';

/**
 * A command's Python helper, started on first use (installing pyspark's Connect packages into the
 * managed runtime the first time): one however many ask at once, since a second would outlive the
 * command and its process would keep the CLI from exiting. Disposing ends it, if it started.
 */
export function cliPythonHelper(distDir: string, log: (line: string) => void): { start(): Promise<PythonHelper> } & Disposable {
  let helper: PythonHelper | undefined;
  const start = once(async () => {
    const runtime = await new SparkRuntimeInstaller(runtimeHome(), log).ensureHelperPackages();
    helper = new PythonHelper({
      python: runtime.pythonExecutable,
      script: join(distDir, '..', 'python', 'spark_workbench_helper.py'),
      log,
    });
    return helper;
  });
  return { start, dispose: () => helper?.dispose() };
}
