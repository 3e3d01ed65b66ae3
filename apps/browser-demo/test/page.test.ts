/**
 * The page in headless Chromium against the local collector: what the visitor sees, and what the
 * collector receives for it. Each test has a browser context (so a localStorage) and visitors of
 * its own; assertions read the collector's records of those visitors.
 */
import { createClient } from '@vwo/core';
import { freeLoopbackPort } from '@vwo/test-support';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_KEY, PURCHASE_REVENUE } from '../src/config.js';
import { VISITOR_KEY } from '../src/visitor.js';
import {
  CAMPAIGN,
  clickGoal,
  eventsOf,
  expectedVariation,
  goalId,
  SETTINGS,
  seedVisitor,
  shown,
  sleep,
  useHarness,
  uuidOf,
  visitorIn,
  waitFor,
  waitUntilReady,
} from './helpers.js';

/** Long enough for a stray second impression or a retry to arrive, if one were sent. */
const SETTLE_MS = 600;

describe('the demo page in headless Chromium', () => {
  const run = useHarness();

  it('a new visitor gets an id kept in localStorage, sees the variation @vwo/core computes for it, and the collector gets one impression with an eid', async () => {
    const page = await run.context.newPage();
    await page.goto(run.harness.url());
    await waitUntilReady(page);

    const { visitorId, variation } = await shown(page);
    expect(visitorId).toMatch(/^visitor-[0-9a-f]{16}$/);
    expect(await page.evaluate((key) => localStorage.getItem(key), VISITOR_KEY)).toBe(visitorId);
    const expected = expectedVariation(visitorId);
    expect(variation).toBe(expected.name);
    // The client agrees with the pure decision (the page's SDK runs the same client).
    const client = createClient({ settings: SETTINGS, isDevelopmentMode: true, logLevel: 'silent' });
    expect(await client.activate(CAMPAIGN_KEY, visitorId)).toBe(expected.name);
    await client.close();

    await waitFor('the impression', () => eventsOf(run.harness.collector, visitorId).length > 0);
    await sleep(SETTLE_MS);
    const events = eventsOf(run.harness.collector, visitorId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'impression',
      via: 'get',
      campaignId: CAMPAIGN.id,
      variationId: expected.id,
      uuid: uuidOf(visitorId),
      accountId: String(SETTINGS.accountId),
    });
    expect(events[0]?.eid).toMatch(/\S/);
    const requests = run.harness.collector.received().filter((r) => r.endpoint === 'track-user' && r.params.eid === events[0]?.eid);
    expect(requests).toHaveLength(1);
  });

  it('a visitor of each variation sees it, and the two look different', async () => {
    const looks = [];
    for (const variation of CAMPAIGN.variations) {
      const visitorId = visitorIn(variation.name, 'look');
      const own = await run.harness.browser.newContext();
      try {
        await seedVisitor(own, visitorId);
        const page = await own.newPage();
        await page.goto(run.harness.url());
        await waitUntilReady(page);
        const seen = await shown(page);
        expect(seen.visitorId).toBe(visitorId);
        expect(seen.variation).toBe(variation.name);
        expect(await page.getByTestId('variation').textContent()).toContain(variation.name);
        const impressions = await waitFor(`the impression of ${visitorId}`, () => {
          const events = eventsOf(run.harness.collector, visitorId);
          return events.length > 0 && events;
        });
        expect(impressions.map((e) => e.variationId)).toEqual([variation.id]);
        looks.push(seen);
      } finally {
        await own.close();
      }
    }
    expect(new Set(looks.map((look) => look.className)).size).toBe(CAMPAIGN.variations.length);
    expect(new Set(looks.map((look) => look.background)).size).toBe(CAMPAIGN.variations.length);
  });

  it('a click on a goal button converts it: the collector gets the conversion for the campaign, variation, goal and visitor', async () => {
    const visitorId = visitorIn('Bold-banner', 'convert');
    await seedVisitor(run.context, visitorId);
    const page = await run.context.newPage();
    await page.goto(run.harness.url());
    await waitUntilReady(page);

    expect(await clickGoal(page, 'signup')).toBe('converted');
    expect(await page.getByTestId('track-result').textContent()).toContain('converted in signup-banner');
    // With user storage a goal converts once per visitor: a second click sends nothing. (As in
    // vwo-node-sdk, the record remembers the last goal only: signup after purchase would count again.)
    expect(await clickGoal(page, 'signup')).toBe('not-converted');
    expect(await page.getByTestId('track-result').textContent()).toContain('not converted');
    expect(await clickGoal(page, 'purchase')).toBe('converted');

    const events = await waitFor('the impression and both conversions', () => {
      const all = eventsOf(run.harness.collector, visitorId);
      return all.length >= 3 && all;
    });
    await sleep(SETTLE_MS);
    expect(eventsOf(run.harness.collector, visitorId)).toHaveLength(3);
    const variationId = expectedVariation(visitorId).id;
    const conversions = events.filter((e) => e.kind === 'conversion').sort((a, b) => (a.goalId ?? 0) - (b.goalId ?? 0));
    expect(conversions).toEqual([
      expect.objectContaining({ campaignId: CAMPAIGN.id, variationId, goalId: goalId('signup'), uuid: uuidOf(visitorId), revenue: null }),
      expect.objectContaining({
        campaignId: CAMPAIGN.id,
        variationId,
        goalId: goalId('purchase'),
        uuid: uuidOf(visitorId),
        revenue: PURCHASE_REVENUE,
      }),
    ]);
    const ids = events.map((e) => e.eid);
    expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
    expect(new Set(ids).size).toBe(3);
    const stats = run.harness.collector.stats().campaigns[String(CAMPAIGN.id)]?.variations[String(variationId)];
    expect(stats?.uniqueConversions).toMatchObject({ [goalId('signup')]: 1, [goalId('purchase')]: 1 });
  });

  it('a reload keeps the visitor and the variation, and sends no second impression', async () => {
    const page = await run.context.newPage();
    await page.goto(run.harness.url());
    await waitUntilReady(page);
    const first = await shown(page);
    await waitFor('the first impression', () => eventsOf(run.harness.collector, first.visitorId).length > 0);

    await page.reload();
    await waitUntilReady(page);
    const second = await shown(page);
    expect(second).toEqual(first);
    // The variation came from the user storage the page launched with.
    expect(await page.evaluate((key) => localStorage.getItem(`vwo:${JSON.stringify([key, 'signup-banner'])}`), first.visitorId)).toContain(
      first.variation,
    );

    await sleep(SETTLE_MS);
    const events = eventsOf(run.harness.collector, first.visitorId);
    expect(events.map((e) => e.kind)).toEqual(['impression']);
    expect(
      run.harness.collector.received().filter((r) => r.endpoint === 'track-user' && r.params.u === uuidOf(first.visitorId)),
    ).toHaveLength(1);
  });

  it('says so, and shows no variation, when the collector cannot be reached at launch', async () => {
    const closedPort = await freeLoopbackPort();
    const page = await run.context.newPage();
    await page.goto(`${run.harness.site.url}/?collector=http://127.0.0.1:${closedPort}`);
    const status = page.locator('[data-testid="status"][data-state="error"]');
    await status.waitFor({ timeout: 15_000 });
    expect(await status.textContent()).toMatch(/did not start.*settings/i);
    expect(await page.getByTestId('variation').getAttribute('data-variation')).toBe('');
    expect(await page.getByTestId('signup').isDisabled()).toBe(true);
  });
});
