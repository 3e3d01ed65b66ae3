/**
 * The FME page (`fme.html`, `init` of `@vwo/browser`) in headless Chromium against the local
 * collector, reached through `proxyUrl`: what the visitor sees, and what the collector receives
 * for that visitor (never the SDK's own word).
 */
import type { CollectedEvent } from '@vwo/collector';
import { createFmeClient, fmeLogger, getUUID } from '@vwo/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FME_FLAG_KEY, PURCHASE_REVENUE } from '../src/config.js';
import { VISITOR_KEY } from '../src/visitor.js';
import { FME_SETTINGS_FILE, type Harness, seedVisitor, sleep, useHarness, waitFor } from './helpers.js';

/** Long enough for a stray resend to arrive, if one were sent. */
const SETTLE_MS = 600;

function fmePageUrl(harness: Harness, extra = ''): string {
  return `${harness.site.url}/fme.html?collector=${harness.collector.url}${extra}`;
}

/** The label the page must show for this visitor: what the FME client decides in Node. */
async function expectedLabel(visitorId: string): Promise<string> {
  const node = createFmeClient({
    accountId: FME_SETTINGS_FILE.accountId,
    sdkKey: FME_SETTINGS_FILE.sdkKey,
    settings: FME_SETTINGS_FILE,
    logger: fmeLogger({ transport: { log: () => undefined } }),
  });
  const flag = await node.getFlag(FME_FLAG_KEY, { id: visitorId });
  return flag.isEnabled() ? String(flag.getVariable('label', 'Buy')) : '';
}

/** The collector's FME impressions and conversions of one visitor. */
function fmeEventsOf(harness: Harness, visitorId: string): CollectedEvent[] {
  const uuid = getUUID(visitorId, String(FME_SETTINGS_FILE.accountId));
  return harness.collector
    .events()
    .filter((e) => e.format === 'fme' && e.uuid === uuid && (e.kind === 'impression' || e.kind === 'conversion'));
}

const count = (events: CollectedEvent[], kind: CollectedEvent['kind']) => events.filter((e) => e.kind === kind).length;

async function waitUntilReady(page: Page): Promise<void> {
  await page.locator('[data-testid="status"][data-state="ready"]').waitFor({ timeout: 15_000 });
}

async function buy(page: Page): Promise<string> {
  await page.getByTestId('purchase').click();
  const answered = page.locator('[data-testid="track-result"]:not([data-result=""])');
  await answered.waitFor({ timeout: 10_000 });
  return (await answered.getAttribute('data-result')) ?? '';
}

const fmeOutboxKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('vwo:fme-outbox:')));

describe('the FME demo page in headless Chromium', () => {
  const run = useHarness();

  it('shows the label the FME client decides in Node, and the impression and the purchase reach the collector once each', async () => {
    const visitor = 'e2e-fme-shown-1';
    await seedVisitor(run.context, visitor);
    const page = await run.context.newPage();
    await page.goto(fmePageUrl(run.harness));
    await waitUntilReady(page);
    expect(await page.getByTestId('variation').getAttribute('data-label')).toBe(await expectedLabel(visitor));
    expect(await buy(page)).toBe('tracked');

    await waitFor('the impression and the purchase', () => fmeEventsOf(run.harness, visitor).length >= 2);
    await sleep(SETTLE_MS);
    const events = fmeEventsOf(run.harness, visitor);
    expect(count(events, 'impression')).toBe(1);
    expect(count(events, 'conversion')).toBe(1);
    expect(events.find((e) => e.kind === 'conversion')?.revenue).toBe(PURCHASE_REVENUE);
    expect(await fmeOutboxKeys(page)).toEqual([]);
  });

  it('keeps the events in localStorage while the collector is down, and the next page load delivers them once', async () => {
    const page = await run.context.newPage();
    // The first view fetches the settings, which stay cached in localStorage for two hours.
    await page.goto(fmePageUrl(run.harness));
    await waitUntilReady(page);
    // A visitor new to this browser, so that the offline view decides afresh and sends an
    // impression (a decision remembered in localStorage sends none, as 1.35.0).
    const visitor = 'e2e-fme-offline-1';
    await page.evaluate(([key, id]) => localStorage.setItem(key, id), [VISITOR_KEY, visitor] as const);

    await run.harness.stopCollector();
    try {
      await page.reload();
      await waitUntilReady(page);
      // Decided from the cached settings, with no collector to fetch them from.
      expect(await page.getByTestId('variation').getAttribute('data-label')).toBe(await expectedLabel(visitor));
      expect(await buy(page)).toBe('tracked');
      await waitFor('the impression and the purchase in the outbox', async () => (await fmeOutboxKeys(page)).length === 2);
    } finally {
      await run.harness.restartCollector();
    }

    await page.reload();
    await waitUntilReady(page);
    await waitFor('the outbox to empty', async () => (await fmeOutboxKeys(page)).length === 0);
    await waitFor('the delivered events', () => fmeEventsOf(run.harness, visitor).length >= 2);
    await sleep(SETTLE_MS);
    const events = fmeEventsOf(run.harness, visitor);
    expect(count(events, 'impression')).toBe(1);
    expect(count(events, 'conversion')).toBe(1);
  });

  it('with batch=1 (batchEventData, ignored as by 1.35.0’s browser build), sends each event at once, the page still shown', async () => {
    const visitor = 'e2e-fme-unbatched-1';
    await seedVisitor(run.context, visitor);
    const page = await run.context.newPage();
    await page.goto(fmePageUrl(run.harness, '&batch=1'));
    await waitUntilReady(page);
    expect(await buy(page)).toBe('tracked');
    // The queue's interval is an hour: events that arrive now were never queued.
    await waitFor('the impression and the purchase', () => fmeEventsOf(run.harness, visitor).length >= 2);
    await sleep(SETTLE_MS);
    const events = fmeEventsOf(run.harness, visitor);
    expect(events.map((e) => e.kind)).toEqual(['impression', 'conversion']);
    expect(events.filter((e) => e.via === 'batch')).toEqual([]);
  });
});
