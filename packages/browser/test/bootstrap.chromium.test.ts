/**
 * Server rendering without flicker, end to end: a Node HTTP server on loopback renders each
 * visitor's page with `@vwo/node` (the variation in the HTML, and the bootstrap), headless
 * Chromium loads it, and the page's `@vwo/browser` client starts from the bootstrap. Checked:
 * the first HTML already holds the variation, the page's client answers the same one, no
 * settings fetch happens, and the collector counts exactly one impression per visitor (the
 * server's `getVariationName` sends none). It also times navigation → variation in the DOM,
 * with the bootstrap and with a page that launches normally (fetch, then render), and prints it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Collector, startCollector } from '@vwo/collector';
import { bootstrapScript, createBootstrap, launch as launchOnServer, type VWOClient } from '@vwo/node';
import { bundleForPage, closeServer, launchChromium, listenOnLoopback, requireChromium } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, abSettings, SDK_KEY } from './settings.js';

requireChromium('the @vwo/browser bootstrap Chromium test');

const VISITORS = 6;
const TIMED_RUNS = 5;

/** The page script: start (from the bootstrap when there is one), activate, show the variation. */
function pageScript(collectorUrl: string, userId: string): string {
  const config = JSON.stringify({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl, userId, logLevel: 'warn' });
  return `<script>
const config = ${config};
const started = VWO.launchFromBootstrap({ ...config, bootstrap: VWO.readBootstrap() });
window.source = started.source;
window.clientAtOnce = started.client !== null;
started.ready.then(async (vwo) => {
  const variation = await vwo.activate('hero', config.userId);
  const hero = document.getElementById('hero');
  if (hero.textContent !== variation) hero.textContent = variation;
  window.shownAt ??= performance.now();
  window.clientVariation = variation;
  window.vwo = vwo;
});
</script>`;
}

describe('server rendering with a bootstrap, in headless Chromium', () => {
  let browser: Browser;
  let collector: Collector;
  let server: Server;
  let origin: string;
  let serverClient: VWOClient;
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    const sdk = await bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO', minify: true });
    collector = await startCollector({ settings: abSettings() as never });
    serverClient = await launchOnServer({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector.url, logLevel: 'silent' });

    async function render(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const url = new URL(req.url ?? '/', 'http://page');
      if (url.pathname === '/sdk.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(sdk);
        return;
      }
      const userId = url.searchParams.get('user') ?? 'nobody';
      const withBootstrap = url.pathname === '/ssr';
      // The server decides without an impression; the page's activate sends the only one.
      const variation = withBootstrap ? await serverClient.getVariationName('hero', userId) : null;
      const bootstrap = withBootstrap
        ? bootstrapScript(createBootstrap(serverClient.settings, { userId, campaignKeys: ['hero'] }) as never)
        : '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        // The SDK loads after the heading, as a page would place it: the server-rendered variation is on screen before it.
        `<!doctype html><meta charset="utf-8"><title>hero</title><h1 id="hero">${variation ?? ''}</h1>` +
          (withBootstrap ? '<script>window.shownAt = performance.now();</script>' : '') +
          bootstrap +
          '<script src="/sdk.js"></script>' +
          pageScript(collector.url, userId),
      );
    }
    server = createServer((req, res) => void render(req, res));
    origin = await listenOnLoopback(server);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await serverClient?.close();
    await collector?.close();
    await closeServer(server);
  });

  beforeEach(() => {
    collector.reset();
    pageErrors.length = 0;
    consoleLines.length = 0;
  });

  async function visit(path: '/ssr' | '/plain', userId: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => consoleLines.push(message.text()));
    const response = await page.goto(`${origin}${path}?user=${encodeURIComponent(userId)}`, { waitUntil: 'load' });
    const html = (await response?.text()) ?? '';
    await page.waitForFunction(() => window.clientVariation !== undefined, undefined, { timeout: 15_000 });
    const seen = await page.evaluate(() => ({
      source: window.source,
      clientAtOnce: window.clientAtOnce,
      clientVariation: window.clientVariation,
      shown: document.getElementById('hero')?.textContent,
      shownAt: window.shownAt,
    }));
    await page.evaluate(() => window.vwo.flushEvents());
    await context.close();
    return { html, ...seen };
  }

  it('renders the variation in the first HTML, the page shows the same one, no settings fetch, one impression per visitor', async () => {
    for (let i = 0; i < VISITORS; i++) {
      const userId = `ssr-visitor-${i}`;
      const expected = await serverClient.getVariationName('hero', userId);
      const seen = await visit('/ssr', userId);
      expect(seen.html).toContain(`<h1 id="hero">${expected}</h1>`);
      expect(seen.source).toBe('bootstrap');
      expect(seen.clientAtOnce).toBe(true);
      expect(seen.clientVariation).toBe(expected);
      expect(seen.shown).toBe(expected);
    }
    expect(collector.stats().requests.byEndpoint.settings ?? 0).toBe(0);
    expect(collector.stats().events).toMatchObject({ impressions: VISITORS, total: VISITORS });
    const perVisitor = new Map<string, number>();
    for (const request of collector.received())
      perVisitor.set(String(request.params.u), (perVisitor.get(String(request.params.u)) ?? 0) + 1);
    expect([...perVisitor.values()]).toEqual(Array(VISITORS).fill(1));
    expect(consoleLines.filter((line) => line.includes('bootstrap'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('measures navigation → variation in the DOM, with the bootstrap and with a normal launch', async () => {
    const times: Record<'/ssr' | '/plain', number[]> = { '/ssr': [], '/plain': [] };
    for (let run = 0; run < TIMED_RUNS; run++) {
      for (const path of ['/ssr', '/plain'] as const) {
        const seen = await visit(path, `timed-${run}`);
        expect(seen.source).toBe(path === '/ssr' ? 'bootstrap' : 'launch');
        times[path].push(seen.shownAt as number);
      }
    }
    // The normal page fetched the settings once per visit; the bootstrapped one never did.
    expect(collector.stats().requests.byEndpoint.settings).toBe(TIMED_RUNS);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const line = (path: '/ssr' | '/plain') =>
      `median ${median(times[path]).toFixed(1)} ms (runs: ${times[path].map((t) => t.toFixed(1)).join(', ')})`;
    console.log(`navigation → variation in the DOM, ${TIMED_RUNS} interleaved runs each:
  with the bootstrap (server-rendered): ${line('/ssr')}
  normal launch (fetch, then render):   ${line('/plain')}`);
    expect(times['/ssr'].every((t) => t > 0)).toBe(true);
  });
});

declare global {
  interface Window {
    VWO: typeof import('../src/index.js');
    vwo: import('../src/index.js').VWOClient;
    source: string;
    clientAtOnce: boolean;
    clientVariation: string | null | undefined;
    shownAt: number | undefined;
  }
}
