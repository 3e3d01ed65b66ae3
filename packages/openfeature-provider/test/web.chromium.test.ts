/**
 * The web provider in headless Chromium, where pages use it: `@openfeature/web-sdk`, the provider
 * and `@vwo/browser` bundled for the page by esbuild (test/support/chromium-page.ts), over a
 * `launch` client and over an `init` client, both talking to the real collector on loopback
 * (settings fetched from it, events sent to it). For generated users, every answer the provider
 * gives through OpenFeature equals the client's own call for the same user in the same page; and
 * OpenFeature's `track` reaches the collector.
 */
import { createServer, type Server } from 'node:http';
import { type Collector, startCollector } from '@vwo/collector';
import { launchChromium, listenOnLoopback, requireChromium } from '@vwo/test-support';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, eventually, SDK_KEY, settingsFile } from './fixtures.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettingsFile } from './fme-fixtures.js';
import type { LegacyFlag, PageUser, ProviderPage } from './support/chromium-page.js';

requireChromium('the web provider Chromium tests');

const PAGE = '<!doctype html><meta charset="utf-8"><title>provider</title><script src="/page.js"></script>';

/** Users from a seeded generator, half of them on the `pro` plan (the segmented campaigns' custom variable). */
function generatedUsers(seed: number, count: number): PageUser[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => ({
    id: `visitor-${Math.floor(next() * 1e9).toString(36)}`,
    plan: next() < 0.5 ? 'pro' : 'free',
  }));
}

/** The legacy flags of fixtures.ts that every user gets an answer for: A/B variations, features and typed variables. */
const LEGACY_FLAGS: readonly LegacyFlag[] = [
  { campaignKey: 'K', kind: 'variation' },
  { campaignKey: 'SEG', kind: 'variation' },
  { campaignKey: 'FT', kind: 'feature' },
  { campaignKey: 'FT', kind: 'variable', variableKey: 'label', type: 'string' },
  { campaignKey: 'FT', kind: 'variable', variableKey: 'count', type: 'number' },
  { campaignKey: 'FT', kind: 'variable', variableKey: 'ratio', type: 'number' },
  { campaignKey: 'FT', kind: 'variable', variableKey: 'enabled', type: 'boolean' },
  { campaignKey: 'FT', kind: 'variable', variableKey: 'config', type: 'object' },
  { campaignKey: 'FR', kind: 'feature' },
  { campaignKey: 'FR', kind: 'variable', variableKey: 'results', type: 'number' },
  { campaignKey: 'ZERO', kind: 'variable', variableKey: 'count', type: 'number' },
  { campaignKey: 'ZERO', kind: 'variable', variableKey: 'label', type: 'string' },
  { campaignKey: 'ZERO', kind: 'variable', variableKey: 'on', type: 'boolean' },
  { campaignKey: 'LOW', kind: 'feature' },
  { campaignKey: 'PAUSED', kind: 'feature' },
];

/** The features of fme-fixtures.ts (their variables are compared too, found through `getFlag`). */
const FME_FEATURES = ['new-checkout', 'pro-tools', 'dark-mode', 'banner'];

describe('the web provider in headless Chromium', () => {
  let browser: Browser;
  let collector: Collector;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const bundled = await build({
      entryPoints: [new URL('./support/chromium-page.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
    });
    const script = bundled.outputFiles[0]?.text ?? '';
    // One collector serves both settings files (each for its own account and key) and records both wires.
    collector = await startCollector({ port: 0, host: '127.0.0.1', settings: [settingsFile(), fmeSettingsFile()] as never });
    server = createServer((req, res) => {
      const js = req.url === '/page.js';
      res.writeHead(js || req.url === '/page' ? 200 : 404, { 'content-type': js ? 'text/javascript' : 'text/html' });
      res.end(js ? script : PAGE);
    });
    origin = await listenOnLoopback(server);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/page`, { waitUntil: 'load' });
    return { page, errors };
  }

  it('over a launch client: every answer equals the client’s call for generated users, and track reaches the collector', async () => {
    collector.reset();
    const { page, errors } = await openPage();
    const users = generatedUsers(20261207, 24);
    const result = await page.evaluate(
      async ({ config, users, flags }) => {
        const outcome = await (globalThis as unknown as { providerPage: ProviderPage }).providerPage.compareLaunch(config, users, flags);
        // The last user is the context: REVENUE is a revenue goal of K, SEG and FT (`value` is the revenue).
        (globalThis as unknown as { providerPage: ProviderPage }).providerPage.track('REVENUE', { value: 42 });
        return outcome;
      },
      { config: { accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector.url }, users, flags: LEGACY_FLAGS },
    );
    expect(result.differences).toEqual([]);
    expect(result.compared).toBe(users.length * LEGACY_FLAGS.length);
    // The answers were not all defaults: both variations and both feature states occur.
    const stats = () => collector.stats();
    await eventually(() => Object.values(stats().campaigns).some((campaign) => (campaign.revenue['214'] ?? 0) > 0), 15_000);
    const revenue = Object.values(stats().campaigns).reduce((sum, campaign) => sum + (campaign.revenue['214'] ?? 0), 0);
    expect(revenue % 42).toBe(0);
    expect(stats().events.impressions).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('over an init client: every answer equals getFlag for generated users, and track reaches the collector as trackEvent', async () => {
    collector.reset();
    const { page, errors } = await openPage();
    const users = generatedUsers(7, 24);
    const result = await page.evaluate(
      async ({ config, users, features }) => {
        const { compared, differences } = await (globalThis as unknown as { providerPage: ProviderPage }).providerPage.compareInit(
          config,
          users,
          features,
        );
        (globalThis as unknown as { providerPage: ProviderPage }).providerPage.track('purchase', { value: 19.5, coupon: 'spring' });
        return { compared, differences };
      },
      { config: { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, proxyUrl: collector.url }, users, features: FME_FEATURES },
    );
    expect(result.differences).toEqual([]);
    // Each user's features and their variables: more than the features alone were compared.
    expect(result.compared).toBeGreaterThan(users.length * FME_FEATURES.length);
    await eventually(() => (collector.stats().fme.metrics.purchase?.conversions ?? 0) === 1, 15_000);
    // The details went along as the event's properties.
    const tracked = collector.received().filter((request) => request.params.en === 'purchase');
    expect(tracked).toHaveLength(1);
    expect(JSON.stringify(tracked[0]?.body)).toMatch(/"value":19\.5.*"coupon":"spring"|"coupon":"spring".*"value":19\.5/);
    expect(collector.stats().fme.events.impressions).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
