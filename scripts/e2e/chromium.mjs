// Debian's Chromium, headless, as the e2e tests and the in-host runner start it. The background
// networking flags matter: this machine's closed network refuses Chromium's own connections.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh persistent context in `profile` (Playwright refuses --user-data-dir in args). */
export function launchChromium(profile, viewport = { width: 1400, height: 900 }) {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    env: { ...process.env, XDG_CONFIG_HOME: profile }, // keeps crash reports out of ~/.config
    args: CHROMIUM_ARGS,
  });
}
