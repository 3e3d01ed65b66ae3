import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CollectedEvent, type Collector, startCollector } from '@vwo/collector';
import { decide, parseSettings, type Settings, visitorUuid } from '@vwo/core';
import { launchChromium, requireChromium } from '@vwo/test-support';
import { useFreshContext } from '@vwo/test-support/vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { type StaticServer, serveStatic } from '../scripts/static-server.mjs';
import { CAMPAIGN_KEY } from '../src/config.js';
import { VISITOR_KEY } from '../src/visitor.js';

export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The demo's settings file, as the collector serves it. */
export const SETTINGS_FILE = JSON.parse(readFileSync(join(APP_DIR, 'settings.json'), 'utf8')) as {
  accountId: number;
  sdkKey: string;
  campaigns: Array<{
    id: number;
    key: string;
    goals: Array<{ id: number; identifier: string; type: string }>;
    variations: Array<{ id: number; name: string; weight: number }>;
  }>;
};

/** The FME page's settings file (`fme-settings.json`), served beside the legacy one. */
export const FME_SETTINGS_FILE = JSON.parse(readFileSync(join(APP_DIR, 'fme-settings.json'), 'utf8')) as Record<string, unknown> & {
  accountId: number;
  sdkKey: string;
};

const parsed = parseSettings(SETTINGS_FILE);
if (!parsed.ok) throw new Error(`settings.json: ${parsed.error.message}`);
export const SETTINGS: Settings = parsed.settings;
export const CAMPAIGN = SETTINGS_FILE.campaigns.find((c) => c.key === CAMPAIGN_KEY)!;

export function goalId(identifier: string): number {
  return CAMPAIGN.goals.find((g) => g.identifier === identifier)!.id;
}

/** What @vwo/core decides in Node for this visitor: the variation the page must show. */
export function expectedVariation(visitorId: string): { name: string; id: number } {
  const name = decide(SETTINGS, CAMPAIGN_KEY, visitorId).variationName;
  const variation = CAMPAIGN.variations.find((v) => v.name === name);
  if (!variation) throw new Error(`core put ${visitorId} in no variation (${String(name)})`);
  return variation;
}

/** The first visitor id of the form `e2e-<tag>-<n>` that core puts in `variationName`. */
export function visitorIn(variationName: string, tag: string): string {
  for (let n = 0; n < 1000; n++) {
    const id = `e2e-${tag}-${n}`;
    if (expectedVariation(id).name === variationName) return id;
  }
  throw new Error(`no visitor found for ${variationName}`);
}

/** The visitor UUID VWO knows the visitor by (the `u` of every event). */
export function uuidOf(visitorId: string): string {
  return visitorUuid(SETTINGS_FILE.accountId, visitorId);
}

/** The collector's events of one visitor: every test has visitors of its own. */
export function eventsOf(collector: Collector, visitorId: string): CollectedEvent[] {
  const uuid = uuidOf(visitorId);
  return collector.events().filter((e) => e.uuid === uuid);
}

export { sleep, waitFor, withTimeout } from '@vwo/test-support';

/** The page's address for a collector, with extra query parameters (`batch=1`). */
export function pageUrl(siteUrl: string, collector: Collector, extra = ''): string {
  return `${siteUrl}/?collector=${collector.url}&account=${SETTINGS_FILE.accountId}&sdkKey=${SETTINGS_FILE.sdkKey}${extra}`;
}

/** Starts every page of `context` with this visitor id already in localStorage, as a returning visitor's. */
export async function seedVisitor(context: BrowserContext, visitorId: string): Promise<void> {
  await context.addInitScript(
    ([key, id]) => {
      if (!localStorage.getItem(key)) localStorage.setItem(key, id);
    },
    [VISITOR_KEY, visitorId] as const,
  );
}

/** Waits until the page has launched the SDK and shown its variation; fails with what the page says otherwise. */
export async function waitUntilReady(page: Page): Promise<void> {
  const status = page.getByTestId('status');
  try {
    await page.locator('[data-testid="status"][data-state="ready"]').waitFor({ timeout: 15_000 });
  } catch (error) {
    throw new Error(`the page did not get ready: ${await status.textContent().catch(() => '(no status)')}`, { cause: error });
  }
}

export interface Shown {
  readonly visitorId: string;
  readonly variation: string;
  readonly className: string;
  readonly background: string;
}

/** What the visitor sees: their id, the variation's name and look. */
export async function shown(page: Page): Promise<Shown> {
  const banner = page.getByTestId('variation');
  return {
    visitorId: (await page.getByTestId('visitor-id').textContent()) ?? '',
    variation: (await banner.getAttribute('data-variation')) ?? '',
    className: (await banner.getAttribute('class')) ?? '',
    background: await banner.evaluate((element) => getComputedStyle(element).backgroundColor),
  };
}

/** Clicks a goal button and waits for the page to show what `track` answered. */
export async function clickGoal(page: Page, goal: 'signup' | 'purchase'): Promise<string> {
  // The click handler empties the result before it calls track, so this waits for this click's answer.
  await page.getByTestId(goal).click();
  const answered = page.locator(`[data-testid="track-result"][data-goal="${goal}"]:not([data-result=""])`);
  await answered.waitFor({ timeout: 10_000 });
  return (await answered.getAttribute('data-result')) ?? '';
}

/** The keys of the SDK's event outbox in the page's localStorage. */
export function outboxKeys(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith('vwo:outbox:'))
      .sort(),
  );
}

/** A served page, a collector and a Chromium, for one test file. */
export interface Harness {
  readonly site: StaticServer;
  /** Replaced by {@link Harness.restartCollector}. */
  collector: Collector;
  readonly browser: Browser;
  /** The page's address for the current collector, with extra query parameters. */
  url(extra?: string): string;
  /** Closes the collector; `restartCollector` starts a new one on the same port. */
  stopCollector(): Promise<void>;
  restartCollector(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(distDir: string): Promise<Harness> {
  const site = await serveStatic(distDir);
  let collector = await startCollector({ settings: [SETTINGS_FILE, FME_SETTINGS_FILE] });
  const port = collector.port;
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await Promise.all([site.close(), collector.close()]);
    throw error;
  }
  return {
    site,
    get collector() {
      return collector;
    },
    set collector(next) {
      collector = next;
    },
    browser,
    url: (extra = '') => pageUrl(site.url, collector, extra),
    stopCollector: () => collector.close(),
    async restartCollector() {
      collector = await startCollector({ settings: [SETTINGS_FILE, FME_SETTINGS_FILE], port });
    },
    async close() {
      await Promise.allSettled([browser.close(), site.close(), collector.close()]);
    },
  };
}

/**
 * Registers, in the calling `describe` block, a harness for the block (started once, closed after
 * its last test) and a fresh browser context, so a localStorage of its own, for each test.
 */
export function useHarness(): { readonly harness: Harness; readonly context: BrowserContext } {
  requireChromium('the browser demo end-to-end tests');
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(inject('distDir'));
  });
  afterAll(async () => {
    await harness?.close();
  });
  const fresh = useFreshContext(() => (harness as Harness).browser);
  return {
    get harness() {
      return harness as Harness;
    },
    get context() {
      return fresh.context;
    },
  };
}
