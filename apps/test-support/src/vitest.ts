/**
 * `@vwo/test-support/vitest`: what declares vitest hooks, apart from the main entry, which vitest
 * config files import (they run outside a test file, where hooks cannot be declared).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { launchChromium } from './chromium.js';
import { type ServedPage, servePage } from './loopback.js';
import { openPage } from './page.js';

/**
 * Gives each test of the calling `describe` block (or file) a browser context of its own, so a
 * localStorage of its own, closed after the test. `browser` is read before each test, so it may
 * be launched by a `beforeAll`.
 */
export function useFreshContext(browser: () => Browser): { readonly context: BrowserContext } {
  let context: BrowserContext | undefined;
  beforeEach(async () => {
    context = await browser().newContext();
  });
  afterEach(async () => {
    await context?.close();
  });
  return {
    get context() {
      return context as BrowserContext;
    },
  };
}

/** A page served from loopback to headless Chromium: see {@link usePageInChromium}. */
export interface PageInChromium {
  /** The page's address, `http://127.0.0.1:<port>/page`. */
  readonly pageUrl: string;
  /** The uncaught errors of the pages opened during the current test. */
  readonly pageErrors: string[];
  /** Opens the page in a browser context of its own (a fresh localStorage). */
  openPage(): Promise<Page>;
}

/**
 * For the calling `describe` block (or file): serves `html` at `/page` with the scripts that
 * `scripts` gives (path → JavaScript; made once, in `beforeAll`), launches headless Chromium, and
 * closes both after the block's last test. Page errors are collected per test.
 */
export function usePageInChromium(html: string, scripts: () => Promise<Readonly<Record<string, string>>>): PageInChromium {
  let browser: Browser | undefined;
  let served: ServedPage | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    served = await servePage(html, await scripts());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });
  beforeEach(() => {
    pageErrors.length = 0;
  });
  return {
    get pageUrl() {
      return `${(served as ServedPage).origin}/page`;
    },
    pageErrors,
    openPage: () => openPage(browser as Browser, `${(served as ServedPage).origin}/page`, pageErrors),
  };
}
