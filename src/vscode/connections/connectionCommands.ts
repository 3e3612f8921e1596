import { freeLoopbackPort } from '../../core/localSpark/localSparkServer.js';
import { DisposableStore, type Disposable } from '../../core/util/events.js';
import { LOCAL_PROFILE_NAME, type ConnectionManager, type ConnectionProfile } from '../../core/session/connectionManager.js';
import type { WorkbenchHost } from '../host/workbenchHost.js';
import type { OutputLog } from '../outputLog.js';
import { showFailureNotice } from '../runs/failureNotice.js';
import { profileDescription } from './connectionProfiles.js';
import type { ConnectionSettings } from './connectionSettings.js';
import type { SecretTokenStore } from './secretTokenStore.js';
import { BUILT_IN_COMMANDS, COMMANDS } from '../commandIds.js';

/** What the commands need of the connection manager. */
export type ConnectionControl = Pick<
  ConnectionManager,
  'profile' | 'onDidConnectionStateChange' | 'disconnect' | 'stopLocal' | 'interruptAll' | 'updateProfile'
> & {
  connect(profile: ConnectionProfile): Promise<unknown>;
  restartLocal(profile: Extract<ConnectionProfile, { kind: 'local' }>): Promise<unknown>;
};

/** Connect, Disconnect, Switch, Set Token, Edit, Start/Stop Local Spark, Show Logs. */
export class ConnectionCommands implements Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly host: WorkbenchHost,
    private readonly connections: ConnectionControl,
    private readonly settings: ConnectionSettings,
    private readonly tokens: Pick<SecretTokenStore, 'set'>,
    private readonly log: OutputLog,
    private readonly freePort: () => Promise<number> = freeLoopbackPort,
  ) {
    const register = (id: string, run: (...args: never[]) => unknown) => this.disposables.add(host.registerCommand(id, run));
    register(COMMANDS.connection.connect, (name?: string) => this.connect(name));
    register(COMMANDS.connection.switch, () => this.connect(undefined, true));
    register(COMMANDS.connection.disconnect, () => this.connections.disconnect());
    register(COMMANDS.connection.setToken, (name?: string) => this.setToken(name));
    register(COMMANDS.connection.edit, () => host.executeCommand(BUILT_IN_COMMANDS.openSettings, 'sparkWorkbench.connections'));
    register(COMMANDS.localSpark.start, () => this.connect(LOCAL_PROFILE_NAME));
    register(COMMANDS.localSpark.stop, () => this.stopLocal());
    register(COMMANDS.localSpark.restart, () => this.restartLocal());
    // A failed connection's profile follows the settings: a new port or URL clears the old failure.
    this.disposables.add(
      host.onDidChangeSettings((change) => {
        if (!change.affects('sparkWorkbench')) return;
        const current = this.connections.profile;
        const updated = current && this.settings.profiles().profiles.find((p) => p.name === current.name);
        if (updated) this.connections.updateProfile(updated);
      }),
    );
    register(COMMANDS.localSpark.useFreePort, () => this.useFreePort());
    register(COMMANDS.operations.interruptAll, () => this.interruptAll());
    register(COMMANDS.logs.show, () => this.log.show());
  }

  /** Local Spark on a free loopback port (the user's setting), started there: the way on when its port is taken. */
  async useFreePort(): Promise<boolean> {
    if (!this.host.isTrusted()) return this.connect(LOCAL_PROFILE_NAME);
    const port = await this.freePort();
    await this.host.updateUserSetting('sparkWorkbench', 'localSpark.port', port);
    this.log.info(`Local Spark moves to port ${port} (sparkWorkbench.localSpark.port).`);
    return this.connect(LOCAL_PROFILE_NAME);
  }

  /** Connects to the named profile, or asks which one; returns whether it worked. */
  async connect(name?: string, alwaysAsk = false): Promise<boolean> {
    if (!this.host.isTrusted()) {
      this.inform(
        this.host.showWarningMessage(
          'Spark Workbench runs nothing in Restricted Mode. Trust this workspace to connect to Spark.',
        ),
      );
      return false;
    }
    const { profiles, problems } = await this.settings.loadProfiles();
    for (const problem of problems) this.log.error(problem);
    let profile: ConnectionProfile | undefined = name ? profiles.find((p) => p.name === name) : undefined;
    if (!profile && (alwaysAsk || profiles.length > 1) && !name) {
      const picked = await this.host.showQuickPick(
        profiles.map((p) => ({ label: p.name, description: profileDescription(p), profile: p })),
        { title: 'Connect to Spark', placeHolder: 'Choose a connection' },
      );
      profile = picked?.profile;
      if (!profile) return false;
    }
    profile ??= await this.settings.loadDefaultProfile();
    try {
      await this.withStartingProgress(`Connecting to ${profile.name}`, () => this.connections.connect(profile));
      return true;
    } catch (error) {
      this.log.error(`Could not connect to ${profile.name}`, error);
      this.inform(showFailureNotice(this.host, error, profile));
      return false;
    }
  }

  private async setToken(name?: string): Promise<void> {
    const remote = (await this.settings.loadProfiles()).profiles.filter((p) => p.kind === 'remote');
    const target =
      name ??
      (remote.length === 1
        ? remote[0]!.name
        : (
            await this.host.showQuickPick(
              remote.map((p) => ({ label: p.name })),
              { title: 'Set the token of which connection?' },
            )
          )?.label);
    if (!target) return;
    const token = await this.host.showInputBox({
      title: `Token for ${target}`,
      prompt: 'Stored in the OS keychain through VS Code SecretStorage. Leave empty to remove it.',
      password: true,
      ignoreFocusOut: true,
    });
    if (token === undefined) return;
    await this.tokens.set(target, token || undefined);
    this.log.info(`Token for ${target} ${token ? 'stored' : 'removed'}.`);
    // A new token for the connection in use (or the one that just failed) takes effect at once.
    if (this.connections.profile?.name === target) {
      this.connections.disconnect();
      if (token) await this.connect(target);
    }
  }

  private async stopLocal(): Promise<void> {
    const port = this.settings.localPort();
    const stopped = await this.connections.stopLocal(port);
    this.inform(this.host.showInformationMessage(stopped ? 'Local Spark stopped.' : 'Local Spark was not running.'));
  }

  /** Stops what is left of the local server and starts it again; re-runs nothing. Returns whether it worked. */
  async restartLocal(): Promise<boolean> {
    if (!this.host.isTrusted()) return this.connect(LOCAL_PROFILE_NAME);
    const local = this.settings.profiles().profiles.find((p) => p.kind === 'local');
    if (!local || local.kind !== 'local') return false;
    try {
      await this.withStartingProgress('Restarting Local Spark', () => this.connections.restartLocal(local));
      this.log.info('Local Spark restarted.');
      return true;
    } catch (error) {
      this.log.error('Could not restart Local Spark', error);
      this.inform(showFailureNotice(this.host, error, local));
      return false;
    }
  }

  /** A progress notification that shows each step of starting the local server while `work` runs. */
  private withStartingProgress(title: string, work: () => Promise<unknown>): Promise<unknown> {
    return this.host.withProgress({ title, cancellable: false }, async (progress) => {
      const listener = this.connections.onDidConnectionStateChange((state) => {
        if (state.kind === 'starting') progress.report(state.detail);
      });
      try {
        return await work();
      } finally {
        listener.dispose();
      }
    });
  }

  private async interruptAll(): Promise<void> {
    const interrupted = await this.connections.interruptAll();
    this.log.info(`Interrupt All: Spark interrupted ${interrupted.length} operation(s).`);
    this.inform(
      this.host.showInformationMessage(
        interrupted.length
          ? `Spark interrupted ${interrupted.length} operation${interrupted.length === 1 ? '' : 's'} of this session.`
          : 'Spark had no operation of this session left to interrupt.',
      ),
    );
  }

  /** A notification nobody waits for: its failure goes to the log, not to an unhandled rejection. */
  private inform(shown: Promise<unknown>): void {
    shown.catch((error: unknown) => this.log.error('Showing a notification', error));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
