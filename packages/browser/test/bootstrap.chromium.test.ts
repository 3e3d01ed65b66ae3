/**
 * Server rendering without flicker, end to end: a Node HTTP server on loopback renders each
 * visitor's page with `@vwo/node` (the variation in the HTML, and the bootstrap), headless
 * Chromium loads it, and the page's `@vwo/browser` client starts from the bootstrap. Checked:
 * the first HTML already holds the variation, the page's client answers the same one, no
 * settings fetch happens, and the collector counts exactly one impression per visitor (the
 * server's `getVariationName` sends none). It also times navigation → variation in the DOM,
 * with the bootstrap and with a page that launches normally (fetch, then render), and prints it.
 */
import { type Collector, startCollector } from '@vwo/collector';
import { bootstrapScript, createBootstrap, launch as launchOnServer, type VWOClient } from '@vwo/node';
import { requireChromium } from '@vwo/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, abSettings, SDK_KEY } from './settings.js';
import { bootstrapPageScript, expectBootstrappedVisit, medianLine, timeBothPages, useRenderedPages } from './ssr-page-support.js';

requireChromium('the @vwo/browser bootstrap Chromium test');

const VISITORS = 6;
const TIMED_RUNS = 5;

/** The page script: start (from the bootstrap when there is one), activate, show the variation. */
function pageScript(collectorUrl: string, userId: string): string {
  return bootstrapPageScript({
    config: { accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl, userId, logLevel: 'warn' },
    start: 'launchFromBootstrap',
    answer: "await vwo.activate('hero', config.userId)",
    finish: 'vwo.flushEvents()',
  });
}

describe('server rendering with a bootstrap, in headless Chromium', () => {
  let collector: Collector;
  let serverClient: VWOClient;

  beforeAll(async () => {
    collector = await startCollector({ settings: abSettings() as never });
    serverClient = await launchOnServer({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector.url, logLevel: 'silent' });
  });

  afterAll(async () => {
    await serverClient?.close();
    await collector?.close();
  });

  beforeEach(() => collector.reset());

  const { log, visit } = useRenderedPages(async (path, userId) => {
    if (path === '/plain') return { hero: '', bootstrap: '', pageScript: pageScript(collector.url, userId) };
    // The server decides without an impression; the page's activate sends the only one.
    const variation = await serverClient.getVariationName('hero', userId);
    return {
      hero: variation ?? '',
      bootstrap: bootstrapScript(createBootstrap(serverClient.settings, { userId, campaignKeys: ['hero'] }) as never),
      pageScript: pageScript(collector.url, userId),
    };
  });

  it('renders the variation in the first HTML, the page shows the same one, no settings fetch, one impression per visitor', async () => {
    for (let i = 0; i < VISITORS; i++) {
      const userId = `ssr-visitor-${i}`;
      const expected = await serverClient.getVariationName('hero', userId);
      expectBootstrappedVisit(await visit('/ssr', userId), expected);
    }
    expect(collector.stats().requests.byEndpoint.settings ?? 0).toBe(0);
    expect(collector.stats().events).toMatchObject({ impressions: VISITORS, total: VISITORS });
    const perVisitor = new Map<string, number>();
    for (const request of collector.received())
      perVisitor.set(String(request.params.u), (perVisitor.get(String(request.params.u)) ?? 0) + 1);
    expect([...perVisitor.values()]).toEqual(Array(VISITORS).fill(1));
    expect(log.consoleLines.filter((line) => line.includes('bootstrap'))).toEqual([]);
    expect(log.pageErrors).toEqual([]);
  });

  it('measures navigation → variation in the DOM, with the bootstrap and with a normal launch', async () => {
    const times = await timeBothPages(TIMED_RUNS, async (path, run) => {
      const seen = await visit(path, `timed-${run}`);
      expect(seen.source).toBe(path === '/ssr' ? 'bootstrap' : 'launch');
      return seen;
    });
    // The normal page fetched the settings once per visit; the bootstrapped one never did.
    expect(collector.stats().requests.byEndpoint.settings).toBe(TIMED_RUNS);
    console.log(`navigation → variation in the DOM, ${TIMED_RUNS} interleaved runs each:
  with the bootstrap (server-rendered): ${medianLine(times['/ssr'])}
  normal launch (fetch, then render):   ${medianLine(times['/plain'])}`);
    expect(times['/ssr'].every((t) => t > 0)).toBe(true);
  });
});
