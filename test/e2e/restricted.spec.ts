import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { stepsInOrder } from './support/steps.js';
import { Workbench } from './support/workbench.js';

/**
 * Restricted Mode as a person meets it: a folder from somewhere else, whose settings name a Spark
 * server and runtime paths, opened in a workbench with workspace trust on, and not trusted. Nothing
 * may run: no connection to that server, no local server, none of its paths executed.
 *
 * Depends on: no other spec (a workbench of its own). Its steps run in order (stepsInOrder).
 */
describe('Spark Workbench in Restricted Mode', function () {
  this.timeout(180_000);
  const folder = process.env.E2E_UNTRUSTED_WORKSPACE!;
  let workbench: Workbench;
  let listener: Server;
  let connections = 0;

  before(async () => {
    // The "server" the workspace names: a listener that only counts who knocks.
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const settingsFile = join(folder, '.vscode', 'settings.json');
    writeFileSync(settingsFile, readFileSync(settingsFile, 'utf8').replace('sc://127.0.0.1:1"', `sc://127.0.0.1:${port}"`));
    workbench = await Workbench.open(process.env.CS_RESTRICTED_PORT!, folder, process.env.E2E_SCREENSHOTS!, { distrust: true });
  });

  stepsInOrder((name) => workbench?.screenshot(name), 'restricted-');

  after(async () => {
    await workbench?.close();
    await new Promise((resolve) => listener?.close(resolve));
  });

  it('says in the sidebar that nothing runs until the folder is trusted', async () => {
    await workbench.openSparkSidebar();
    const connection = await workbench.expandView('Connection');
    await connection.locator('.welcome-view-content', { hasText: 'Restricted Mode' }).waitFor();
    await connection.locator('.welcome-view-content').getByText('Manage Workspace Trust').waitFor();
    await workbench.screenshot('11-restricted-mode');
  });

  it('refuses to connect, start Spark or run SQL, and never reaches the server the workspace names', async () => {
    await workbench.runCommand('Spark: Connect…');
    await expectRefusal();
    await workbench.runCommand('Spark: Start Local Spark');
    await expectRefusal();
    await workbench.openFile('query.sql');
    await workbench.page.locator('.editor-instance .view-lines').click();
    await workbench.runCommand('Spark: Run File');
    await expectRefusal();
    await workbench.screenshot('12-restricted-refused');
    // Give a wrongly started connection or install time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(connections, 0, 'nothing connected to the server named in the workspace settings');
    assert.ok(!existsSync(join(folder, 'PWNED')), "the workspace's pythonPath never ran");
    assert.equal(await workbench.statusBar(/Workspace Spark/).count(), 0, 'the status bar never shows the workspace connection');
  });

  /** A Restricted Mode warning appeared (as a toast or in the center); then the center is cleared. */
  async function expectRefusal(): Promise<void> {
    await workbench.runCommand('Notifications: Show Notifications');
    await workbench.page
      .locator('.notifications-center .notification-list-item', { hasText: /runs nothing in Restricted Mode/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await workbench.runCommand('Notifications: Clear All Notifications');
  }
});
