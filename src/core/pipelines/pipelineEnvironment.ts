import type { SparkConnectClient } from '../connect/sparkConnectClient.js';
import type { PythonHelper } from '../python/pythonHelper.js';
import { helperConnectionString } from '../python/helperConnection.js';
import type { PythonDefinitions, TablesRead } from './pipelineGraph.js';
import type { PipelineEnvironment } from './pipelineRun.js';

/** What a run needs, from a connected client, the SQL grammar, and (for Python definitions) the helper. */
export function pipelineEnvironment(
  client: SparkConnectClient,
  tablesRead: TablesRead,
  helper: (() => Promise<PythonHelper>) | undefined,
): PipelineEnvironment {
  const remote = () => helperConnectionString(client.connection, client.sessionId, client.userId);
  return {
    client,
    tablesRead,
    python: helper
      ? async ({ graphId, root, files, signal, deferModelFlows, schema }) =>
          (await helper()).request<PythonDefinitions>(
            'registerPipelineFiles',
            { remote: remote(), graphId, root, files, deferModelFlows, schema },
            signal,
          )
      : undefined,
    // A failed warm-up shows again, with its reason, when the files are registered.
    warmUpPython: helper
      ? () =>
          void helper()
            .then((h) => h.request('connect', { remote: remote() }))
            .catch(() => undefined)
      : undefined,
  };
}
