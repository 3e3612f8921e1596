import * as vscode from 'vscode';
import type { LocalSparkServer } from '../../core/localSpark/localSparkServer.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { DisposableStore } from '../../core/util/events.js';

interface InfoItem {
  label: string;
  value: string;
  icon: string;
}

/** The Connection view: which connection, server version, session id, and the local server's state. */
export class ConnectionView implements vscode.TreeDataProvider<InfoItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly localServer: LocalSparkServer,
    private readonly localPort: () => number,
  ) {
    this.disposables.add(this.changed);
    this.disposables.add(
      connections.onDidConnectionStateChange((state) => {
        void vscode.commands.executeCommand('setContext', 'sparkWorkbench.connected', state.kind === 'connected');
        this.changed.fire();
      }),
    );
    void vscode.commands.executeCommand('setContext', 'sparkWorkbench.connected', false);
  }

  getTreeItem(item: InfoItem): vscode.TreeItem {
    const tree = new vscode.TreeItem(item.label);
    tree.description = item.value;
    tree.tooltip = `${item.label}: ${item.value}`;
    tree.iconPath = new vscode.ThemeIcon(item.icon);
    return tree;
  }

  async getChildren(): Promise<InfoItem[]> {
    const state = this.connections.state;
    if (state.kind === 'disconnected') return []; // the welcome view takes over
    const items: InfoItem[] = [{ label: 'Connection', value: state.profile.name, icon: 'plug' }];
    if (state.kind === 'connected') {
      items.push({ label: 'Status', value: 'connected', icon: 'pass' });
      items.push({ label: 'Server', value: `Spark ${state.sparkVersion.text} at ${state.endpoint}`, icon: 'server' });
      items.push({ label: 'Session', value: state.sessionId, icon: 'key' });
    } else if (state.kind === 'error') {
      items.push({ label: 'Status', value: state.error.message, icon: 'error' });
    } else {
      items.push({ label: 'Status', value: state.kind === 'starting' ? state.detail : 'connecting…', icon: 'loading~spin' });
    }
    const local = await this.localServer.status(this.localPort());
    items.push({
      label: 'Local Spark',
      value: local.state === 'running' ? `running on 127.0.0.1:${local.server.port} (pid ${local.server.pid})` : local.state,
      icon: local.state === 'running' ? 'vm-running' : 'vm-outline',
    });
    return items;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
