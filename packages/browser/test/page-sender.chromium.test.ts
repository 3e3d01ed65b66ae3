/**
 * `launch`'s default sender (`pageSender`) against what `launch` sent through before,
 * `pageAwareTransport(createFetchTransport({ timeoutMs }), createBeaconTransport(), page)`, in
 * real headless Chromium sending to the local collector (another port: every fetch is
 * cross-origin, as against VWO): the same calls for each of @vwo/core's requests with the page
 * shown, hidden and being left, the same answers and the same rejection texts (faults injected
 * by the collector, a closed port, URLs `fetch` refuses), and the same requests on the wire.
 *
 * The page wraps `fetch` and `sendBeacon` (calling the real ones) to log what each sender asked
 * for, `keepalive` and `credentials` included, which the wire does not show. The page state is
 * given to the senders directly: the real page watch runs in chromium.test.ts. Each run loads
 * the page anew, so that one run's beacons never use another's keepalive quota.
 */
import { type Collector, type FaultRule, startCollector } from '@vwo/collector';
import {
  type EventContext,
  type EventRequest,
  goalEvent,
  impressionEvent,
  pushEvent,
  toBatchRequest,
  toEventArchRequest,
  toGetRequest,
} from '@vwo/core';
import { bundleForPage, requireChromium, sleep, waitFor } from '@vwo/test-support';
import { usePageInChromium } from '@vwo/test-support/vitest';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, abSettings, SDK_KEY } from './settings.js';

requireChromium('the @vwo/browser Chromium tests');

// Runs before the senders: logs every fetch and sendBeacon call as the browser reads it, then makes the real one.
const INSTRUMENT = `
globalThis.calls = [];
const realFetch = globalThis.fetch;
globalThis.fetch = function (url, init = {}) {
  let read;
  try {
    const r = new Request(url, init);
    read = { url: r.url, method: r.method, keepalive: r.keepalive, mode: r.mode, credentials: r.credentials, headers: [...r.headers] };
  } catch (error) {
    read = { unreadable: error.message };
  }
  calls.push({ via: 'fetch', ...read, body: init.body ?? null, signal: init.signal instanceof AbortSignal });
  return realFetch.call(this, url, init);
};
const realBeacon = navigator.sendBeacon;
navigator.sendBeacon = function (url, data) {
  const returned = realBeacon.call(this, url, data);
  calls.push({ via: 'beacon', url: String(url), data, returned });
  return returned;
};`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>sender</title><script>${INSTRUMENT}</script><script src="/senders.js"></script>`;

type Senders = typeof import('./page-sender-support.js');
type Call = { via: 'fetch' | 'beacon'; url?: string; returned?: boolean };
type Outcome = { status: number; body?: string; headers?: Record<string, string> } | { error: string };

declare global {
  interface Window {
    S: Senders;
    calls: Call[];
  }
}

interface Case {
  readonly name: string;
  readonly hidden: boolean;
  readonly leaving: boolean;
  readonly requests: readonly EventRequest[];
  readonly faults?: FaultRule[];
  readonly timeoutMs?: number;
}

describe('the page sender sends, answers and fails as the fetch and beacon transports did', () => {
  let collector: Collector;
  let page: Page | undefined;
  const chromium = usePageInChromium(PAGE, async () => ({
    '/senders.js': await bundleForPage(new URL('./page-sender-support.ts', import.meta.url), { globalName: 'S' }),
  }));
  const { openPage, pageErrors } = chromium;

  beforeAll(async () => {
    collector = await startCollector({ settings: abSettings() as never });
  });
  afterAll(async () => {
    await page?.context().close();
    await collector?.close();
  });

  /** One run of `requests` in a fresh page through one sender; what it called, answered, and put on the wire. */
  async function run(which: 'transports' | 'pageSender', test: Case) {
    // Forgotten between runs: the second run's events would otherwise be duplicates of the first's.
    collector.reset();
    collector.injectFaults(test.faults ?? []);
    // A new document each run: one run's beacons never use another's keepalive quota.
    page ??= await openPage();
    await page.goto(chromium.pageUrl, { waitUntil: 'load' });
    const { outcomes, calls } = await page.evaluate(
      async ({ which, requests, hidden, leaving, timeoutMs }) => {
        const { S } = window;
        const state = { hidden: () => hidden, leaving: () => leaving };
        const sender =
          which === 'transports'
            ? S.pageAwareTransport(S.createFetchTransport({ timeoutMs }), S.createBeaconTransport(), state)
            : S.pageSender(state, timeoutMs);
        window.calls.length = 0;
        const outcomes: Outcome[] = [];
        for (const request of requests) {
          outcomes.push(
            await sender.send(request).then(
              ({ status, body, headers }) => ({ status, body, headers: headers && { ...headers } }),
              (error: Error) => ({ error: error.message }),
            ),
          );
        }
        return { outcomes, calls: [...window.calls] };
      },
      { which, requests: test.requests, hidden: test.hidden, leaving: test.leaving, timeoutMs: test.timeoutMs },
    );
    // What reached the collector: each beacon it queued and each fetch to its address.
    const sentToCollector = calls.filter((call) => reachesCollector(call.url) && call.returned !== false).length;
    await waitFor('the collector', () => collector.stats().requests.total >= sentToCollector, 10_000);
    // A request given up on is still answered once the collector's delay is over: inside this run.
    const delayed = test.faults?.find((fault) => fault.kind === 'delay');
    if (delayed?.kind === 'delay') await sleep(delayed.ms + 300);
    const wire = collector.received().map(({ method, path, rawQuery, headers, body }) => ({ method, path, rawQuery, headers, body }));
    return { outcomes, calls, wire };
  }

  /** Whether a call went to the collector's port over HTTP (with or without user info in its URL). */
  function reachesCollector(url: string | undefined): boolean {
    if (url === undefined || !URL.canParse(url)) return false;
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && parsed.host === new URL(collector.url).host;
  }

  const ctx = (sdkKey: string | undefined, isEventArchEnabled = false): EventContext => ({
    settings: { accountId: ACCOUNT_ID, sdkKey, isEventArchEnabled, collectionPrefix: undefined },
    collectorUrl: collector.url,
    now: () => 1_700_000_000_000,
    random: () => 0.25,
  });
  const visitor = { userAgent: 'Mozilla/5.0 (X11) Gecko', userIpAddress: '10.1.2.3' };

  /** A batch POST without Authorization whose body is exactly `bytes` UTF-8 bytes, padded with `pad` (one or three bytes). */
  function paddedBatch(bytes: number, pad: 'a' | '€'): EventRequest {
    const shell = (ua: string) =>
      JSON.stringify({
        ev: [{ e: 230, c: 1, sId: 1_700_000_000, u: 'A46F7AA3A53150368683EE064793BAFD', eT: 1, visitor_ua: ua, visitor_ip: '' }],
      });
    const room = bytes - Buffer.byteLength(shell(''));
    const wide = pad === '€' ? Math.floor(room / 3) : 0;
    const body = shell('€'.repeat(wide) + 'a'.repeat(room - wide * 3));
    expect(Buffer.byteLength(body)).toBe(bytes);
    return {
      method: 'POST',
      url: `${collector.url}/server-side/batch-events?a=${ACCOUNT_ID}&sdk=vwo-node-sdk&sdk-v=1.73.0&env=${SDK_KEY}&`,
      headers: { 'Content-Length': String(bytes) },
      body,
    };
  }

  function cases(): Case[] {
    const keyed = ctx(SDK_KEY);
    const keyless = ctx(undefined);
    const arch = ctx(SDK_KEY, true);
    const requests: Array<[string, EventRequest[]]> = [
      ['GET impression', [toGetRequest(keyed, impressionEvent(keyed, { id: 230 }, { id: 1 }, 'Ann'))]],
      ['GET impression with the visitor headers', [toGetRequest(keyed, impressionEvent(keyed, { id: 230 }, { id: 2 }, 'Bo', visitor))]],
      [
        'GET conversion, then push',
        [
          toGetRequest(keyed, goalEvent(keyed, { id: 230 }, { id: 1 }, { id: 213, type: 'CUSTOM_GOAL', revenueProp: undefined }, 'Ann')),
          toGetRequest(keyed, pushEvent(keyed, 'plan', 'gold', 'Ann')),
        ],
      ],
      [
        'batch with Authorization',
        [toBatchRequest(keyed, [impressionEvent(keyed, { id: 230 }, { id: 2 }, 'Cy', visitor), pushEvent(keyed, 'k', 'v', 'Cy')])],
      ],
      ['batch with User-Agent (no SDK key)', [toBatchRequest(keyless, [impressionEvent(keyless, { id: 230 }, { id: 1 }, 'Di')])]],
      ['event-arch POST', [toEventArchRequest(arch, impressionEvent(arch, { id: 230 }, { id: 1 }, 'Ed'))]],
      [
        'event-arch POST with the visitor headers',
        [toEventArchRequest(arch, impressionEvent(arch, { id: 230 }, { id: 2 }, 'Fi', visitor))],
      ],
      ['a 65,536-byte ASCII batch', [paddedBatch(65_536, 'a')]],
      ['a 65,537-byte ASCII batch', [paddedBatch(65_537, 'a')]],
      ['a 65,536-byte batch of three-byte characters', [paddedBatch(65_536, '€')]],
      ['a 65,537-byte batch of three-byte characters', [paddedBatch(65_537, '€')]],
    ];
    const states = [
      { state: 'shown', hidden: false, leaving: false },
      { state: 'hidden', hidden: true, leaving: false },
      { state: 'being left', hidden: true, leaving: true },
    ];
    const get = requests[0]?.[1] ?? [];
    const closedPort = (url: string) => url.replace(collector.url, 'http://127.0.0.1:9');
    const withUser = (url: string) => url.replace('http://', 'http://user:secret@');
    const batch = requests[4]?.[1][0] as EventRequest;
    return [
      ...states.flatMap(({ state, hidden, leaving }) =>
        requests.map(([name, list]) => ({ name: `${name}, page ${state}`, hidden, leaving, requests: list })),
      ),
      {
        name: '503 with Retry-After',
        hidden: false,
        leaving: false,
        requests: get,
        faults: [{ kind: 'status', status: 503, retryAfter: 7 }],
      },
      { name: '400, hidden', hidden: true, leaving: false, requests: get, faults: [{ kind: 'status', status: 400, body: 'no' }] },
      { name: 'connection dropped', hidden: false, leaving: false, requests: get, faults: [{ kind: 'drop' }] },
      { name: 'time-out', hidden: false, leaving: false, requests: get, faults: [{ kind: 'delay', ms: 1_000 }], timeoutMs: 250.5 },
      { name: 'closed port', hidden: false, leaving: false, requests: get.map((r) => ({ ...r, url: closedPort(r.url) })) },
      { name: 'closed port, hidden', hidden: true, leaving: false, requests: [{ ...batch, url: closedPort(batch.url) }] },
      { name: 'URL with user info', hidden: false, leaving: false, requests: get.map((r) => ({ ...r, url: withUser(r.url) })) },
      { name: 'URL with user info, hidden', hidden: true, leaving: false, requests: [{ ...batch, url: withUser(batch.url) }] },
      { name: 'ftp URL, hidden', hidden: true, leaving: false, requests: [{ ...batch, url: batch.url.replace('http://', 'ftp://') }] },
    ];
  }

  it('for each of @vwo/core’s requests, page states and faults: the same calls, answers, errors and wire', async () => {
    const all = cases();
    for (const test of all) {
      const before = await run('transports', test);
      const now = await run('pageSender', test);
      expect({ case: test.name, ...now }).toEqual({ case: test.name, ...before });
    }
    // The cases reach every path: a beacon, keepalive and plain fetches, a refused beacon, each kind of answer.
    const seen = await run('pageSender', all.find((test) => test.name === 'a 65,536-byte ASCII batch, page hidden') as Case);
    expect(seen.calls).toMatchObject([{ via: 'beacon', returned: true }]);
    const big = await run('pageSender', all.find((test) => test.name === 'a 65,537-byte ASCII batch, page hidden') as Case);
    expect(big.calls).toMatchObject([{ via: 'fetch', keepalive: false, credentials: 'omit' }]);
    const timedOut = await run('pageSender', all.find((test) => test.name === 'time-out') as Case);
    expect(timedOut.outcomes).toEqual([
      { error: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/server-side\/track-user failed: timed out after 251 ms$/) },
    ]);
    const userInfo = await run('pageSender', all.find((test) => test.name === 'URL with user info') as Case);
    expect(JSON.stringify(userInfo.outcomes)).not.toContain('secret');
    const refused = await run('pageSender', all.find((test) => test.name === 'ftp URL, hidden') as Case);
    expect(refused.calls.map((call) => call.via)).toEqual(['fetch']);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
