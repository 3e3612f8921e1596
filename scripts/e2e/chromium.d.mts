import type { BrowserContext } from 'playwright-core';

export declare const CHROMIUM_ARGS: readonly string[];
export declare function launchChromium(profile: string, viewport?: { width: number; height: number }): Promise<BrowserContext>;
