import type { ConnectionManager } from '../../core/session/connectionManager.js';
import type { Disposable } from '../../core/util/events.js';
import type { StatusBarEntry, WorkbenchHost } from '../host/workbenchHost.js';
import { statusBarPresentation } from './statusBarPresentation.js';

/** The connection's status bar item, left, kept in step with the connection state. */
export class ConnectionStatusBar implements Disposable {
  private readonly item: StatusBarEntry;
  private readonly subscription: Disposable;

  constructor(
    host: Pick<WorkbenchHost, 'createStatusBarItem'>,
    connections: Pick<ConnectionManager, 'state' | 'onDidConnectionStateChange'>,
  ) {
    this.item = host.createStatusBarItem({ id: 'sparkWorkbench.connection', name: 'Spark Connection', priority: 50 });
    this.subscription = connections.onDidConnectionStateChange((state) => this.item.render(statusBarPresentation(state)));
    this.item.render(statusBarPresentation(connections.state));
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
