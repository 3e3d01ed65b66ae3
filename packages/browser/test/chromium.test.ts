import { type Collector, startCollector } from '@vwo/collector';
import { createClient, parseSettings } from '@vwo/core';
import { bundleForPage, requireChromium, waitFor } from '@vwo/test-support';
import { usePageInChromium } from '@vwo/test-support/vitest';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, abSettings, SDK_KEY } from './settings.js';

requireChromium('the @vwo/browser Chromium tests');

const PAGE = '<!doctype html><meta charset="utf-8"><title>sdk</title><script src="/sdk.js"></script><p>page</p>';

declare global {
  interface Window {
    VWO: typeof import('../src/index.js');
    vwo: import('../src/index.js').VWOClient;
  }
}

describe('@vwo/browser in headless Chromium', () => {
  let collector: Collector;
  const chromium = usePageInChromium(PAGE, async () => ({
    '/sdk.js': await bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO' }),
  }));
  const { openPage, pageErrors } = chromium;

  beforeAll(async () => {
    collector = await startCollector({ settings: abSettings() as never });
  });

  afterAll(async () => {
    await collector?.close();
  });

  beforeEach(() => {
    collector.reset();
  });

  async function launchIn(page: Page, extra: Record<string, unknown> = {}): Promise<void> {
    await page.evaluate(
      async ({ collectorUrl, accountId, sdkKey, extra }) => {
        window.vwo = await window.VWO.launch({ accountId, sdkKey, collectorUrl, logLevel: 'silent', ...extra });
      },
      { collectorUrl: collector.url, accountId: ACCOUNT_ID, sdkKey: SDK_KEY, extra },
    );
  }

  it.each([
    ['by default, without event ids (1.73.0’s wire)', {}],
    ['with eventIds: true, each with an id of its own', { eventIds: true }],
  ])('decides as the core does in Node, and every event reaches the collector %s', async (_, options: { eventIds?: boolean }) => {
    const page = await openPage();
    await launchIn(page, options);
    const users = Array.from({ length: 40 }, (_, i) => `visitor-${i}`);
    const inPage = await page.evaluate(async (ids) => {
      const out: Array<string | null> = [];
      for (const id of ids) out.push(await window.vwo.activate('hero', id));
      await window.vwo.track('hero', ids[0] as string, 'purchase', { revenueValue: 12.5 });
      return out;
    }, users);
    const parsed = parseSettings(abSettings());
    if (!parsed.ok) throw parsed.error;
    const node = createClient({ settings: parsed.settings, isDevelopmentMode: true, logLevel: 'silent' });
    for (const [i, user] of users.entries()) expect(inPage[i]).toBe(await node.getVariationName('hero', user));
    await waitFor('the collector', () => collector.stats().events.total === 41, 15_000);
    expect(collector.stats().events).toMatchObject({ impressions: 40, conversions: 1 });
    expect(collector.stats().duplicates).toBe(0);
    const ids = collector
      .received()
      .filter((request) => request.endpoint !== 'settings')
      .map((request) => request.params.eid);
    expect(ids).toHaveLength(41);
    if (options.eventIds) {
      expect(ids.every((id) => typeof id === 'string' && /^[0-9a-z]+\.[0-9a-z]+$/.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(41);
    } else {
      expect(ids.every((id) => id === undefined)).toBe(true);
    }
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('keeps events in localStorage while the collector is down, and the next page load delivers them once', async () => {
    collector.injectFaults([{ kind: 'drop', endpoints: 'events', forMs: 60_000 }]);
    const page = await openPage();
    await launchIn(page, { retry: { retries: 1, baseDelayMs: 50, jitter: 0 } });
    await page.evaluate(async () => {
      await window.vwo.activate('hero', 'offline-1');
      await window.vwo.activate('hero', 'offline-2');
      await window.vwo.track('hero', 'offline-1', 'signup');
    });
    // Both attempts of each request fail (connection dropped); the entries stay.
    await page.waitForFunction(() => window.vwo.eventStats().pending === 0, undefined, { timeout: 15_000 });
    const kept = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('vwo:outbox:')).length);
    expect(kept).toBe(3);
    expect(collector.stats().events.total).toBe(0);

    collector.injectFaults([]);
    await page.reload({ waitUntil: 'load' });
    await launchIn(page);
    await waitFor('the collector', () => collector.stats().events.total === 3, 15_000);
    await page.waitForFunction(() => Object.keys(localStorage).every((key) => !key.startsWith('vwo:outbox:')), undefined, {
      timeout: 15_000,
    });
    expect(collector.stats().events).toMatchObject({ impressions: 2, conversions: 1 });
    expect(collector.stats().duplicates).toBe(0);
    await page.context().close();
  });

  it('sends the batch queue when the page is left (pagehide), long before its interval', async () => {
    const page = await openPage();
    await launchIn(page, { batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 } });
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await window.vwo.activate('hero', `leaving-${i}`);
    });
    expect(collector.stats().events.total).toBe(0);
    await page.goto('about:blank');
    await waitFor('the collector', () => collector.stats().events.total === 5, 15_000);
    expect(collector.stats().events.byVia.batch).toBe(5);
    // Handed to the browser while leaving, the batch counts as delivered: nothing is left in
    // the outbox for the next visit to send again.
    await page.goto(chromium.pageUrl, { waitUntil: 'load' });
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('vwo:outbox:')))).toEqual([]);
    await launchIn(page);
    await page.evaluate(() => window.vwo.flushEvents());
    expect(collector.stats().requests.byEndpoint['batch-events']).toBe(1);
    expect(collector.stats().duplicates).toBe(0);
    await page.context().close();
  });

  it('while the collector is down, a retry waiting for its back-off goes out at once when the page is hidden', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'events', count: 1 }]);
    const page = await openPage();
    await launchIn(page, { retry: { retries: 3, baseDelayMs: 60_000, jitter: 0 } });
    await page.evaluate(() => window.vwo.activate('hero', 'hidden-1'));
    await page.waitForFunction(() => window.vwo.eventStats().retried === 0 && window.vwo.eventStats().pending === 1);
    // Headless Chromium cannot hide a tab on demand: the test reports the page as hidden and
    // fires the event a real tab switch fires. Everything after it (the flush, the beacon
    // transport, the request) is real.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor('the collector', () => collector.stats().events.total === 1, 5_000);
    // The collector records the request before it answers: wait for the page to read the answer.
    await page.waitForFunction(() => window.vwo.eventStats().pending === 0, undefined, { timeout: 5_000 });
    expect(await page.evaluate(() => window.vwo.eventStats())).toMatchObject({ sent: 1, retried: 1, pending: 0 });
    await page.context().close();
  });
});
