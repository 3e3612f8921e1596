import { join } from 'node:path';
import type { SparkConnectClient } from '../../src/core/connect/sparkConnectClient.js';
import { SparkRuntimeInstaller } from '../../src/core/localSpark/sparkRuntime.js';
import { NotebookKernel, type CellOutput } from '../../src/core/notebooks/notebookKernel.js';
import { helperConnectionString } from '../../src/core/python/helperConnection.js';
import { PythonHelper } from '../../src/core/python/pythonHelper.js';
import { projectRoot, runtimeDir } from './sparkTestServer.js';

/** A notebook kernel on `client`'s session with the Python helper, as the editor runs Python cells. */
export interface PythonCells {
  readonly kernel: NotebookKernel;
  readonly helper: PythonHelper;
  /** Runs a Python cell; resolves to how it ended and what it printed. */
  run(code: string): Promise<{ status: string; text: string }>;
  dispose(): void;
}

export async function startPythonCells(client: SparkConnectClient, notebook: string): Promise<PythonCells> {
  const runtime = await new SparkRuntimeInstaller(runtimeDir()).ensureHelperPackages();
  const helper = new PythonHelper({
    python: runtime.pythonExecutable,
    script: join(projectRoot(), 'python', 'spark_workbench_helper.py'),
    log: () => undefined,
  });
  const kernel = new NotebookKernel(notebook, {
    client: () => Promise.resolve(client),
    python: (c) => Promise.resolve({ helper, remote: helperConnectionString(c.connection, c.sessionId, c.userId) }),
    storedRows: () => 1000,
  });
  return {
    kernel,
    helper,
    run: async (code) => {
      const outputs: CellOutput[] = [];
      const result = await kernel.run('python', code, { output: (o) => outputs.push(o), progress: () => undefined });
      return { status: result.status, text: outputs.map((o) => (o.kind === 'stream' ? o.text : JSON.stringify(o))).join('') };
    },
    dispose: () => helper.dispose(),
  };
}
