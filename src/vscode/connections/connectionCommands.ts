import * as vscode from 'vscode';
import { DisposableStore } from '../../core/util/events.js';
import { LOCAL_PROFILE_NAME, type ConnectionManager, type ConnectionProfile } from '../../core/session/connectionManager.js';
import type { OutputLog } from '../outputLog.js';
import { showFailure } from '../runs/failureNotifications.js';
import type { ConnectionSettings } from './connectionSettings.js';
import type { SecretTokenStore } from './secretTokenStore.js';

/** Connect, Disconnect, Switch, Set Token, Edit, Start/Stop Local Spark, Show Logs. */
export class ConnectionCommands implements vscode.Disposable {
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly settings: ConnectionSettings,
    private readonly tokens: SecretTokenStore,
    private readonly log: OutputLog,
  ) {
    const register = (id: string, run: (...args: never[]) => unknown) =>
      this.disposables.add(vscode.commands.registerCommand(id, run));
    register('sparkWorkbench.connection.connect', (name?: string) => this.connect(name));
    register('sparkWorkbench.connection.switch', () => this.connect(undefined, true));
    register('sparkWorkbench.connection.disconnect', () => this.connections.disconnect());
    register('sparkWorkbench.connection.setToken', (name?: string) => this.setToken(name));
    register('sparkWorkbench.connection.edit', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', 'sparkWorkbench.connections'),
    );
    register('sparkWorkbench.localSpark.start', () => this.connect(LOCAL_PROFILE_NAME));
    register('sparkWorkbench.localSpark.stop', () => this.stopLocal());
    register('sparkWorkbench.logs.show', () => this.log.show());
  }

  /** Connects to the named profile, or asks which one; returns whether it worked. */
  async connect(name?: string, alwaysAsk = false): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Spark Workbench runs nothing in Restricted Mode. Trust this workspace to connect to Spark.',
      );
      return false;
    }
    const { profiles, problems } = this.settings.profiles();
    for (const problem of problems) this.log.error(problem);
    let profile: ConnectionProfile | undefined = name ? profiles.find((p) => p.name === name) : undefined;
    if (!profile && (alwaysAsk || profiles.length > 1) && !name) {
      const picked = await vscode.window.showQuickPick(
        profiles.map((p) => ({
          label: p.name,
          description: p.kind === 'local' ? `managed server on 127.0.0.1:${p.port}` : p.url,
          profile: p,
        })),
        { title: 'Connect to Spark', placeHolder: 'Choose a connection' },
      );
      profile = picked?.profile;
      if (!profile) return false;
    }
    profile ??= this.settings.defaultProfile();
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Connecting to ${profile.name}`, cancellable: false },
        async (progress) => {
          const listener = this.connections.onDidConnectionStateChange((state) => {
            if (state.kind === 'starting') progress.report({ message: state.detail });
          });
          try {
            await this.connections.connect(profile);
          } finally {
            listener.dispose();
          }
        },
      );
      return true;
    } catch (error) {
      this.log.error(`Could not connect to ${profile.name}`, error);
      void showFailure(error, profile);
      return false;
    }
  }

  private async setToken(name?: string): Promise<void> {
    const remote = this.settings.profiles().profiles.filter((p) => p.kind === 'remote');
    const target =
      name ??
      (remote.length === 1
        ? remote[0]!.name
        : await vscode.window.showQuickPick(
            remote.map((p) => p.name),
            { title: 'Set the token of which connection?' },
          ));
    if (!target) return;
    const token = await vscode.window.showInputBox({
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
    void vscode.window.showInformationMessage(stopped ? 'Local Spark stopped.' : 'Local Spark was not running.');
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
