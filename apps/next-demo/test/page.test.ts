/**
 * The Next.js page end to end: `next start` (built by the global setup) on loopback, the
 * collector on loopback serving settings.json, headless Chromium visiting as several visitors.
 * Checked per visitor: the first response's HTML already holds the variation and the bootstrap;
 * the headline never changes while the page loads and hydrates (no flicker); after hydration the
 * page's client, started from the bootstrap, shows the same variation. Checked at the end: the
 * collector counted exactly one impression per visitor, of the right variation, and no settings
 * request came from any page.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Collector, startCollector } from '@vwo/collector';
import { decide, decideFlag, parseFmeSettings, parseSettings, visitorUuid } from '@vwo/core';
import { freeLoopbackPort, launchChromium, requireChromium } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, CAMPAIGN_KEY, FEATURE_KEY, FME_SDK_KEY, HEADLINES } from '../app/config.js';
import { runNext } from './next-bin.js';

requireChromium('the Next.js demo end-to-end test');

const SETTINGS_FILE = JSON.parse(readFileSync(new URL('../settings.json', import.meta.url), 'utf8')) as {
  campaigns: Array<{ id: number; variations: Array<{ id: number; name: string }> }>;
};
const CAMPAIGN = SETTINGS_FILE.campaigns[0]!;
/** The FME environment the `/fme` page uses: the same account, its own SDK key. */
const FME_SETTINGS_FILE = JSON.parse(readFileSync(new URL('../fme-settings.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const VISITORS = 8;
/** Every other visitor is named by the `visitor` cookie instead of the `user` query parameter. */
const byCookie = (i: number) => i % 2 === 1;

/** The variation @vwo/core decides for this visitor from settings.json: what the page must show. */
function expectedVariation(userId: string): string {
  const parsed = parseSettings(SETTINGS_FILE);
  if (!parsed.ok) throw new Error(`settings.json: ${parsed.error.message}`);
  const name = decide(parsed.settings, CAMPAIGN_KEY, userId).variationName;
  if (typeof name !== 'string') throw new Error(`${userId} is not in the campaign`);
  return name;
}

/** The headline and variation @vwo/core's `decideFlag` gives this visitor from fme-settings.json: what the `/fme` page must show. */
function expectedFlag(userId: string): { headline: string; variationId: unknown } {
  const parsed = parseFmeSettings(FME_SETTINGS_FILE);
  if (!parsed.ok) throw new Error(`fme-settings.json: ${JSON.stringify(parsed.issues)}`);
  const decision = decideFlag(parsed.settings, FEATURE_KEY, { id: userId });
  const headline = decision.variables.find((variable) => variable.key === 'headline')?.value;
  if (!decision.enabled || typeof headline !== 'string') throw new Error(`${userId} gets no headline`);
  return { headline, variationId: decision.experiment?.variationId };
}

/** Polls the server until it answers (bounded: 30 s). */
async function waitForServer(origin: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}:\n${output()}`);
    try {
      await fetch(`${origin}/?user=warm-up`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`next start did not answer within 30 s:\n${output()}`);
}

describe('the Next.js page renders the variation on the server and hydrates from the bootstrap', () => {
  let collector: Collector;
  let server: ChildProcess;
  let browser: Browser;
  let origin: string;
  let serverOutput = '';

  beforeAll(async () => {
    collector = await startCollector({ settings: [SETTINGS_FILE, FME_SETTINGS_FILE] as never });
    const port = await freeLoopbackPort();
    origin = `http://127.0.0.1:${port}`;
    server = runNext(['start', '--hostname', '127.0.0.1', '--port', String(port)], { VWO_COLLECTOR_URL: collector.url });
    server.stdout?.on('data', (chunk) => {
      serverOutput += chunk;
    });
    server.stderr?.on('data', (chunk) => {
      serverOutput += chunk;
    });
    // The first page request launches the server's client, which fetches the settings once:
    // that fetch is the server's, so it happens (and is forgotten) before the visitors come.
    await waitForServer(origin, server, () => serverOutput);
    // The same for the server's FME client (its settings fetch and its own init event).
    await fetch(`${origin}/fme?user=warm-up`);
    collector.reset();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await collector?.close();
  });

  /**
   * Opens `path` as visitor `i` in a fresh context (named by the query parameter or the cookie),
   * collecting page errors, failed responses and console errors or warnings, and every value the
   * element `#elementId` ever shows (one value means no flicker).
   */
  async function open(i: number, path: '/' | '/fme', elementId: string, prefix: string) {
    const userId = `${prefix}-${i}`;
    const context = await browser.newContext();
    if (byCookie(i)) await context.addCookies([{ name: 'visitor', value: userId, url: origin }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
    });
    page.on('console', (message) => {
      // A failed response is reported above, with its URL.
      if (message.text().startsWith('Failed to load resource')) return;
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    // Every headline the page ever shows, from the parser's first insertion on: one value means no flicker.
    await page.addInitScript((id) => {
      const shown: string[] = [];
      (window as unknown as { heroShown: string[] }).heroShown = shown;
      const note = () => {
        const hero = document.getElementById(id);
        if (!hero) return;
        const now = `${hero.dataset.variation ?? ''}|${hero.textContent}`;
        if (shown[shown.length - 1] !== now) shown.push(now);
      };
      new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    }, elementId);
    const query = byCookie(i) ? '' : `?user=${encodeURIComponent(userId)}`;
    const response = await page.goto(`${origin}${path}${query}`, { waitUntil: 'load' });
    const html = (await response?.text()) ?? '';
    await page.locator(`#${elementId}[data-hydrated="yes"]`).waitFor({ timeout: 20_000 });
    return { userId, context, page, html, problems };
  }

  async function visit(i: number) {
    const { userId, context, page, html, problems } = await open(i, '/', 'hero', 'next-visitor');
    const seen = await page.evaluate(() => ({
      source: window.vwoPage?.source,
      clientAtOnce: window.vwoPage?.clientAtOnce,
      clientVariation: window.vwoPage?.clientVariation,
      shownVariation: document.getElementById('hero')?.dataset.variation,
      shownText: document.getElementById('hero')?.textContent,
      heroShown: (window as unknown as { heroShown: string[] }).heroShown,
    }));
    // Send what the page's client queued now, rather than on page hide.
    await page.evaluate(() => window.vwoPage?.client?.flushEvents());
    await context.close();
    return { userId, html, problems, ...seen };
  }

  it('shows each visitor one variation from the first byte on, and the collector counts one impression each', async () => {
    const started = performance.now();
    const expectedByVisitor = new Map<string, string>();
    for (let i = 0; i < VISITORS; i++) {
      const seen = await visit(i);
      const expected = expectedVariation(seen.userId);
      const headline = HEADLINES[expected];
      expectedByVisitor.set(seen.userId, expected);
      // The first response, before any script ran: the variation, its headline, and the bootstrap for this visitor.
      expect(seen.html).toMatch(new RegExp(`<h1 id="hero" data-variation="${expected}" data-hydrated="no">${headline}</h1>`));
      expect(seen.html).toContain('<script type="application/json" id="vwo-bootstrap">');
      expect(seen.html).toContain(`"userId":"${seen.userId}"`);
      // Hydrated: the page's client started from the bootstrap, at once, and decided the same.
      expect(seen.source).toBe('bootstrap');
      expect(seen.clientAtOnce).toBe(true);
      expect(seen.clientVariation).toBe(expected);
      expect(seen.shownVariation).toBe(expected);
      expect(seen.shownText).toBe(headline);
      // No flicker: the only headline ever in the DOM is the visitor's. The parser may insert the
      // element before its text (`Control|`, seen on CI): that is the same variation, not a swap.
      expect(seen.heroShown.filter((entry) => entry !== `${expected}|`)).toEqual([`${expected}|${headline}`]);
      // No hydration mismatch, no "bootstrap not used" warning, no error.
      expect(seen.problems).toEqual([]);
    }
    // Both variations were shown: the check above would catch a page that always renders one.
    expect(new Set(expectedByVisitor.values())).toEqual(new Set(CAMPAIGN.variations.map((v) => v.name)));

    const stats = collector.stats();
    expect(stats.requests.byEndpoint.settings ?? 0).toBe(0);
    expect(stats.events).toMatchObject({ impressions: VISITORS, total: VISITORS });
    for (const [userId, expected] of expectedByVisitor) {
      const impressions = collector
        .events()
        .filter((e) => e.kind === 'impression' && e.uuid === visitorUuid(ACCOUNT_ID, userId))
        .map((e) => ({ campaignId: e.campaignId, variationId: e.variationId }));
      const variationId = CAMPAIGN.variations.find((v) => v.name === expected)?.id;
      expect(impressions, userId).toEqual([{ campaignId: CAMPAIGN.id, variationId }]);
    }
    expect(serverOutput).not.toMatch(/error/i);
    console.log(`${VISITORS} visitors through next start and Chromium: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
  it('FME (/fme): each visitor sees the flag from the first byte on, the page needs no settings fetch, one impression each', async () => {
    const started = performance.now();
    const expectedByVisitor = new Map<string, { headline: string; variationId: unknown }>();
    for (let i = 0; i < VISITORS; i++) {
      const { userId, context, page, html, problems } = await open(i, '/fme', 'banner', 'next-fme-visitor');
      const seen = await page.evaluate(() => ({
        source: window.vwoFmePage?.source,
        clientAtOnce: window.vwoFmePage?.clientAtOnce,
        clientHeadline: window.vwoFmePage?.clientHeadline,
        shownText: document.getElementById('banner')?.textContent,
        shown: (window as unknown as { heroShown: string[] }).heroShown,
      }));
      // Every event had its attempt before the context goes (the page would send the rest by beacon).
      await page.evaluate(() => window.vwoFmePage?.client?.close());
      await context.close();
      const expected = expectedFlag(userId);
      expectedByVisitor.set(userId, expected);
      // The first response, before any script ran: the flag's headline and the bootstrap for this visitor.
      expect(html).toContain(`<h1 id="banner" data-hydrated="no">${expected.headline}</h1>`);
      expect(html).toContain('<script type="application/json" id="vwo-bootstrap">');
      expect(html).toContain(`"sdk":"init","accountId":${ACCOUNT_ID},"userId":"${userId}"`);
      // Hydrated: the page's client started from the bootstrap, at once, and getFlag answered the same.
      expect(seen.source).toBe('bootstrap');
      expect(seen.clientAtOnce).toBe(true);
      expect(seen.clientHeadline).toBe(expected.headline);
      expect(seen.shownText).toBe(expected.headline);
      // No flicker: the only headline ever in the DOM is the visitor's (the parser may insert the element before its text).
      expect(seen.shown.filter((entry) => entry !== '|')).toEqual([`|${expected.headline}`]);
      expect(problems).toEqual([]);
    }
    expect(new Set([...expectedByVisitor.values()].map((flag) => flag.headline)).size, 'both variations were shown').toBe(2);

    const stats = collector.stats();
    expect(stats.requests.byEndpoint['v2-settings'] ?? 0).toBe(0);
    expect(stats.fme.events.impressions).toBe(VISITORS);
    for (const [userId, expected] of expectedByVisitor) {
      const impressions = collector
        .events()
        .filter((e) => e.format === 'fme' && e.kind === 'impression' && e.env === FME_SDK_KEY && e.uuid === visitorUuid(ACCOUNT_ID, userId))
        .map((e) => ({ campaignId: e.campaignId, variationId: e.variationId }));
      expect(impressions, userId).toEqual([{ campaignId: 821, variationId: expected.variationId }]);
    }
    expect(serverOutput).not.toMatch(/error/i);
    console.log(`${VISITORS} FME visitors through next start and Chromium: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
});
