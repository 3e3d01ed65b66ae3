import type { Browser, Page } from 'playwright-core';

/** Opens `url` in a browser context of its own (a fresh localStorage), adding the page's uncaught errors to `errors`. */
export async function openPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url, { waitUntil: 'load' });
  return page;
}
