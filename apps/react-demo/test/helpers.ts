import { readFileSync } from 'node:fs';
import { type CollectedEvent, type Collector, startCollector } from '@vwo/collector';
import { decide, decideFlag, type FmeSettings, parseFmeSettings, parseSettings, type Settings, visitorUuid } from '@vwo/core';
import { launchChromium, requireChromium } from '@vwo/test-support';
import { useFreshContext } from '@vwo/test-support/vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { CAMPAIGN_KEY, FEATURE_KEY } from '../src/config.js';

const readJson = (name: string) => JSON.parse(readFileSync(new URL(`../${name}`, import.meta.url), 'utf8'));

/** The two settings files the collector serves: FullStack (`launch`) and FME. */
export const LEGACY_FILE = readJson('settings.json') as {
  accountId: number;
  sdkKey: string;
  campaigns: Array<{ id: number; goals: Array<{ id: number }>; variations: Array<{ id: number; name: string }> }>;
};
export const FME_FILE = readJson('fme-settings.json') as { accountId: number; sdkKey: string; campaigns: Array<{ id: number }> };
export const CAMPAIGN_ID = LEGACY_FILE.campaigns[0]!.id;
export const GOAL_ID = LEGACY_FILE.campaigns[0]!.goals[0]!.id;
/** The id of a variation of the legacy campaign, by name. */
export function variationId(name: string): number {
  return LEGACY_FILE.campaigns[0]!.variations.find((v) => v.name === name)!.id;
}
/** The FME feature's rollout and A/B test campaigns: a visitor's first evaluation sends one impression for each. */
export const FME_CAMPAIGN_IDS = FME_FILE.campaigns.map((c) => c.id);

function parsedLegacy(): Settings {
  const parsed = parseSettings(LEGACY_FILE);
  if (!parsed.ok) throw new Error(`settings.json: ${parsed.error.message}`);
  return parsed.settings;
}
function parsedFme(): FmeSettings {
  const parsed = parseFmeSettings(FME_FILE);
  if (!parsed.ok) throw new Error(`fme-settings.json: ${JSON.stringify(parsed)}`);
  return parsed.settings;
}
const LEGACY = parsedLegacy();
const FME = parsedFme();

/** What the page must show for this user, computed in Node by @vwo/core's engines. */
export interface Expected {
  readonly variation: string;
  readonly layout: string;
}

export function expectedFor(userId: string): Expected {
  const variation = decide(LEGACY, CAMPAIGN_KEY, userId).variationName;
  const flag = decideFlag(FME, FEATURE_KEY, { id: userId });
  const layout = flag.variables.find((v) => v.key === 'layout')?.value;
  if (typeof variation !== 'string' || !flag.enabled || typeof layout !== 'string') throw new Error(`${userId} is not in the test`);
  return { variation, layout };
}

/** The first id `<tag>-<n>` that core puts in this variation and layout. */
export function userWith(expected: Expected, tag: string): string {
  for (let n = 0; n < 1000; n++) {
    const id = `${tag}-${n}`;
    const got = expectedFor(id);
    if (got.variation === expected.variation && got.layout === expected.layout) return id;
  }
  throw new Error(`no user found for ${JSON.stringify(expected)}`);
}

/** The collector's events of one user (legacy and FME uuids are the same function of account and id). */
export function eventsOf(collector: Collector, userId: string, kind: CollectedEvent['kind']): CollectedEvent[] {
  const uuid = visitorUuid(LEGACY_FILE.accountId, userId);
  return collector.events().filter((e) => e.uuid === uuid && e.kind === kind);
}

/** Impressions per campaign id of one user, legacy and FME apart. */
export function impressionsOf(collector: Collector, userId: string): { legacy: Record<number, number>; fme: Record<number, number> } {
  const counts = { legacy: {} as Record<number, number>, fme: {} as Record<number, number> };
  for (const e of eventsOf(collector, userId, 'impression')) {
    const byCampaign = counts[e.format];
    byCampaign[e.campaignId ?? 0] = (byCampaign[e.campaignId ?? 0] ?? 0) + 1;
  }
  return counts;
}

/** One impression of the legacy campaign and one of each FME rule's campaign. */
export const ONE_EACH = {
  legacy: { [CAMPAIGN_ID]: 1 },
  fme: Object.fromEntries(FME_CAMPAIGN_IDS.map((id) => [id, 1])),
};

export { sleep, waitFor as waitUntil } from '@vwo/test-support';

/** What the page shows: both providers' status and answers. */
export async function shown(page: Page) {
  const legacy = page.getByTestId('legacy');
  const fme = page.getByTestId('fme');
  return {
    legacyStatus: await legacy.getAttribute('data-status'),
    variation: await legacy.getAttribute('data-variation'),
    fmeStatus: await fme.getAttribute('data-status'),
    enabled: await fme.getAttribute('data-enabled'),
    layout: await fme.getAttribute('data-layout'),
  };
}

/** Waits until both providers are ready and the page shows `expected`. */
export async function waitForShown(page: Page, expected: Expected): Promise<void> {
  try {
    await page.locator(`[data-testid="legacy"][data-status="READY"][data-variation="${expected.variation}"]`).waitFor({ timeout: 15_000 });
    await page
      .locator(`[data-testid="fme"][data-status="READY"][data-enabled="true"][data-layout="${expected.layout}"]`)
      .waitFor({ timeout: 15_000 });
  } catch (error) {
    throw new Error(`the page did not show ${JSON.stringify(expected)} : ${JSON.stringify(await shown(page))}`, { cause: error });
  }
}

/** A collector serving both settings files and a Chromium, for one test file; a fresh browser context per test. */
export function useHarness(): {
  readonly collector: Collector;
  readonly context: BrowserContext;
  url(visitor: string, user: string): string;
} {
  requireChromium('the React demo end-to-end tests');
  let collector: Collector | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    collector = await startCollector({ settings: [LEGACY_FILE, FME_FILE] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), collector?.close()]);
  });
  const fresh = useFreshContext(() => browser as Browser);
  return {
    get collector() {
      return collector as Collector;
    },
    get context() {
      return fresh.context;
    },
    url: (visitor, user) =>
      `${inject('siteUrl')}/?collector=${(collector as Collector).url}&account=${LEGACY_FILE.accountId}` +
      `&sdkKey=${LEGACY_FILE.sdkKey}&fmeSdkKey=${FME_FILE.sdkKey}&visitor=${visitor}&user=${user}`,
  };
}
