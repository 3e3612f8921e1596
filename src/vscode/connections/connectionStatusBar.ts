import * as vscode from 'vscode';
import type { ConnectionManager, ConnectionState } from '../../core/session/connectionManager.js';

/**
 * The connection's health at a glance, left in the status bar: disconnected, starting, connected (with
 * the Spark version) or error; clicking does the one useful thing for that state.
 */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('sparkWorkbench.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };

  constructor(private readonly connections: ConnectionManager) {
    this.item.name = 'Spark Connection';
    this.subscription = connections.onDidConnectionStateChange((state) => this.render(state));
    this.render(connections.state);
    this.item.show();
  }

  private render(state: ConnectionState): void {
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case 'disconnected':
        this.item.text = '$(debug-disconnect) Spark';
        this.item.tooltip = 'Not connected to Spark. Click to connect.';
        this.item.command = 'sparkWorkbench.connection.connect';
        break;
      case 'starting':
      case 'connecting':
        this.item.text = `$(loading~spin) Spark: ${state.profile.name}`;
        this.item.tooltip = state.kind === 'starting' ? state.detail : `Connecting to ${state.profile.name}…`;
        this.item.command = 'sparkWorkbench.logs.show';
        break;
      case 'connected':
        this.item.text = `$(zap) Spark ${state.sparkVersion.text}: ${state.profile.name}`;
        this.item.tooltip = new vscode.MarkdownString(
          `Connected to **${state.profile.name}** at \`${state.endpoint}\`\n\nSpark ${state.sparkVersion.text}, session \`${state.sessionId}\`\n\nClick to switch connection.`,
        );
        this.item.command = 'sparkWorkbench.connection.switch';
        break;
      case 'error':
        this.item.text = `$(error) Spark: ${state.profile.name}`;
        this.item.tooltip = `${state.error.message}\n\nClick to reconnect.`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        this.item.command = 'sparkWorkbench.connection.connect';
        break;
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
