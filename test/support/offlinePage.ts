import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/e2e/chromium.mjs';

export interface OfflinePage {
  readonly page: Page;
  /** Every request the page made besides loading its own file. */
  readonly requests: string[];
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

/**
 * Opens an exported HTML file in headless Chromium with the network off (offline, and every request
 * other than the file itself recorded and refused), as someone opening the file from a mail would.
 */
export async function openOffline(file: string): Promise<OfflinePage> {
  const profile = mkdtempSync(join(tmpdir(), 'sw-offline-'));
  const context: BrowserContext = await launchChromium(profile);
  await context.setOffline(true);
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(url);
  return {
    page,
    requests,
    consoleErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
