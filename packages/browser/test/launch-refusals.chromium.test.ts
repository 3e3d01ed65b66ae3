/**
 * `launch` in a page runs @vwo/core's browser build (compact option checks and settings parser):
 * each bad option or settings file is refused there with a VWOConfigError naming the same field
 * or settings path as `launch` on the server build (Node), and a good one still launches.
 */

import { bundleForPage, requireChromium } from '@vwo/test-support';
import { usePageInChromium } from '@vwo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { launch as serverLaunch } from '../src/index.js';
import { abSettings } from './settings.js';

requireChromium('the @vwo/browser Chromium tests');

const PAGE = '<!doctype html><meta charset="utf-8"><title>sdk</title><script src="/sdk.js"></script><p>page</p>';

declare global {
  interface Window {
    VWO: typeof import('../src/index.js');
  }
}

const good = () => ({ settingsFile: abSettings(), logLevel: 'silent', isDevelopmentMode: true });
const campaign = (patch: Record<string, unknown>) => {
  const file = abSettings();
  const [first] = file.campaigns as Record<string, unknown>[];
  Object.assign(first as Record<string, unknown>, patch);
  return { ...good(), settingsFile: file };
};

/** JSON-safe configs (they cross into the page), each wrong in one way. */
const BAD_CONFIGS: Record<string, unknown>[] = [
  {},
  { accountId: 1 },
  { settingsFile: '{}' },
  { ...good(), accountId: '' },
  { ...good(), sdkKey: 5 },
  { ...good(), pollingInterval: 10 },
  { ...good(), settingsFile: { ...abSettings(), sdkKey: undefined }, pollingInterval: 60_000 },
  { ...good(), requestTimeout: 0 },
  { ...good(), logLevel: 'loud' },
  { ...good(), logger: { log: 1 } },
  { ...good(), batchEvents: { eventsPerRequest: 6000 } },
  { ...good(), goalTypeToTrack: 'FOO' },
  { ...good(), shouldTrackReturningUser: 'true' },
  { ...good(), isDevelopmentMode: false, transport: {} },
  { ...good(), userStorage: {} },
  { ...good(), collectorUrl: 'ftp://127.0.0.1' },
  { ...good(), maxPendingEvents: 1.5 },
  { ...good(), closeTimeout: -1 },
  { ...good(), persistEvents: 'yes' },
  { ...good(), settingsFile: { ...abSettings(), version: null } },
  { ...good(), settingsFile: { ...abSettings(), campaigns: 'none' } },
  { ...good(), settingsFile: { ...abSettings(), campaignGroups: { 230: 'one' } } },
  campaign({ percentTraffic: '50' }),
  campaign({ key: 5, id: null }),
  campaign({ variations: [null] }),
  campaign({ isMAB: 'yes' }),
];

describe('launch in Chromium (the browser build) refuses what launch in Node refuses', () => {
  const { openPage, pageErrors } = usePageInChromium(PAGE, async () => ({
    '/sdk.js': await bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO' }),
  }));

  it(`names the same field for ${BAD_CONFIGS.length} bad configs, and launches a good one`, async () => {
    const page = await openPage();
    const inPage = await page.evaluate(async (configs) => {
      const outcomes: string[][] = [];
      for (const config of configs) {
        const failure = await window.VWO.launch(config as never).then(
          async (vwo) => {
            await vwo.close();
            return { name: 'launched', field: '', message: '' };
          },
          (error: { name: string; field: string; message: string }) => error,
        );
        outcomes.push([`${failure.name} ${failure.field} ${failure.message.startsWith(`${failure.field}: `)}`, failure.message]);
      }
      return outcomes;
    }, BAD_CONFIGS);

    const inNode: string[] = [];
    for (const config of BAD_CONFIGS) {
      const failure = await serverLaunch(config as never).then(
        () => ({ name: 'launched', field: '' }),
        (error: { name: string; field: string }) => error,
      );
      inNode.push(`${failure.name} ${failure.field} true`);
    }
    expect(inPage.map(([outcome]) => outcome)).toEqual(inNode);
    // The page ran the browser build: its compact message for a bad log level, not the server's.
    expect(inPage[BAD_CONFIGS.findIndex((config) => config.logLevel === 'loud')]?.[1]).toBe(
      'logLevel: expected debug|info|warn|error|silent',
    );
    expect(inNode.every((outcome) => outcome.startsWith('VWOConfigError '))).toBe(true);

    const launched = await page.evaluate(async (config) => {
      const vwo = await window.VWO.launch(config as never);
      const variation = await vwo.getVariationName('hero', 'visitor-1');
      await vwo.close();
      return variation;
    }, good());
    expect(['Control', 'Variation-1']).toContain(launched);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
