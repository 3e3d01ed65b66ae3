/**
 * Server rendering without flicker for FME (`init`), end to end: a Node HTTP server on loopback
 * renders each visitor's page with `@vwo/node`'s `init` (`explain`: the flag's variable in the
 * HTML, and `createFmeBootstrap`), headless Chromium loads it, and the page's `@vwo/browser`
 * client starts from it with `initFromBootstrap` (events through `proxyUrl` to the collector).
 * Checked: the first HTML already holds the flag's value, the page's first `getFlag` answers the
 * same with no settings fetch before it (none at all), and the collector counts exactly one
 * impression per visitor, while the server's rendering sent nothing. It also times navigation →
 * value in the DOM, with the bootstrap and with a page that starts with `init` (fetch, then render).
 */
import { type Collector, startCollector } from '@vwo/collector';
import type { EventRequest } from '@vwo/core';
import { bootstrapScript, createFmeBootstrap, type FmeClient, init as initOnServer } from '@vwo/node';
import { requireChromium } from '@vwo/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fme-settings.js';
import { bootstrapPageScript, expectBootstrappedVisit, medianLine, timeBothPages, useRenderedPages } from './ssr-page-support.js';

requireChromium('the @vwo/browser FME bootstrap Chromium test');

const VISITORS = 6;
const TIMED_RUNS = 5;

/** The page script: start (from the bootstrap when there is one), getFlag, show the flag's color. */
function pageScript(collectorUrl: string, userId: string): string {
  return bootstrapPageScript({
    config: { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, proxyUrl: collectorUrl, userId, logger: { level: 'warn' } },
    start: 'initFromBootstrap',
    answer: "String((await vwo.getFlag('hero', { id: config.userId })).getVariable('color', 'none'))",
    // Every event had its attempt: close waits for them (the page would send the rest by beacon).
    finish: 'vwo.close()',
  });
}

describe('server rendering with an FME bootstrap, in headless Chromium', () => {
  let collector: Collector;
  let serverClient: FmeClient;
  /** What the server's client sent while rendering pages: must stay empty. */
  const sentByServer: EventRequest[] = [];
  let rendering = false;

  async function serverColor(userId: string): Promise<string> {
    const explained = await serverClient.explain('hero', { id: userId });
    return String(explained.variables.find((variable) => variable.key === 'color')?.value ?? 'none');
  }

  beforeAll(async () => {
    collector = await startCollector({ settings: fmeSettings() as never });
    serverClient = await initOnServer({
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      settings: fmeSettings(),
      transport: {
        send: async (request) => {
          if (rendering) sentByServer.push(request);
          return { status: 200, body: '' };
        },
      },
    });
  });

  afterAll(async () => {
    await serverClient?.close();
    await collector?.close();
  });

  beforeEach(() => collector.reset());

  const { log, visit } = useRenderedPages(async (path, userId) => {
    rendering = true;
    if (path === '/plain') return { hero: '', bootstrap: '', pageScript: pageScript(collector.url, userId) };
    // The server decides with explain, which sends nothing; the page's getFlag sends the one impression.
    return {
      hero: await serverColor(userId),
      bootstrap: bootstrapScript(createFmeBootstrap(serverClient.settings, { userId, featureKeys: ['hero'] }) as never),
      pageScript: pageScript(collector.url, userId),
    };
  });

  it('renders the flag in the first HTML, the page shows the same, no settings fetch, one impression per visitor', async () => {
    const colors = new Set<string>();
    for (let i = 0; i < VISITORS; i++) {
      const userId = `fme-ssr-visitor-${i}`;
      const expected = await serverColor(userId);
      colors.add(expected);
      expectBootstrappedVisit(await visit('/ssr', userId), expected);
    }
    expect(colors.size, 'the visitors see both variations').toBe(2);
    expect(sentByServer).toEqual([]);
    expect(collector.stats().requests.byEndpoint['v2-settings'] ?? 0).toBe(0);
    const impressions = collector.events().filter((event) => event.format === 'fme' && event.kind === 'impression');
    const perVisitor = new Map<string, number>();
    for (const event of impressions) perVisitor.set(event.uuid, (perVisitor.get(event.uuid) ?? 0) + 1);
    expect([...perVisitor.values()]).toEqual(Array(VISITORS).fill(1));
    expect(collector.stats().fme.events.impressions).toBe(VISITORS);
    expect(log.consoleLines.filter((line) => line.includes('bootstrap'))).toEqual([]);
    expect(log.pageErrors).toEqual([]);
  });

  it('measures navigation → flag value in the DOM, with the bootstrap and with a normal init', async () => {
    const times = await timeBothPages(TIMED_RUNS, async (path, run) => {
      const seen = await visit(path, `fme-timed-${run}`);
      expect(seen.source).toBe(path === '/ssr' ? 'bootstrap' : 'init');
      return seen;
    });
    // The normal page fetched the settings once per visit; the bootstrapped one never did.
    expect(collector.stats().requests.byEndpoint['v2-settings']).toBe(TIMED_RUNS);
    console.log(`FME: navigation → flag value in the DOM, ${TIMED_RUNS} interleaved runs each:
  with the bootstrap (server-rendered): ${medianLine(times['/ssr'])}
  normal init (fetch, then render):     ${medianLine(times['/plain'])}`);
    expect(times['/ssr'].every((t) => t > 0)).toBe(true);
  });
});
