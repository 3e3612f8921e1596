import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../../scripts/e2e/chromium.mjs';

/** A real VS Code workbench (code-server) in Debian's Chromium, as a person sees it. */
export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly profile: string,
    private readonly screenshots: string,
  ) {}

  /**
   * Opens `folder` in the workbench at `port`. With `distrust`, the workbench asks whether to trust the
   * folder (workspace trust is on) and the answer is no: the folder opens in Restricted Mode.
   */
  static async open(port: string, folder: string, screenshots: string, options: { distrust?: boolean } = {}): Promise<Workbench> {
    const profile = mkdtempSync(join(tmpdir(), 'sw-chromium-'));
    mkdirSync(screenshots, { recursive: true });
    const context = await launchChromium(profile);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (options.distrust) {
      // Depending on the startup prompt setting, the workbench asks first or opens in Restricted Mode.
      const dialog = page.locator('.monaco-dialog-box');
      const restricted = page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
      await dialog.or(restricted).first().waitFor({ timeout: 60_000 });
      if (await dialog.isVisible()) await dialog.locator('.monaco-button', { hasText: /don.t trust/i }).click();
      await restricted.waitFor({ timeout: 60_000 });
    }
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return new Workbench(page, context, profile, screenshots);
  }

  /** Takes focus out of editors and webviews: a click on an empty part of the title bar. */
  private async focusWorkbench(): Promise<void> {
    await this.page.locator('.part.titlebar').click({ position: { x: 120, y: 12 } });
  }

  /**
   * F1, type the command's title, click its row — what a user does. The row must be the command of
   * exactly this title: "Close All Editors" must not run "Close All Editors in Group".
   */
  async runCommand(title: string): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(`>${title}`);
    await this.quickPickRow(title).click();
  }

  /** Switches the workbench's color theme through its picker, as a user does. */
  async setColorTheme(label: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    await this.page.locator('.quick-input-widget input').fill(label);
    await this.quickPickRow(label).click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The row of the open quick input whose label is exactly `label`. */
  private quickPickRow(label: string): Locator {
    return this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) })
      .first();
  }

  /** Picks a row of an open quick pick by its label. */
  async pick(label: string): Promise<void> {
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  async typeIntoInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Answers VS Code's own save dialog (the simple file dialog of a browser workbench) with a path:
   * waits until it shows its suggested name, replaces it, and accepts once the box holds the path.
   */
  async answerSaveDialog(path: string, suggested: RegExp): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await this.page.waitForFunction(
      ([selector, source]) => new RegExp(source).test((document.querySelector(selector) as HTMLInputElement | null)?.value ?? ''),
      ['.quick-input-widget input', suggested.source] as const,
    );
    await input.fill(path);
    await this.page.waitForFunction(
      ([selector, wanted]) => (document.querySelector(selector) as HTMLInputElement | null)?.value === wanted,
      ['.quick-input-widget input', path] as const,
    );
    // Enter first accepts the dialog's own path completion; its OK button saves. A click that lands
    // while the dialog redraws its file list is lost: click again until the dialog closes.
    const ok = this.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ });
    for (let attempt = 1; ; attempt++) {
      await ok.click();
      const closed = await input.waitFor({ state: 'hidden', timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (closed) return;
      if (attempt === 4) throw new Error(`The save dialog stayed open after ${attempt} clicks on OK (path ${path}).`);
    }
  }

  async openFile(name: string): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('Control+P');
    await this.page.locator('.quick-input-widget input').fill(name);
    await this.quickPickRow(name).click();
    await this.page.locator('.tab.active', { hasText: name }).waitFor();
  }

  /** Puts the cursor of the active editor at a line and column (1-based), with Go to Line. */
  async goToLine(line: number, column: number): Promise<void> {
    await this.page.locator('.editor-instance .view-lines').first().click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /**
   * Ctrl+. at a line and column, then Enter on the quick fix of that title. The menu is asked for again
   * when it opened before the code actions were there.
   */
  async applyQuickFix(line: number, column: number, title: string): Promise<void> {
    const action = this.page.locator('.action-widget', { hasText: title });
    for (let attempt = 1; ; attempt++) {
      await this.goToLine(line, column);
      await this.page.keyboard.press('Control+.');
      const shown = await action.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (shown) break;
      if (attempt === 4) throw new Error(`The quick-fix menu at Ln ${line}, Col ${column} never offered ${title}.`);
      await this.page.keyboard.press('Escape');
    }
    await this.page.keyboard.press('Enter');
  }

  /**
   * Waits for a notification holding a text, in the notification center (a toast is not shown while
   * the center is open, and may have hidden again): the center is opened first.
   */
  async notification(text: string | RegExp, timeout = 60_000): Promise<Locator> {
    await this.runCommand('Notifications: Show Notifications');
    const item = this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    await item.waitFor({ timeout });
    return item;
  }

  /** The Problems panel's row holding a text, the panel opened first when it is not in sight. */
  async problem(text: string | RegExp): Promise<Locator> {
    if (!(await this.page.locator('.markers-panel').isVisible())) await this.page.keyboard.press('Control+Shift+M');
    return this.page.locator('.markers-panel .monaco-list-row', { hasText: text });
  }

  /** Sets a connection's token through Spark: Set Token…, as a user does (the sidebar opened first). */
  async setToken(connection: string, token: string): Promise<void> {
    await this.openSparkSidebar();
    await this.runCommand('Spark: Set Token…');
    await this.pick(connection);
    await this.typeIntoInputBox(token);
  }

  /** Opens the Spark activity-bar container. */
  async openSparkSidebar(): Promise<void> {
    // A click on the icon of the container already shown would close it.
    if (await this.view('Connection').isVisible()) return;
    const sparkIcon = this.page.locator('.activitybar .action-item a[aria-label^="Spark"]').first();
    await sparkIcon.click();
    await this.view('Connection').waitFor();
  }

  /** The pane of a view in the side bar, expanded. */
  view(name: string): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') }) });
  }

  async expandView(name: string): Promise<Locator> {
    const pane = this.view(name);
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    return pane;
  }

  treeRow(pane: Locator, label: string): Locator {
    return pane.locator('.monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }),
    });
  }

  /** The content of the visible results webview (a webview is two nested iframes). */
  results(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
  }

  /** Waits for the visible results panel to finish its run with this state. */
  async resultsFinished(state: 'succeeded' | 'failed' | 'cancelled' | 'restored', timeout = 90_000): Promise<FrameLocator> {
    const results = this.results();
    await results.locator(`body[data-run-state="${state}"]`).waitFor({ timeout });
    return results;
  }

  /** The content of the visible webview that holds `selector` (several may be visible side by side). */
  async webviewWith(selector: string, timeout = 60_000): Promise<FrameLocator> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const frames = this.page.locator('iframe.webview.ready');
      for (let i = 0; i < (await frames.count()); i++) {
        if (!(await frames.nth(i).isVisible())) continue;
        const content = this.page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
        if ((await content.locator(selector).count()) > 0) return content;
      }
      if (Date.now() > deadline) throw new Error(`No visible webview shows ${selector}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Clicks the CodeLens of the active editor whose text is exactly `title` (its icon aside). */
  async clickCodeLens(title: string): Promise<void> {
    await this.page
      .locator('.editor-instance .codelens-decoration a')
      .filter({ hasText: new RegExp(`^\\W*${escape(title)}$`) })
      .first()
      .click();
  }

  statusBar(text: RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: join(this.screenshots, `${name}.png`) });
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
