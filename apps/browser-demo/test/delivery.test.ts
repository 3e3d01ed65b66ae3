import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN,
  clickGoal,
  eventsOf,
  expectedVariation,
  goalId,
  outboxKeys,
  seedVisitor,
  shown,
  sleep,
  useHarness,
  visitorIn,
  waitFor,
  waitUntilReady,
} from './helpers.js';

const EVENT_PATHS = /\/server-side\/(track-user|track-goal|batch-events)|\/events\/t/;

interface Sent {
  readonly what: 'fetch' | 'beacon' | 'pagehide';
  readonly path: string;
  readonly keepalive: boolean;
}

/**
 * Records, in the origin's localStorage (readable from the next page of the site), each event
 * request the page makes and how, and when `pagehide` fires: only `keepalive` fetches and beacons
 * outlive a page that is being left.
 */
async function recordRequests(context: BrowserContext): Promise<void> {
  await context.addInitScript((pattern) => {
    const events = new RegExp(pattern);
    const note = (entry: { what: string; path: string; keepalive: boolean }) => {
      const log = JSON.parse(localStorage.getItem('e2e:sent') ?? '[]') as unknown[];
      log.push(entry);
      localStorage.setItem('e2e:sent', JSON.stringify(log));
    };
    const path = (url: unknown) => new URL(String(url), location.href).pathname;
    const fetchNow = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      const url = input instanceof Request ? input.url : input;
      if (events.test(path(url))) note({ what: 'fetch', path: path(url), keepalive: init?.keepalive === true });
      return fetchNow.call(this, input, init);
    };
    const beacon = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      note({ what: 'beacon', path: path(url), keepalive: true });
      return beacon(url, data);
    };
    addEventListener('pagehide', () => note({ what: 'pagehide', path: '', keepalive: false }));
  }, EVENT_PATHS.source);
}

async function recorded(page: Page): Promise<Sent[]> {
  return JSON.parse((await page.evaluate(() => localStorage.getItem('e2e:sent'))) ?? '[]') as Sent[];
}

/**
 * Headless Chromium never hides a tab: switching tabs, minimising the window (CDP
 * `Browser.setWindowBounds`), focus emulation and `Page.setWebLifecycleState` all leave
 * `visibilityState` at `visible` (tried with Chromium 156). So the page is told it is hidden the
 * way a browser tells it: `document.visibilityState`/`hidden` read `hidden` and a
 * `visibilitychange` event is dispatched. `show` removes the override (back to the real `visible`).
 */
function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((hide) => {
    if (hide) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    } else {
      delete (document as { visibilityState?: unknown }).visibilityState;
      delete (document as { hidden?: unknown }).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Every event once: no two collected events share an eid. */
function expectUniqueIds(events: ReadonlyArray<{ eid: string | null }>): void {
  const ids = events.map((e) => e.eid);
  expect(ids.every((id) => typeof id === 'string' && id !== '')).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('event delivery from the demo page', () => {
  const run = useHarness();

  it('batched events wait in the queue, and reach the collector when the visitor leaves the page (pagehide)', async () => {
    const visitorId = visitorIn('Control', 'pagehide');
    await seedVisitor(run.context, visitorId);
    await recordRequests(run.context);
    const page = await run.context.newPage();
    await page.goto(run.harness.url('&batch=1'));
    await waitUntilReady(page);
    expect(await clickGoal(page, 'signup')).toBe('converted');

    await sleep(500);
    expect(eventsOf(run.harness.collector, visitorId)).toEqual([]);
    // Until the batch goes out, each queued event waits in the outbox as a request of its own.
    expect(await outboxKeys(page)).toHaveLength(2);

    // Leave for another page of the site (same origin: its localStorage shows what was sent).
    await page.goto(`${run.harness.site.url}/elsewhere`);
    const events = await waitFor('the batch sent at pagehide', () => {
      const all = eventsOf(run.harness.collector, visitorId);
      return all.length >= 2 && all;
    });
    expect(events).toEqual([
      expect.objectContaining({ kind: 'impression', via: 'batch', campaignId: CAMPAIGN.id, variationId: expectedVariation(visitorId).id }),
      expect.objectContaining({ kind: 'conversion', via: 'batch', campaignId: CAMPAIGN.id, goalId: goalId('signup') }),
    ]);
    expectUniqueIds(events);
    // It left in the pagehide handler, by a request that outlives the page.
    const sent = await recorded(page);
    const left = sent.findIndex((s) => s.what === 'pagehide');
    expect(left).toBeGreaterThanOrEqual(0);
    expect(sent.slice(0, left).filter((s) => s.path.includes('batch-events'))).toEqual([]);
    expect(sent.slice(left).find((s) => s.path.includes('batch-events'))).toMatchObject({ keepalive: true });

    // Handed to the browser while the page was left, the batch counted as delivered: the outbox
    // is empty on the next page, and coming back sends nothing again.
    expect(await outboxKeys(page)).toEqual([]);
    await page.goto(run.harness.url('&batch=1'));
    await waitUntilReady(page);
    await sleep(300);
    expect(eventsOf(run.harness.collector, visitorId)).toHaveLength(2);
    expect(run.harness.collector.stats().duplicates).toBe(0);
  });

  it('batched events reach the collector when the page is hidden (visibilitychange), and queue again once it is shown', async () => {
    const visitorId = visitorIn('Bold-banner', 'hidden');
    await seedVisitor(run.context, visitorId);
    const page = await run.context.newPage();
    await page.goto(run.harness.url('&batch=1'));
    await waitUntilReady(page);
    expect(await clickGoal(page, 'signup')).toBe('converted');
    await sleep(500);
    expect(eventsOf(run.harness.collector, visitorId)).toEqual([]);

    await setHidden(page, true);
    const events = await waitFor('the batch sent when the page was hidden', () => {
      const all = eventsOf(run.harness.collector, visitorId);
      return all.length >= 2 && all;
    });
    expect(events.map((e) => [e.kind, e.via])).toEqual([
      ['impression', 'batch'],
      ['conversion', 'batch'],
    ]);
    expectUniqueIds(events);
    // The page is still alive: it read the answer and emptied the outbox.
    await waitFor('an empty outbox', async () => (await outboxKeys(page)).length === 0);

    await setHidden(page, false);
    expect(await clickGoal(page, 'purchase')).toBe('converted');
    await sleep(500);
    expect(eventsOf(run.harness.collector, visitorId)).toHaveLength(2);
    expect(await outboxKeys(page)).toHaveLength(1);
  });

  it('while the collector is down, events wait in the localStorage outbox; the page delivers them once it is back, each once', async () => {
    const visitorId = visitorIn('Control', 'outage');
    await seedVisitor(run.context, visitorId);
    const page = await run.context.newPage();
    await page.goto(run.harness.url());
    await waitUntilReady(page);
    await waitFor('the impression', () => eventsOf(run.harness.collector, visitorId).length === 1);

    await run.harness.stopCollector();
    const downSince = Date.now();
    expect(await clickGoal(page, 'signup')).toBe('converted');
    expect(await clickGoal(page, 'purchase')).toBe('converted');
    await waitFor('both conversions in the outbox', async () => (await outboxKeys(page)).length === 2);

    // Down for about two seconds: the first retries (after ~1 s) fail too.
    await sleep(Math.max(0, 2000 - (Date.now() - downSince)));
    await run.harness.restartCollector();
    const conversions = await waitFor(
      'the conversions, retried',
      () => {
        const all = eventsOf(run.harness.collector, visitorId);
        return all.length >= 2 && all;
      },
      15_000,
    );
    // Each request retries on its own schedule (with jitter): they may arrive in either order.
    conversions.sort((a, b) => (a.goalId ?? 0) - (b.goalId ?? 0));
    expect(conversions).toEqual([
      expect.objectContaining({ kind: 'conversion', goalId: goalId('signup'), variationId: expectedVariation(visitorId).id }),
      expect.objectContaining({ kind: 'conversion', goalId: goalId('purchase'), variationId: expectedVariation(visitorId).id }),
    ]);
    expectUniqueIds(conversions);
    await waitFor('an empty outbox', async () => (await outboxKeys(page)).length === 0);
    await sleep(500);
    expect(eventsOf(run.harness.collector, visitorId)).toHaveLength(2);
    expect(run.harness.collector.stats().duplicates).toBe(0);
    expect(await page.getByTestId('events').textContent()).toMatch(/pending 0/);
  });

  it('the outbox survives a reload while the collector fails: the next launch resends it, and resends of recorded events are dropped by eid', async () => {
    const visitorId = visitorIn('Bold-banner', 'reload');
    await seedVisitor(run.context, visitorId);
    run.harness.collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'events', forMs: 60_000 }]);
    const page = await run.context.newPage();
    await page.goto(run.harness.url());
    await waitUntilReady(page);
    const variation = (await shown(page)).variation;
    expect(await clickGoal(page, 'signup')).toBe('converted');
    const before = await waitFor('the impression and the conversion in the outbox', async () => {
      const keys = await outboxKeys(page);
      return keys.length === 2 && keys;
    });
    expect(eventsOf(run.harness.collector, visitorId)).toEqual([]);

    await page.reload();
    await waitUntilReady(page);
    expect((await shown(page)).variation).toBe(variation);
    // The new launch took the entries over (restored, resent, saved under keys of its own).
    await waitFor('the next launch to take the outbox over', async () => {
      const keys = await outboxKeys(page);
      return keys.length === 2 && keys.every((key) => !before.includes(key));
    });
    expect(eventsOf(run.harness.collector, visitorId)).toEqual([]);

    // The collector recovers, but its first two answers are lost: it records the events, the
    // page sees 503 and sends them again, with the same eids.
    run.harness.collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'events', processed: true, count: 2 }]);
    await waitFor('an empty outbox', async () => (await outboxKeys(page)).length === 0, 20_000);
    await sleep(300);
    const events = eventsOf(run.harness.collector, visitorId);
    expect(events.map((e) => e.kind).sort()).toEqual(['conversion', 'impression']);
    expectUniqueIds(events);
    for (const event of events) {
      const requests = run.harness.collector.received().filter((r) => r.params.eid === event.eid);
      expect(requests.length, `requests carrying ${event.eid}`).toBeGreaterThanOrEqual(2);
    }
    expect(run.harness.collector.stats().duplicates).toBeGreaterThanOrEqual(2);
    // The reload sent no second impression: the variation came from the user storage.
    expect(events.filter((e) => e.kind === 'impression')).toHaveLength(1);
  });
});
