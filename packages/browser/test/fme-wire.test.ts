/**
 * Differential test in headless Chromium: the requests of `init` (`@vwo/browser`) and of
 * vwo-fme-node-sdk 1.35.0's own browser build (`vwo-fme-javascript-sdk`), each inited in a fresh
 * page through `proxyUrl` to a loopback server, for the same settings, generated contexts and
 * calls. Only the random and clock values are masked (as packages/node/test/fixtures/fme-reference.ts);
 * the SDK identity, `visitor_ua` (`navigator.userAgent` when a context has none) and the headers
 * the SDKs set are compared as sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, launchChromium, listenOnLoopback, requireChromium } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSdkScript, maskedBody, maskedPath, referenceBrowserScript } from './fme-page-support.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fme-settings.js';

requireChromium('the @vwo/browser init wire differential test');

const PAGE = '<!doctype html><meta charset="utf-8"><title>wire</title><script src="/sdk.js"></script><script src="/ref.js"></script>';
const REFERENCE = referenceBrowserScript();
/** The headers either SDK sets itself; the browser adds the others (and differently for XHR and fetch). */
const SDK_HEADERS = ['authorization', 'content-type', 'x-device-user-agent', 'vwo-x-forwarded-for'];

/** A feature with one rollout whose variation has `segments`: what 1.35.0 scans for user-detail keys. */
function rollout(id: number, key: string, segments: Record<string, unknown>) {
  return {
    campaign: {
      id,
      key: `${key}_rollout`,
      name: key,
      type: 'FLAG_ROLLOUT',
      status: 'RUNNING',
      percentTraffic: 100,
      segments: {},
      variations: [{ id: 1, name: 'Rollout', weight: 100, segments, variables: [{ id: 1, key: 'on', type: 'boolean', value: true }] }],
    },
    feature: {
      id: id - 450,
      key,
      name: key,
      type: 'FEATURE_FLAG',
      status: 'ON',
      metrics: [{ id: 7, type: 'CUSTOM_CODE', identifier: 'signup' }],
      rules: [{ type: 'FLAG_ROLLOUT', ruleKey: 'rollout', campaignId: id, variationId: 1 }],
    },
  };
}

// Segments that need VWO's user details: 1.35.0's browser build asks for them even without a gateway.
const GEO = rollout(503, 'us_only', { and: [{ country: 'US' }] });
const WINDOWS = rollout(504, 'windows_only', { or: [{ os: 'Windows' }] });

/**
 * The test settings plus a rollout for Chrome user agents only (the default `userAgent` decides
 * it) and two that need the user's details (location, parsed user agent).
 */
function settings(): Record<string, unknown> {
  const base = fmeSettings() as { campaigns: unknown[]; features: unknown[] };
  return {
    ...base,
    campaigns: [
      ...base.campaigns,
      GEO.campaign,
      WINDOWS.campaign,
      {
        id: 502,
        key: 'chrome_rollout',
        name: 'Chrome rollout',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: { or: [{ ua: 'wildcard(*Chrome*)' }] },
        variations: [
          { id: 1, name: 'Rollout', weight: 100, segments: {}, variables: [{ id: 1, key: 'on', type: 'boolean', value: true }] },
        ],
      },
    ],
    features: [
      ...base.features,
      GEO.feature,
      WINDOWS.feature,
      {
        id: 52,
        key: 'chrome_only',
        name: 'Chrome only',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [{ id: 7, type: 'CUSTOM_CODE', identifier: 'signup' }],
        rules: [{ type: 'FLAG_ROLLOUT', ruleKey: 'rollout', campaignId: 502, variationId: 1 }],
      },
    ],
  };
}

/** One call of the script both SDKs run. */
type Call =
  | { readonly api: 'getFlag'; readonly key: string; readonly context: Record<string, unknown> }
  | {
      readonly api: 'trackEvent';
      readonly event: string;
      readonly context: Record<string, unknown>;
      readonly props: Record<string, unknown>;
    }
  | { readonly api: 'setAttribute'; readonly attributes: Record<string, unknown>; readonly context: Record<string, unknown> };

/** Calls on generated users (a seeded generator): with and without `userAgent` and `ipAddress`. */
function generatedCalls(seed: number, users: number): Call[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const calls: Call[] = [];
  for (let i = 0; i < users; i++) {
    const context: Record<string, unknown> = { id: `user-${Math.floor(next() * 1e9).toString(36)}` };
    const uaPick = next();
    if (uaPick < 0.25) context.userAgent = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0';
    else if (uaPick < 0.4) context.userAgent = '';
    if (next() < 0.5) context.ipAddress = `10.0.${i}.${Math.floor(next() * 250)}`;
    calls.push({ api: 'getFlag', key: next() < 0.5 ? 'hero' : 'chrome_only', context });
    calls.push({ api: 'getFlag', key: next() < 0.5 ? 'us_only' : 'windows_only', context });
    calls.push({ api: 'getFlag', key: 'chrome_only', context });
    if (next() < 0.7) calls.push({ api: 'trackEvent', event: 'purchase', context, props: { revenue: Math.floor(next() * 100) } });
    if (next() < 0.5) calls.push({ api: 'setAttribute', attributes: { plan: next() < 0.5 ? 'pro' : 'free', seats: i }, context });
  }
  return calls;
}

/**
 * What the loopback server answers a lookup: user details that vary with the query (a user with
 * an IP address is in the US, Firefox runs on Windows), and an alias for every second user id.
 */
let aliasesGiven = 0;
function lookupAnswer(url: string): unknown {
  const query = new URL(url, 'http://loopback').searchParams;
  if (url.startsWith('/get-user-details')) {
    return {
      location: { country: query.get('ipAddress') ? 'US' : 'IN' },
      userAgent: { os: query.get('userAgent')?.includes('Firefox') ? 'Windows' : 'Linux' },
    };
  }
  if (url.startsWith('/user-alias/getAliasUserId')) {
    const [id] = JSON.parse(query.get('userId') ?? '[]') as string[];
    if (id === undefined || id.charCodeAt(id.length - 1) % 2 === 1) return [];
    aliasesGiven++;
    return [{ aliasId: id, userId: `known-${id}` }];
  }
  return {};
}

/** A request as the server saw it, with only random and clock values masked. */
function masked(method: string, url: string, headers: IncomingMessage['headers'], body: string): string {
  const kept = SDK_HEADERS.filter((name) => headers[name] !== undefined).map((name) => `${name}: ${String(headers[name])}`);
  return `${method} ${maskedPath(url)} ${kept.join('; ')} ${maskedBody(body)}`;
}

describe('init of @vwo/browser on the wire, against 1.35.0’s browser build in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let requests: string[] = [];

  beforeAll(async () => {
    const sdk = await browserSdkScript();
    const file = JSON.stringify(settings());
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = req.url ?? '/';
        if (url === '/sdk.js' || url === '/ref.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(url === '/sdk.js' ? sdk : REFERENCE);
          return;
        }
        if (url === '/page') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end(PAGE);
          return;
        }
        // Both SDKs' requests cross origins (page and proxy differ by nothing but path here, yet XHR
        // with custom headers is preflighted by neither: same origin).
        if (req.method !== 'OPTIONS') requests.push(masked(req.method ?? '', url, req.headers, Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(url.startsWith('/server-side/v2-settings') ? file : JSON.stringify(lookupAnswer(url)));
      });
    });
    origin = await listenOnLoopback(server);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });

  /** The requests one SDK sends, in a fresh page (empty localStorage), for `calls`; sorted, as parallel requests arrive in any order. */
  async function requestsOf(which: 'ours' | 'reference', calls: readonly Call[], extra: Record<string, unknown> = {}): Promise<string[]> {
    requests = [];
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/page`, { waitUntil: 'load' });
    await page.evaluate(
      async ({ which, calls, options }) => {
        type Client = {
          getFlag(key: string, context: unknown): Promise<unknown>;
          trackEvent(event: string, context: unknown, props: unknown): Promise<unknown>;
          setAttribute(attributes: unknown, context: unknown): Promise<unknown>;
        };
        const scope = window as unknown as { VWO: { init(o: unknown): Promise<Client> }; vwoSdk: { init(o: unknown): Promise<Client> } };
        const client = await (which === 'ours' ? scope.VWO : scope.vwoSdk).init(options);
        for (const call of calls) {
          // A copy per call: aliasing aside, neither SDK writes into the caller's context.
          const ctx = { ...call.context };
          if (call.api === 'getFlag') await client.getFlag(call.key, ctx);
          else if (call.api === 'trackEvent') await client.trackEvent(call.event, ctx, call.props);
          else await client.setAttribute(call.attributes, ctx);
        }
      },
      {
        which,
        calls,
        options: {
          accountId: FME_ACCOUNT_ID,
          sdkKey: FME_SDK_KEY,
          proxyUrl: origin,
          shouldWaitForTrackingCalls: true,
          logger: { level: 'ERROR' },
          ...extra,
        },
      },
    );
    // Init-time events (sdkInit, usage stats) are not awaited by either SDK: wait until quiet.
    let seen = -1;
    const start = Date.now();
    while (seen !== requests.length && Date.now() - start < 15_000) {
      seen = requests.length;
      await new Promise((resolve) => setTimeout(resolve, 750));
    }
    await context.close();
    expect(errors).toEqual([]);
    return [...requests].sort();
  }

  it('sends the same requests as vwo-fme-javascript-sdk 1.35.0 for generated users (0 differences)', async () => {
    const calls = generatedCalls(20261206, 12);
    const reference = await requestsOf('reference', calls);
    const ours = await requestsOf('ours', calls);
    // The identity and the page's user agent are really on the wire (the comparison is not vacuous).
    const userAgent = await browser.newContext().then(async (c) => {
      const ua = await (await c.newPage()).evaluate(() => navigator.userAgent);
      await c.close();
      return ua;
    });
    expect(reference.some((r) => r.includes('sn=vwo-fme-javascript-sdk') && r.includes('platform=client'))).toBe(true);
    expect(reference.some((r) => r.includes(`"visitor_ua":${JSON.stringify(userAgent)}`))).toBe(true);
    expect(reference.filter((r) => r.includes('en=vwo_variationShown')).length).toBeGreaterThan(calls.length / 4);
    if (process.env.WIRE_DUMP) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.WIRE_DUMP}.ref`, reference.join('\n'));
      writeFileSync(`${process.env.WIRE_DUMP}.ours`, ours.join('\n'));
    }
    const onlyReference = reference.filter((r) => !ours.includes(r));
    const onlyOurs = ours.filter((r) => !reference.includes(r));
    expect({ onlyReference, onlyOurs }).toEqual({ onlyReference: [], onlyOurs: [] });
    expect(ours).toEqual(reference);
    // Location and user-agent segments made both ask VWO's host (here the proxy) without a gateway.
    expect(reference.some((r) => r.startsWith('GET /get-user-details?') && r.includes('accountId='))).toBe(true);
  });

  it('looks aliases up on VWO’s host without a gatewayService, as 1.35.0 (0 differences)', async () => {
    const calls = generatedCalls(7, 8);
    const reference = await requestsOf('reference', calls, { isAliasingEnabled: true });
    const ours = await requestsOf('ours', calls, { isAliasingEnabled: true });
    expect(reference.some((r) => r.startsWith('GET /user-alias/getAliasUserId?'))).toBe(true);
    // Some ids were aliases: their events name the known user's uuid, so ids used as given would differ.
    expect(aliasesGiven).toBeGreaterThan(0);
    expect(ours).toEqual(reference);
  });

  it('ignores batchEventData and sends every event at once, as 1.35.0 (0 differences)', async () => {
    const calls = generatedCalls(99, 8);
    const batchEventData = { eventsPerRequest: 100, requestTimeInterval: 600 };
    const reference = await requestsOf('reference', calls, { batchEventData });
    const ours = await requestsOf('ours', calls, { batchEventData });
    expect(reference.some((r) => r.includes('batch-events'))).toBe(false);
    expect(reference.filter((r) => r.includes('en=vwo_variationShown')).length).toBeGreaterThan(calls.length / 4);
    expect(ours).toEqual(reference);
  });
});
