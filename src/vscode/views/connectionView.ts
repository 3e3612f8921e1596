import type { LocalSparkServer } from '../../core/localSpark/localSparkServer.js';
import type { ConnectionManager } from '../../core/session/connectionManager.js';
import { DisposableStore, Emitter, type Disposable } from '../../core/util/events.js';
import type { TreeItemDescription, TreeSource, WorkbenchHost } from '../host/workbenchHost.js';
import { connectionRowItem, connectionRows, type ConnectionRow } from './connectionRows.js';

/**
 * The Connection view, repainted on every connection change; it also keeps the `sparkWorkbench.connected`
 * context key current, which picks the welcome views of package.json.
 */
export class ConnectionView implements TreeSource<ConnectionRow>, Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables = new DisposableStore();

  constructor(
    host: Pick<WorkbenchHost, 'setContext'>,
    private readonly connections: Pick<ConnectionManager, 'state' | 'onDidConnectionStateChange'>,
    private readonly localServer: Pick<LocalSparkServer, 'status'>,
    private readonly localPort: () => number,
  ) {
    this.disposables.add(this.changed);
    const connected = (value: boolean) => {
      host.setContext('sparkWorkbench.connected', value).catch(() => undefined);
    };
    this.disposables.add(
      connections.onDidConnectionStateChange((state) => {
        connected(state.kind === 'connected');
        this.changed.fire();
      }),
    );
    connected(false);
  }

  treeItem(row: ConnectionRow): TreeItemDescription {
    return connectionRowItem(row);
  }

  async getChildren(): Promise<ConnectionRow[]> {
    const state = this.connections.state;
    if (state.kind === 'disconnected') return []; // no need to look for the local server
    return connectionRows(state, await this.localServer.status(this.localPort()));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
