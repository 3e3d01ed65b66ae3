/**
 * `init` (VWO FME) in headless Chromium against the local collector, reached through `proxyUrl`:
 * decisions equal the core's in Node, each event reaches the collector once, unsent events
 * survive a reload in `localStorage`, `batchEventData` is ignored as 1.35.0's browser build, and the
 * settings are cached in `localStorage` for their `ttl`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Collector, startCollector } from '@vwo/collector';
import { createFmeClient, fmeLogger } from '@vwo/core';
import { bundleForPage, requireChromium, waitFor } from '@vwo/test-support';
import { usePageInChromium } from '@vwo/test-support/vitest';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fme-settings.js';

requireChromium('the @vwo/browser init Chromium tests');

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>fme</title><script src="/sdk.js"></script><script src="/ref.js"></script><p>page</p>';
/** vwo-fme-node-sdk 1.35.0's own browser build (global `vwoSdk`): the reference for the settings cache. */
// The file its `browser` export condition names, found beside the server build `require` resolves.
const REFERENCE = readFileSync(
  new URL('../client/vwo-fme-javascript-sdk.min.js', `file://${createRequire(import.meta.url).resolve('vwo-fme-node-sdk')}`),
  'utf8',
);

declare global {
  interface Window {
    fme: import('../src/index.js').FmeClient;
  }
}

describe('init of @vwo/browser in headless Chromium', () => {
  let collector: Collector;
  const { openPage, pageErrors } = usePageInChromium(PAGE, async () => ({
    '/sdk.js': await bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO' }),
    '/ref.js': REFERENCE,
  }));

  beforeAll(async () => {
    collector = await startCollector({ settings: fmeSettings() as never });
  });

  afterAll(async () => {
    await collector?.close();
  });

  beforeEach(() => {
    collector.reset();
  });

  async function initIn(page: Page, extra: Record<string, unknown> = {}): Promise<void> {
    await page.evaluate(
      async ({ proxyUrl, accountId, sdkKey, extra }) => {
        const VWO = (window as unknown as { VWO: typeof import('../src/index.js') }).VWO;
        window.fme = await VWO.init({
          accountId,
          sdkKey,
          proxyUrl,
          logger: { level: 'ERROR', transport: { log: () => undefined } },
          ...extra,
        });
      },
      { proxyUrl: collector.url, accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, extra },
    );
  }

  const fmeEvents = () => collector.stats().fme.events;

  it('decides as the core does in Node, and each impression and tracked event reaches the collector once', async () => {
    const page = await openPage();
    await initIn(page);
    const users = Array.from({ length: 20 }, (_, i) => `fme-visitor-${i}`);
    const inPage = await page.evaluate(async (ids) => {
      const colors: unknown[] = [];
      for (const id of ids) colors.push((await window.fme.getFlag('hero', { id })).getVariable('color', 'none'));
      await window.fme.trackEvent('purchase', { id: ids[0] as string }, { revenue: 12.5 });
      return colors;
    }, users);
    const node = createFmeClient({
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      settings: fmeSettings(),
      logger: fmeLogger({ transport: { log: () => undefined } }),
    });
    for (const [i, id] of users.entries()) expect(inPage[i]).toBe((await node.getFlag('hero', { id })).getVariable('color', 'none'));
    expect(new Set(inPage)).toEqual(new Set(['blue', 'green']));
    await waitFor('the collector', () => fmeEvents().impressions === 20 && fmeEvents().conversions === 1, 15_000);
    // Settle: nothing more arrives (no resend of a delivered event).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fmeEvents()).toMatchObject({ impressions: 20, conversions: 1 });
    expect(fmeEvents().byName.vwo_fmeSdkInit).toBe(1);
    expect(collector.stats().fme.metrics.purchase).toMatchObject({ conversions: 1, revenue: 12.5 });
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.includes(':fme-outbox:')))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('keeps events in localStorage while the collector is down, and the next page load delivers them once', async () => {
    const page = await openPage();
    await initIn(page); // The settings are fetched while the collector is up, then cached.
    collector.injectFaults([{ kind: 'drop', endpoints: 'events', forMs: 60_000 }]);
    await page.evaluate(async () => {
      await window.fme.getFlag('hero', { id: 'offline-1' });
      await window.fme.trackEvent('purchase', { id: 'offline-1' }, { revenue: 3 });
    });
    // Retries are seconds apart (1.35.0's 2, 4, 8 s): the entries are in the outbox from the first attempt.
    await page.waitForFunction(() => Object.keys(localStorage).filter((key) => key.includes(':fme-outbox:')).length >= 2, undefined, {
      timeout: 10_000,
    });
    expect(fmeEvents().impressions + fmeEvents().conversions).toBe(0);

    collector.injectFaults([]);
    await page.reload({ waitUntil: 'load' });
    await initIn(page);
    await waitFor('the collector', () => fmeEvents().impressions === 1 && fmeEvents().conversions === 1, 15_000);
    await page.waitForFunction(() => Object.keys(localStorage).every((key) => !key.includes(':fme-outbox:')), undefined, {
      timeout: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fmeEvents()).toMatchObject({ impressions: 1, conversions: 1 });
    await page.context().close();
  });

  it('ignores batchEventData as 1.35.0’s browser build: one info line, every event sent at once', async () => {
    const page = await openPage();
    const logged: string[] = [];
    page.on('console', (message) => logged.push(message.text()));
    await initIn(page, {
      batchEventData: { eventsPerRequest: 100, requestTimeInterval: 600 },
      // The default log goes to the page's console, where the test reads it.
      logger: { level: 'INFO' },
    });
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await window.fme.getFlag('hero', { id: `at-once-${i}` });
    });
    // Long before the 600 s interval and with the page still shown: nothing waited in a queue.
    await waitFor('the collector', () => fmeEvents().impressions === 5, 15_000);
    expect(collector.stats().requests.byEndpoint['batch-events-v2'] ?? 0).toBe(0);
    const notice =
      'Batch Events config passed in SDK configuration will not work as the gatewayService is already configured. Please check the documentation for more details';
    expect(logged.filter((line) => line.includes(notice))).toEqual([expect.stringContaining('[INFO]')]);
    await page.context().close();
  });

  it('caches the settings in localStorage (1.35.0’s vwo_fme_data) and uses them without a fetch until the ttl', async () => {
    const page = await openPage();
    await initIn(page);
    const fetches = () => collector.received().filter((request) => request.endpoint === 'v2-settings').length;
    expect(fetches()).toBe(1);
    const cached = await page.evaluate(() => JSON.parse(localStorage.getItem('vwo_fme_data') ?? '{}').vwo_fme_settings);
    expect(atob(cached.settings.sdkKey)).toBe(FME_SDK_KEY);
    expect(typeof cached.timestamp).toBe('number');
    await page.reload({ waitUntil: 'load' });
    collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'v2-settings', forMs: 60_000 }]);
    await initIn(page, { retryConfig: { shouldRetry: false } });
    const color = await page.evaluate(async () => (await window.fme.getFlag('hero', { id: 'cached-1' })).getVariable('color', 'none'));
    expect(['blue', 'green']).toContain(color);
    // An expired cache is fetched again (here refused): the flag is then off.
    await page.evaluate(() => {
      const data = JSON.parse(localStorage.getItem('vwo_fme_data') ?? '{}');
      data.vwo_fme_settings.timestamp -= 7_200_001;
      localStorage.setItem('vwo_fme_data', JSON.stringify(data));
    });
    await page.reload({ waitUntil: 'load' });
    await initIn(page, { retryConfig: { shouldRetry: false } });
    expect(await page.evaluate(async () => (await window.fme.getFlag('hero', { id: 'cached-2' })).isEnabled())).toBe(false);
    await page.context().close();
  });

  /** The `color` of `hero` for `id` from vwo-fme-node-sdk 1.35.0's browser build, inited in the page. */
  async function referenceColor(page: Page, id: string): Promise<unknown> {
    return page.evaluate(
      async ({ proxyUrl, accountId, sdkKey, id }) => {
        const ref = (
          window as unknown as {
            vwoSdk: {
              init(
                options: unknown,
              ): Promise<{ getFlag(key: string, context: unknown): Promise<{ getVariable(key: string, fallback: unknown): unknown }> }>;
            };
          }
        ).vwoSdk;
        const client = await ref.init({ accountId, sdkKey, proxyUrl, logger: { level: 'ERROR' }, retryConfig: { shouldRetry: false } });
        return (await client.getFlag('hero', { id })).getVariable('color', 'none');
      },
      { proxyUrl: collector.url, accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, id },
    );
  }

  it('reads the settings cache 1.35.0’s browser build writes, and writes one it reads', async () => {
    const refusing = [{ kind: 'status' as const, status: 503, endpoints: 'v2-settings' as const, forMs: 60_000 }];
    // 1.35.0 fetches and caches; with the collector refusing settings, this SDK decides from that cache.
    let page = await openPage();
    const fresh = await referenceColor(page, 'cache-1');
    expect(['blue', 'green']).toContain(fresh);
    await page.reload({ waitUntil: 'load' });
    collector.injectFaults(refusing);
    await initIn(page, { retryConfig: { shouldRetry: false } });
    expect(await page.evaluate(async () => (await window.fme.getFlag('hero', { id: 'cache-1' })).getVariable('color', 'none'))).toBe(fresh);
    await page.context().close();

    // And the other way round, in a new browser context (an empty localStorage).
    collector.injectFaults([]);
    page = await openPage();
    await initIn(page);
    const ours = await page.evaluate(async () => (await window.fme.getFlag('hero', { id: 'cache-2' })).getVariable('color', 'none'));
    await page.reload({ waitUntil: 'load' });
    collector.injectFaults(refusing);
    expect(await referenceColor(page, 'cache-2')).toBe(ours);
    await page.context().close();
  });

  it('rejects with a VWOConfigError naming a missing sdkKey', async () => {
    const page = await openPage();
    const field = await page.evaluate(async () => {
      const VWO = (window as unknown as { VWO: typeof import('../src/index.js') }).VWO;
      return VWO.init({ accountId: 1 } as never).then(
        () => 'resolved',
        (error: { field?: string }) => error.field,
      );
    });
    expect(field).toBe('sdkKey');
    await page.context().close();
  });
});
