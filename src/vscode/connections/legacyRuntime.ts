import { existsSync, rmSync } from 'node:fs';
import { LocalSparkServer } from '../../core/localSpark/localSparkServer.js';
import { serversDir } from '../../core/localSpark/runtimeHome.js';

/**
 * Earlier versions kept a pyspark venv (about 450 MB) and their servers in the extension's global
 * storage. The runtime now lives in the home shared with the CLI: the old folder is removed once none
 * of its servers runs any more (a running one is left to finish; the next activation tries again).
 */
export function removeLegacyRuntime(legacy: string, current: string, log: (line: string) => void): void {
  if (legacy === current || !existsSync(legacy)) return;
  void new LocalSparkServer(serversDir(legacy))
    .list()
    .then((running) => {
      if (running.length) {
        log(
          `The old runtime folder ${legacy} still has a running server (port ${running.map((s) => s.server.port).join(', ')}); it is removed once that stops.`,
        );
        return;
      }
      rmSync(legacy, { recursive: true, force: true });
      log(`Removed the old runtime folder ${legacy}: the runtime now lives in ${current}, shared with the CLI.`);
    })
    .catch((error: unknown) =>
      log(`Could not remove the old runtime folder ${legacy}: ${error instanceof Error ? error.message : String(error)}`),
    );
}
