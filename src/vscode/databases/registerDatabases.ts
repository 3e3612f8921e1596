import type { Environment } from '../../core/environments/environments.js';
import type { SparkConnectClient } from '../../core/connect/sparkConnectClient.js';
import type { LocalServerState } from '../../core/localSpark/localSparkServer.js';
import { rangeOf } from '../../core/sql/textPositions.js';
import { DisposableStore } from '../../core/util/events.js';
import { COMMANDS } from '../commandIds.js';
import type { DocumentSnapshot } from '../host/editorHost.js';
import type { WorkbenchContext } from '../workbenchContext.js';
import type { DatabasePasswordStore } from './databasePasswords.js';
import type { WorkspaceDatabases } from './workspaceDatabases.js';
import { WORKBENCH_FILE } from '../../core/databases/workbenchFileName.js';

const DEBOUNCE_MS = 250;

/**
 * Databases as catalogs of the window's Spark session: `spark-workbench.yml` checked as you type,
 * Set Database Password…, and each new session given the workspace's databases (sessionSetup).
 */
export function registerDatabases(ctx: WorkbenchContext, databases: WorkspaceDatabases, passwords: DatabasePasswordStore): void {
  const { host, log } = ctx;
  ctx.own(
    host.registerCommand(COMMANDS.databases.setPassword, async (name?: string) => {
      const names = (await databases.sources()).map((d) => d.name);
      if (!names.length) {
        await host.showInformationMessage(`No database is declared: add one to ${WORKBENCH_FILE} at the workspace's root.`);
        return;
      }
      const target =
        name ??
        (names.length === 1
          ? names[0]
          : (
              await host.showQuickPick(
                names.map((label) => ({ label })),
                { title: 'Set the password of which database?' },
              )
            )?.label);
      if (!target) return;
      const password = await host.showInputBox({
        title: `Password of the database ${target}`,
        prompt: 'Stored in the OS keychain through VS Code SecretStorage. Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (password === undefined) return;
      await passwords.set(target, password || undefined);
      log.info(`Password of the database ${target} ${password ? 'stored' : 'removed'}.`);
      // The session in use gets it at once.
      const client = ctx.connections.connectedClient;
      if (client) await attachWorkspaceDatabases(ctx, databases, passwords, client, undefined);
    }),
  );
  ctx.own(new WorkbenchFileDiagnostics(ctx));
}

/**
 * Gives a new Spark session the workspace's databases as catalogs. A local server started before a
 * database was declared lacks its driver: the person is told, with Restart Local Spark.
 */
export async function attachWorkspaceDatabases(
  ctx: Pick<WorkbenchContext, 'host' | 'log'>,
  databases: WorkspaceDatabases,
  passwords: DatabasePasswordStore,
  client: SparkConnectClient,
  localServer: LocalServerState | undefined,
  /**
   * For a server of the user's (not the managed local one): where the driver jars it is sent are kept
   * (the runtime home's jdbc-drivers). None: the session has its drivers.
   */
  driverCache?: string,
  /** The environment the session is in: its databases replace the file's of the same name. */
  environment?: Environment,
): Promise<void> {
  const sources = await databases.sources(environment);
  if (!sources.length) return;
  const { attachDatabases, driversMissingFrom } = await import('../../core/databases/databaseCatalogs.js');
  // A server of the user's gets the drivers over Spark Connect; the managed one has them from its start.
  await attachDatabases(
    client,
    sources,
    (name) => passwords.get(name),
    driverCache === undefined ? undefined : { cacheDir: driverCache, onFailure: (message) => ctx.log.info(message) },
  );
  ctx.log.info(`Databases in this Spark session: ${sources.map((s) => s.name).join(', ')}.`);
  const missing = localServer ? driversMissingFrom(localServer, sources) : [];
  if (!missing.length) return;
  const restart = 'Restart Local Spark';
  ctx.host
    .showWarningMessage(
      `Local Spark was started without the JDBC driver ${missing.join(', ')} that ${WORKBENCH_FILE}'s databases need: restart it to read them.`,
      restart,
    )
    .then((picked) => (picked === restart ? ctx.host.executeCommand(COMMANDS.localSpark.restart) : undefined))
    .catch(() => undefined);
}

/** `spark-workbench.yml` as you type: every mistake at its range, a password in it above all. */
class WorkbenchFileDiagnostics {
  private readonly disposables = new DisposableStore();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly sink;

  constructor(private readonly ctx: WorkbenchContext) {
    const { host } = ctx;
    this.sink = this.disposables.add(host.createDiagnostics('Spark Workbench file'));
    this.disposables.add(host.onDidOpenDocument((document) => this.schedule(document, 0)));
    this.disposables.add(host.onDidChangeDocument(({ document }) => this.schedule(document, DEBOUNCE_MS)));
    this.disposables.add(host.onDidCloseDocument((uri) => this.sink.set(uri, [])));
    for (const document of host.openDocuments()) this.schedule(document, 0);
  }

  private schedule(document: DocumentSnapshot, delay: number): void {
    if (!document.fileName.endsWith(`/${WORKBENCH_FILE}`) && document.fileName !== WORKBENCH_FILE) return;
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        this.check(document.uri).catch((error: unknown) => this.ctx.failures.report('Checking spark-workbench.yml', error));
      }, delay),
    );
  }

  private async check(uri: string): Promise<void> {
    const { readWorkbenchFile } = await import('../../core/databases/databaseSources.js');
    const document = this.ctx.host.openDocuments().find((d) => d.uri === uri);
    if (!document) return;
    this.sink.set(
      uri,
      readWorkbenchFile(document.text).problems.map((p) => ({
        range: rangeOf(document.text, p.start, p.end),
        message: p.message,
        severity: p.severity,
        source: 'Spark Workbench',
      })),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.disposables.dispose();
  }
}
