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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Collector, startCollector } from '@vwo/collector';
import type { EventRequest } from '@vwo/core';
import { bootstrapScript, createFmeBootstrap, type FmeClient, init as initOnServer } from '@vwo/node';
import { bundleForPage, launchChromium, listenOnLoopback, requireChromium } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fme-settings.js';

requireChromium('the @vwo/browser FME bootstrap Chromium test');

const VISITORS = 6;
const TIMED_RUNS = 5;

/** The page script: start (from the bootstrap when there is one), getFlag, show the flag's color. */
function pageScript(collectorUrl: string, userId: string): string {
  const config = JSON.stringify({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    proxyUrl: collectorUrl,
    userId,
    logger: { level: 'warn' },
  });
  return `<script>
const config = ${config};
const started = VWO.initFromBootstrap({ ...config, bootstrap: VWO.readBootstrap() });
window.source = started.source;
window.clientAtOnce = started.client !== null;
started.ready.then(async (vwo) => {
  const flag = await vwo.getFlag('hero', { id: config.userId });
  const color = String(flag.getVariable('color', 'none'));
  const hero = document.getElementById('hero');
  if (hero.textContent !== color) hero.textContent = color;
  window.shownAt ??= performance.now();
  window.clientColor = color;
  window.fme = vwo;
});
</script>`;
}

describe('server rendering with an FME bootstrap, in headless Chromium', () => {
  let browser: Browser;
  let collector: Collector;
  let server: Server;
  let origin: string;
  let serverClient: FmeClient;
  /** What the server's client sent while rendering pages: must stay empty. */
  const sentByServer: EventRequest[] = [];
  let rendering = false;
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];

  async function serverColor(userId: string): Promise<string> {
    const explained = await serverClient.explain('hero', { id: userId });
    return String(explained.variables.find((variable) => variable.key === 'color')?.value ?? 'none');
  }

  beforeAll(async () => {
    const sdk = await bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO', minify: true });
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

    async function render(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const url = new URL(req.url ?? '/', 'http://page');
      if (url.pathname === '/sdk.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(sdk);
        return;
      }
      const userId = url.searchParams.get('user') ?? 'nobody';
      const withBootstrap = url.pathname === '/ssr';
      rendering = true;
      // The server decides with explain, which sends nothing; the page's getFlag sends the one impression.
      const color = withBootstrap ? await serverColor(userId) : '';
      const bootstrap = withBootstrap
        ? bootstrapScript(createFmeBootstrap(serverClient.settings, { userId, featureKeys: ['hero'] }) as never)
        : '';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        // The SDK loads after the heading, as a page would place it: the server-rendered value is on screen before it.
        `<!doctype html><meta charset="utf-8"><title>hero</title><h1 id="hero">${color}</h1>` +
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
    await new Promise((resolve) => server?.close(resolve));
  });

  beforeEach(() => {
    collector.reset();
    pageErrors.length = 0;
    consoleLines.length = 0;
  });

  async function visit(path: '/ssr' | '/plain', userId: string) {
    // A fresh context: no localStorage from an earlier visit (no cached settings, no stored decision).
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => consoleLines.push(message.text()));
    const response = await page.goto(`${origin}${path}?user=${encodeURIComponent(userId)}`, { waitUntil: 'load' });
    const html = (await response?.text()) ?? '';
    await page.waitForFunction(() => window.clientColor !== undefined, undefined, { timeout: 15_000 });
    const seen = await page.evaluate(() => ({
      source: window.source,
      clientAtOnce: window.clientAtOnce,
      clientColor: window.clientColor,
      shown: document.getElementById('hero')?.textContent,
      shownAt: window.shownAt,
    }));
    // Every event had its attempt: close waits for them (the page would send the rest by beacon).
    await page.evaluate(() => window.fme.close());
    await context.close();
    return { html, ...seen };
  }

  it('renders the flag in the first HTML, the page shows the same, no settings fetch, one impression per visitor', async () => {
    const colors = new Set<string>();
    for (let i = 0; i < VISITORS; i++) {
      const userId = `fme-ssr-visitor-${i}`;
      const expected = await serverColor(userId);
      colors.add(expected);
      const seen = await visit('/ssr', userId);
      expect(seen.html).toContain(`<h1 id="hero">${expected}</h1>`);
      expect(seen.source).toBe('bootstrap');
      expect(seen.clientAtOnce).toBe(true);
      expect(seen.clientColor).toBe(expected);
      expect(seen.shown).toBe(expected);
    }
    expect(colors.size, 'the visitors see both variations').toBe(2);
    expect(sentByServer).toEqual([]);
    expect(collector.stats().requests.byEndpoint['v2-settings'] ?? 0).toBe(0);
    const impressions = collector.events().filter((event) => event.format === 'fme' && event.kind === 'impression');
    const perVisitor = new Map<string, number>();
    for (const event of impressions) perVisitor.set(event.uuid, (perVisitor.get(event.uuid) ?? 0) + 1);
    expect([...perVisitor.values()]).toEqual(Array(VISITORS).fill(1));
    expect(collector.stats().fme.events.impressions).toBe(VISITORS);
    expect(consoleLines.filter((line) => line.includes('bootstrap'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('measures navigation → flag value in the DOM, with the bootstrap and with a normal init', async () => {
    const times: Record<'/ssr' | '/plain', number[]> = { '/ssr': [], '/plain': [] };
    for (let run = 0; run < TIMED_RUNS; run++) {
      for (const path of ['/ssr', '/plain'] as const) {
        const seen = await visit(path, `fme-timed-${run}`);
        expect(seen.source).toBe(path === '/ssr' ? 'bootstrap' : 'init');
        times[path].push(seen.shownAt as number);
      }
    }
    // The normal page fetched the settings once per visit; the bootstrapped one never did.
    expect(collector.stats().requests.byEndpoint['v2-settings']).toBe(TIMED_RUNS);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const line = (path: '/ssr' | '/plain') =>
      `median ${median(times[path]).toFixed(1)} ms (runs: ${times[path].map((t) => t.toFixed(1)).join(', ')})`;
    console.log(`FME: navigation → flag value in the DOM, ${TIMED_RUNS} interleaved runs each:
  with the bootstrap (server-rendered): ${line('/ssr')}
  normal init (fetch, then render):     ${line('/plain')}`);
    expect(times['/ssr'].every((t) => t > 0)).toBe(true);
  });
});

declare global {
  interface Window {
    fme: import('../src/index.js').FmeClient;
    clientColor: string | undefined;
  }
}
