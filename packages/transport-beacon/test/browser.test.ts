/**
 * The built ESM (dist/index.js) in real headless Chromium, sending to the local collector
 * (@vwo/collector, started in this process). The page and the collector are on different
 * ports, so every fetch is cross-origin, as it is against VWO: the collector answers CORS.
 *
 * What went which way is read on the wire: the collector records each request's headers, and
 * Chromium marks a beacon `sec-fetch-mode: no-cors` (a text/plain beacon needs no CORS) and a
 * fetch `sec-fetch-mode: cors`. The page also wraps `fetch` and `sendBeacon` (calling the real
 * ones) to log what the transport asked for, `keepalive` included.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type CollectedEvent, type Collector, type ReceivedRequest, startCollector } from '@vwo/collector';
import {
  type EventContext,
  type EventRequest,
  goalEvent,
  impressionEvent,
  pushEvent,
  type TransportResponse,
  toBatchRequest,
  toEventArchRequest,
  toGetRequest,
} from '@vwo/core';
import { launchChromium, listenOnLoopback, requireChromium } from '@vwo/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

requireChromium('the beacon tests in Chromium');

const DIST = new URL('../dist/index.js', import.meta.url);
/** The fetch path's transport, which the page imports as `@vwo/transport-fetch` (an import map). */
const FETCH_DIST = new URL('../../transport-fetch/dist/index.js', import.meta.url);

const ACCOUNT_ID = 888888;
const SDK_KEY = 'sdkkey123';

/** What the page's wrappers logged: each call the transport made, and what it got back. */
type Call =
  | { via: 'beacon'; url: string; returned: boolean }
  | { via: 'fetch'; url: string; method: string; keepalive: boolean; mode: string; credentials: string; headers: Record<string, string> };

/** A transport result as it crosses back from the page: a response, or the rejection's message. */
type Outcome = TransportResponse | { error: string };

// Runs in the page before the module: logs every fetch and sendBeacon call, then makes the real one.
const INSTRUMENT = `
globalThis.calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = function (url, init = {}) {
  calls.push({ via: 'fetch', url: String(url), method: init.method, keepalive: init.keepalive === true, mode: init.mode,
    credentials: init.credentials, headers: init.headers });
  return realFetch.call(this, url, init);
};
const realBeacon = navigator.sendBeacon;
navigator.sendBeacon = function (url, data) {
  const returned = realBeacon.call(this, url, data);
  calls.push({ via: 'beacon', url: String(url), returned });
  return returned;
};`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>transport-beacon</title>
<script>${INSTRUMENT}</script>
<script type="importmap">{ "imports": { "@vwo/transport-fetch": "/transport-fetch.js" } }</script>
<script type="module">import * as beacon from '/transport-beacon.js'; globalThis.beacon = beacon;</script>`;

describe('createBeaconTransport in headless Chromium, sending to the collector', () => {
  let collector: Collector;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;
  /** Builds events as @vwo/core's client does, addressed to the collector. */
  let ctx: EventContext;

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`build @vwo/transport-beacon first: ${DIST.pathname} is missing`);
    if (!existsSync(FETCH_DIST)) throw new Error(`build @vwo/transport-fetch first: ${FETCH_DIST.pathname} is missing`);
    const modules: Record<string, string> = {
      '/transport-beacon.js': readFileSync(DIST, 'utf8'),
      '/transport-fetch.js': readFileSync(FETCH_DIST, 'utf8'),
    };
    collector = await startCollector({ settings: { accountId: ACCOUNT_ID, sdkKey: SDK_KEY, version: 1, campaigns: [] } });
    server = createServer((req, res) => {
      const moduleText = modules[req.url ?? ''];
      if (moduleText !== undefined) {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(moduleText);
      } else if (req.url === '/' || req.url === '/next') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(PAGE);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    origin = await listenOnLoopback(server);
    ctx = {
      settings: { accountId: ACCOUNT_ID, sdkKey: SDK_KEY, isEventArchEnabled: false, collectionPrefix: undefined },
      collectorUrl: collector.url,
      now: Date.now,
      random: Math.random,
    };
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  beforeEach(async () => {
    collector.reset();
    // A page of its own each time: a fresh context, so one test's beacons never use another's quota.
    page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'beacon' in globalThis);
  });

  afterEach(async () => {
    await page?.context().close();
  });

  /** Sends `request` with a transport created in the page; a rejection comes back as its message. */
  function send(request: EventRequest): Promise<Outcome> {
    return page.evaluate(async (request) => {
      const { createBeaconTransport } = (globalThis as unknown as { beacon: typeof import('../src/index.js') }).beacon;
      try {
        return await createBeaconTransport({ timeoutMs: 5_000 }).send(request);
      } catch (error) {
        return { error: (error as Error).message };
      }
    }, request);
  }

  const calls = (): Promise<Call[]> => page.evaluate(() => (globalThis as unknown as { calls: Call[] }).calls);

  /** Waits until the collector has accepted `count` requests; a beacon arrives after `send` resolved. */
  async function received(count: number): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + 5_000;
    while (collector.received().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return collector.received();
  }

  /** The batch of events.md §7 (the batch queue example: impression, revenue and custom conversion, push). */
  function eventsMdBatch(sdkKey = SDK_KEY): EventRequest {
    const sId = Math.ceil(Date.now() / 1000);
    const u = 'A46F7AA3A53150368683EE064793BAFD';
    const body = JSON.stringify({
      ev: [
        { e: 230, c: 1, sId, u, eT: 1, visitor_ua: 'UA 1', visitor_ip: '9.9.9.9' },
        { e: 230, c: 1, sId, u, eT: 2, visitor_ua: '', visitor_ip: '', g: 214, r: 3 },
        { e: 230, c: 1, sId, u, eT: 2, visitor_ua: '', visitor_ip: '', g: 213 },
        { sId, u, eT: 3, t: '%7B%22u%22%3A%7B%22k%22%3A%22v%22%7D%7D' },
      ],
    });
    return {
      method: 'POST',
      url: `${collector.url}/server-side/batch-events?a=${ACCOUNT_ID}&eb=1&_l=1&sdk=vwo-node-sdk&sdk-v=1.73.0&env=${sdkKey}&`,
      headers: { 'Content-Length': String(Buffer.byteLength(body)) },
      body,
    };
  }

  const summary = (events: readonly CollectedEvent[]) =>
    events.map((e) => ({ kind: e.kind, via: e.via, campaignId: e.campaignId, variationId: e.variationId, goalId: e.goalId }));

  it('a batch POST without Authorization goes by sendBeacon, resolves 202, and the collector records its four events', async () => {
    const request = eventsMdBatch();
    expect(await send(request)).toEqual({ status: 202 });

    const [got] = await received(1);
    expect(got.endpoint).toBe('batch-events');
    expect(got.headers['sec-fetch-mode']).toBe('no-cors');
    expect(got.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(got.headers.authorization).toBeUndefined();
    expect(got.body).toEqual(JSON.parse(request.body ?? ''));
    expect(got.params).toMatchObject({ a: String(ACCOUNT_ID), env: SDK_KEY });
    expect(summary(got.events)).toEqual([
      { kind: 'impression', via: 'batch', campaignId: 230, variationId: 1, goalId: null },
      { kind: 'conversion', via: 'batch', campaignId: 230, variationId: 1, goalId: 214 },
      { kind: 'conversion', via: 'batch', campaignId: 230, variationId: 1, goalId: 213 },
      { kind: 'push', via: 'batch', campaignId: null, variationId: null, goalId: null },
    ]);
    expect(got.events[1].revenue).toBe(3);
    expect(got.events[3].tags).toEqual({ k: 'v' });
    expect(await calls()).toEqual([{ via: 'beacon', url: request.url, returned: true }]);
  });

  it("@vwo/core's event-architecture POST (only Content-Length and User-Agent, which the browser sets itself) goes by beacon", async () => {
    const request = toEventArchRequest(
      { ...ctx, settings: { ...ctx.settings, isEventArchEnabled: true } },
      impressionEvent(ctx, { id: 230 }, { id: 2 }, 'Ashley'),
    );
    expect(Object.keys(request.headers ?? {}).sort()).toEqual(['Content-Length', 'User-Agent']);
    expect(await send(request)).toEqual({ status: 202 });

    const [got] = await received(1);
    expect(got.endpoint).toBe('event-arch');
    expect(got.headers['sec-fetch-mode']).toBe('no-cors');
    expect(got.headers['user-agent']).toContain('Chrome');
    expect(summary(got.events)).toEqual([{ kind: 'impression', via: 'event-arch', campaignId: 230, variationId: 2, goalId: null }]);
    expect(got.events[0].uuid).toBe('A46F7AA3A53150368683EE064793BAFD');
  });

  it("a GET (@vwo/core's track-user impression) goes by fetch with keepalive and resolves the collector's answer", async () => {
    const request = toGetRequest(ctx, impressionEvent(ctx, { id: 230 }, { id: 1 }, 'Ashley'));
    expect(request.url).toContain('/server-side/track-user?experiment_id=230&combination=1&');
    const response = await send(request);
    expect(response).toMatchObject({ status: 200, body: '{"ok":true,"events":1,"duplicates":0}' });
    expect((response as TransportResponse).headers?.['content-type']).toBe('application/json; charset=utf-8');

    const [got] = collector.received();
    expect(got.method).toBe('GET');
    expect(got.headers['sec-fetch-mode']).toBe('cors');
    expect(got.params).toMatchObject({
      experiment_id: '230',
      combination: '1',
      env: SDK_KEY,
      account_id: String(ACCOUNT_ID),
      ed: '{"p":"server"}',
    });
    expect(summary(got.events)).toEqual([{ kind: 'impression', via: 'get', campaignId: 230, variationId: 1, goalId: null }]);
    expect(await calls()).toEqual([
      { via: 'fetch', url: request.url, method: 'GET', keepalive: true, mode: 'cors', credentials: 'omit', headers: {} },
    ]);
  });

  it("a POST with an Authorization header (@vwo/core's batch) goes by keepalive fetch and arrives with that header", async () => {
    const records = [
      impressionEvent(ctx, { id: 230 }, { id: 2 }, 'Bill', { userAgent: 'Mozilla/5.0 (X)', userIpAddress: '1.2.3.4' }),
      goalEvent(ctx, { id: 230 }, { id: 2 }, { id: 214, type: 'REVENUE_TRACKING', revenueProp: undefined }, 'Bill', { revenueValue: 10.5 }),
      pushEvent(ctx, 'browser', 'chrome', 'Bill'),
    ];
    const request = toBatchRequest(ctx, records);
    expect(request.headers).toMatchObject({ Authorization: SDK_KEY });
    const response = await send(request);
    expect(response).toMatchObject({ status: 200, body: '{"ok":true,"events":3,"duplicates":0}' });

    const [got] = collector.received();
    expect(got.endpoint).toBe('batch-events');
    expect(got.headers.authorization).toBe(SDK_KEY);
    expect(got.headers['sec-fetch-mode']).toBe('cors');
    expect(summary(got.events).map((e) => e.kind)).toEqual(['impression', 'conversion', 'push']);
    expect(got.events[1].revenue).toBe(10.5);
    expect(got.events[2].tags).toEqual({ browser: 'chrome' });
    // Content-Length is the browser's to compute: it is not passed on. Authorization is not
    // CORS-safelisted, so Chromium preflighted the request; the collector allows the header.
    expect(await calls()).toEqual([
      {
        via: 'fetch',
        url: request.url,
        method: 'POST',
        keepalive: true,
        mode: 'cors',
        credentials: 'omit',
        headers: { authorization: SDK_KEY },
      },
    ]);
  });

  it('a beacon sent from a pagehide listener while the page navigates away still reaches the collector', async () => {
    const request = eventsMdBatch();
    await page.evaluate((request) => {
      const { createBeaconTransport } = (globalThis as unknown as { beacon: typeof import('../src/index.js') }).beacon;
      const transport = createBeaconTransport();
      addEventListener('pagehide', () => void transport.send(request));
    }, request);
    await page.goto(`${origin}/next`);

    const got = await received(1);
    expect(got).toHaveLength(1);
    expect(got[0].headers['sec-fetch-mode']).toBe('no-cors');
    expect(got[0].events).toHaveLength(4);
  });

  it('keepalive fetches sent from pagehide (a GET, and a preflighted POST with Authorization) arrive too after the page is gone', async () => {
    const get = toGetRequest(ctx, impressionEvent(ctx, { id: 230 }, { id: 1 }, 'Ashley'));
    const batch = toBatchRequest(ctx, [pushEvent(ctx, 'plan', 'pro', 'Ashley')]);
    await page.evaluate(
      ([get, batch]) => {
        const { createBeaconTransport } = (globalThis as unknown as { beacon: typeof import('../src/index.js') }).beacon;
        const transport = createBeaconTransport();
        addEventListener('pagehide', () => {
          void transport.send(get);
          void transport.send(batch);
        });
      },
      [get, batch] as const,
    );
    await page.goto(`${origin}/next`);

    const got = await received(2);
    expect(got.map((r) => [r.endpoint, r.headers['sec-fetch-mode'], r.headers.authorization]).sort()).toEqual([
      ['batch-events', 'cors', SDK_KEY],
      ['track-user', 'cors', undefined],
    ]);
  });

  it('when sendBeacon returns false the request falls back to a keepalive fetch and gets a real answer', async () => {
    // A real browser returns false only when its beacon queue is full, which a test cannot
    // bring about on demand: the page's sendBeacon is replaced by one that refuses, as Chromium does then.
    await page.evaluate(() => {
      navigator.sendBeacon = (url: string | URL) => {
        (globalThis as unknown as { calls: Call[] }).calls.push({ via: 'beacon', url: String(url), returned: false });
        return false;
      };
    });
    const request = eventsMdBatch();
    expect(await send(request)).toMatchObject({ status: 200, body: '{"ok":true,"events":4,"duplicates":0}' });

    const got = collector.received();
    expect(got).toHaveLength(1);
    expect(got[0].headers['sec-fetch-mode']).toBe('cors');
    expect(got[0].events).toHaveLength(4);
    expect((await calls()).map((call) => [call.via, 'keepalive' in call ? call.keepalive : call.returned])).toEqual([
      ['beacon', false],
      ['fetch', true],
    ]);
  });

  it('a body over 64 KiB skips the beacon and goes by a plain fetch (keepalive would refuse it) and arrives whole', async () => {
    const records = Array.from({ length: 700 }, (_, i) =>
      impressionEvent(ctx, { id: 230 }, { id: 1 + (i % 2) }, `user-${i}`, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' }),
    );
    const request = { ...toBatchRequest(ctx, records), headers: {} };
    expect(Buffer.byteLength(request.body ?? '')).toBeGreaterThan(65_536);
    expect(await send(request)).toMatchObject({ status: 200, body: '{"ok":true,"events":700,"duplicates":0}' });

    const got = collector.received();
    expect(got).toHaveLength(1);
    expect(got[0].events).toHaveLength(700);
    expect(await calls()).toEqual([
      { via: 'fetch', url: request.url, method: 'POST', keepalive: false, mode: 'cors', credentials: 'omit', headers: {} },
    ]);
  });

  it('a collector answering 503 gives { status: 503 } and its body through the fetch path', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'track-user' }]);
    const request = toGetRequest(ctx, impressionEvent(ctx, { id: 230 }, { id: 1 }, 'Will'));
    expect(await send(request)).toMatchObject({ status: 503, body: '{"error":"injected fault: 503"}' });
    expect(collector.stats().requests.faulted).toBe(1);
    expect(collector.events()).toEqual([]);
  });

  it('a beacon cannot see the answer: it resolves 202 even when the collector answers 503 (documented)', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'batch-events' }]);
    expect(await send(eventsMdBatch())).toEqual({ status: 202 });
    const deadline = Date.now() + 5_000;
    while (collector.stats().requests.faulted < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(collector.stats().requests.faulted).toBe(1);
    expect(collector.events()).toEqual([]);
  });

  it('a connection dropped without an answer rejects, naming the URL without its query (which holds the SDK key)', async () => {
    collector.injectFaults([{ kind: 'drop', endpoints: 'track-goal' }]);
    const request = toGetRequest(
      ctx,
      goalEvent(ctx, { id: 230 }, { id: 1 }, { id: 213, type: 'CUSTOM_GOAL', revenueProp: undefined }, 'Will'),
    );
    const outcome = (await send(request)) as { error: string };
    // Chromium says `Failed to fetch` for every network error.
    expect(outcome.error).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/server-side\/track-goal failed: network error \(.+\)$/);
    expect(outcome.error).not.toContain(SDK_KEY);
  });

  it('onPageHide calls back on pagehide and when the page becomes hidden, and not after it is removed', async () => {
    const counts = await page.evaluate(() => {
      const { onPageHide } = (globalThis as unknown as { beacon: typeof import('../src/index.js') }).beacon;
      let calls = 0;
      const stop = onPageHide(() => {
        calls += 1;
      });
      let state: DocumentVisibilityState = 'visible';
      // Headless Chromium stays visible: the state is faked and its event dispatched.
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      const seen: number[] = [];
      document.dispatchEvent(new Event('visibilitychange')); // still visible: no call
      seen.push(calls);
      state = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
      seen.push(calls);
      dispatchEvent(new PageTransitionEvent('pagehide'));
      seen.push(calls);
      stop();
      dispatchEvent(new PageTransitionEvent('pagehide'));
      document.dispatchEvent(new Event('visibilitychange'));
      seen.push(calls);
      return seen;
    });
    expect(counts).toEqual([0, 1, 2, 2]);
  });
});
