/**
 * VWO FME (vwo-fme-node-sdk 1.35.0's wire) over real HTTP on loopback: the settings endpoints,
 * the `/events/t` envelopes captured from the reference (fme/events.md), `batch-events-v2`
 * bodies, attribution to features, rules and variations, refusals, faults and CORS.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type CollectedEvent, type Collector, startCollector } from '../src/index.js';
import { jsonOf, loadCases, rawRequest, SETTINGS, visitor } from './helpers.js';

interface FmeCase {
  name: string;
  target: string;
  headers: Record<string, string>;
  body: string;
  event: Partial<CollectedEvent>;
}

const FME_SETTINGS = loadCases<Record<string, unknown>>('fme-settings.json');
const CAPTURED = loadCases<FmeCase[]>('fme-requests.json');
const KEY = 'abcdef0123456789abcdef0123456789';
const QUERY = `a=123456&p=FS&visitor_ua=undefined&visitor_ip=&sn=vwo-fme-node-sdk&sv=1.35.0&env=${KEY}&url=httpsdev.visualwebsiteoptimizer.com/events/t`;
const BATCH_TARGET = `/server-side/batch-events-v2?a=123456&env=${KEY}&sn=vwo-fme-node-sdk&sv=1.35.0`;

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: [SETTINGS, FME_SETTINGS] });
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

/** An FME envelope as 1.35.0 builds it (fme/events.md §3.4). */
function envelope(name: string, props: Record<string, unknown>, uuid: string, time: number, visitorProps: Record<string, unknown> = {}) {
  return {
    d: {
      msgId: `${uuid}-${time}`,
      visId: uuid,
      sessionId: Math.ceil(time / 1000),
      visitor_ua: '',
      visitor_ip: '',
      event: { props: { vwo_sdkName: 'vwo-fme-node-sdk', vwo_sdkVersion: '1.35.0', vwo_envKey: KEY, ...props }, name, time },
      visitor: { props: { vwo_fs_environment: KEY, ...visitorProps } },
    },
  };
}

const impression = (campaignId: number, variationId: number, uuid: string, time: number) =>
  envelope('vwo_variationShown', { id: campaignId, variation: variationId, isFirst: 1 }, uuid, time);
const custom = (name: string, uuid: string, time: number, extra: Record<string, unknown> = {}) =>
  envelope(name, { isCustomEvent: true, variation: 1, id: 1, ...extra }, uuid, time);

const sendOne = (body: { d: { event: { name: string } } }, extraQuery = '') =>
  rawRequest(collector.url, 'POST', `/events/t?en=${body.d.event.name}&eTime=1&random=0.5&${QUERY}${extraQuery}`, {
    body: JSON.stringify(body),
  });
const sendBatch = (events: unknown[], authorization: string | null = KEY) =>
  rawRequest(collector.url, 'POST', BATCH_TARGET, {
    body: JSON.stringify({ ev: events }),
    headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
  });

describe('FME settings endpoints', () => {
  test('GET /server-side/v2-settings and /v2-pull serve the FME file for its account and SDK key, with the reference query', async () => {
    for (const path of ['v2-settings', 'v2-pull']) {
      const reply = await rawRequest(
        collector.url,
        'GET',
        `/server-side/${path}?i=${KEY}&r=0.29994358930077203&a=123456&platform=server&sn=vwo-fme-node-sdk&sv=1.35.0&api-version=1&s=prod`,
      );
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(reply.text)).toEqual(FME_SETTINGS);
    }
    expect(collector.stats().requests.byEndpoint).toMatchObject({ 'v2-settings': 1, 'v2-pull': 1, settings: 0 });
    const missing = await rawRequest(collector.url, 'GET', '/server-side/v2-settings?i=other&a=123456');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error).toBe('no settings for account "123456" and SDK key "other"');
    expect((await rawRequest(collector.url, 'GET', '/server-side/v2-settings?a=123456')).status).toBe(400);
  });
});

describe('FME events captured from vwo-fme-node-sdk 1.35.0', () => {
  test.each(CAPTURED)('$name is accepted and recorded as an FME event', async (c) => {
    const reply = await rawRequest(collector.url, 'POST', c.target, { body: c.body, headers: c.headers });
    expect(reply.status, reply.text).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ ok: true, events: 1, duplicates: 0 });
    const [event] = collector.events();
    expect(collector.events()).toHaveLength(1);
    expect(event).toMatchObject({ format: 'fme', via: 'event-arch', endpoint: 'event-arch', accountId: '123456', env: KEY, ...c.event });
    expect(event?.raw).toEqual(JSON.parse(c.body).d);
    const { fme, events } = collector.stats();
    expect(fme.events.total).toBe(1);
    expect(fme.events.byName).toEqual({ [event?.eventName as string]: 1 });
    // Legacy counters are untouched by FME events.
    expect(events.total).toBe(0);
  });

  test('the debug event is counted by its message template, attributes by key, revenue by the metric’s revenueProp', async () => {
    for (const c of CAPTURED) await rawRequest(collector.url, 'POST', c.target, { body: c.body, headers: c.headers });
    const { fme } = collector.stats();
    expect(fme.events).toEqual({
      total: 6,
      impressions: 1,
      conversions: 1,
      attributes: 1,
      sdk: 3,
      byName: { vwo_variationShown: 1, purchase: 1, vwo_syncVisitorProp: 1, vwo_sdkDebug: 1, vwo_fmeSdkInit: 1, vwo_sdkUsageStats: 1 },
      byVia: { 'event-arch': 6, batch: 0 },
    });
    expect(fme.debugMessages).toEqual({ FEATURE_NOT_FOUND: 1 });
    expect(fme.attributes).toEqual({ total: 1, byKey: { x: 1, y: 1, b: 1 } });
    // The impression (rollout, user-1) came 9 ms before the purchase: attributed to both rules of
    // checkout that the visitor had seen (only the rollout) and to nothing of banner.
    expect(fme.metrics).toEqual({ purchase: { conversions: 1, uniqueVisitors: 1, revenue: 12.5, unattributed: 0 } });
    expect(fme.features.checkout?.rules.rollout?.variations['1']).toEqual({
      impressions: 1,
      uniqueVisitors: 1,
      conversions: { purchase: 1 },
      uniqueConversions: { purchase: 1 },
      revenue: { purchase: 12.5 },
    });
  });

  test('an /events/t request without sn keeps its legacy (vwo-node-sdk 1.73.0) meaning', async () => {
    const body = custom('purchase', visitor(1), 1000);
    const reply = await rawRequest(collector.url, 'POST', `/events/t?en=purchase&a=123456&env=${KEY}&`, { body: JSON.stringify(body) });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).error).toBe('d.event.props.vwoMeta: expected an object (a goal event), got nothing');
  });
});

describe('FME batches (POST /server-side/batch-events-v2)', () => {
  test('records every envelope of the body, in order, with the SDK key as Authorization', async () => {
    const [init, usage, shown] = [CAPTURED[4], CAPTURED[5], CAPTURED[0]].map((c) => JSON.parse((c as FmeCase).body));
    const reply = await sendBatch([init, usage, shown]);
    expect(reply.status, reply.text).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ ok: true, events: 3, duplicates: 0 });
    expect(collector.events().map((e) => [e.kind, e.eventName, e.via, e.endpoint])).toEqual([
      ['sdk', 'vwo_fmeSdkInit', 'batch', 'batch-events-v2'],
      ['sdk', 'vwo_sdkUsageStats', 'batch', 'batch-events-v2'],
      ['impression', 'vwo_variationShown', 'batch', 'batch-events-v2'],
    ]);
    expect(collector.stats().fme.events.byVia).toEqual({ 'event-arch': 0, batch: 3 });
    expect(collector.stats().requests.byEndpoint['batch-events-v2']).toBe(1);
  });

  test('refuses a batch without the SDK key, and a batch with one bad element records none of it', async () => {
    const good = impression(11, 1, visitor(1), 1000);
    const unauthorised = await sendBatch([good], null);
    expect(unauthorised.status).toBe(400);
    expect(JSON.parse(unauthorised.text).error).toBe('Authorization: expected the SDK key of env, got nothing');
    const bad = await sendBatch([good, impression(11, 0, visitor(2), 1000)]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toBe('ev[1].d.event.props.variation: expected a positive integer, got 0');
    expect(collector.events()).toEqual([]);
    expect(collector.stats().rejected.total).toBe(2);
  });

  test('identical envelopes all count (1.35.0 repeats impressions, ids or not); an eid names a resend', async () => {
    const shown = impression(11, 2, visitor(3), 2000);
    await sendBatch([shown, shown]);
    const again = await sendBatch([shown]);
    expect(JSON.parse(again.text)).toEqual({ ok: true, events: 1, duplicates: 0 });
    expect(collector.stats().fme.campaigns['11']?.impressions).toBe(3);
    await sendOne(shown, '&eid=e-1');
    expect(JSON.parse((await sendOne(shown, '&eid=e-1')).text)).toEqual({ ok: true, events: 1, duplicates: 1 });
    expect(collector.stats().fme.campaigns['11']?.impressions).toBe(4);
    expect(collector.stats().duplicates).toBe(1);
  });
});

describe('FME statistics per feature, rule and variation', () => {
  test('impressions go to the rules linking the campaign (personalise rules by their variation); conversions to the variation each visitor had seen', async () => {
    const [a, b, c, d] = [visitor(1), visitor(2), visitor(3), visitor(4)];
    // Sent in one batch, deliberately out of time order: d's purchase arrives before its impression.
    await sendBatch([
      custom('purchase', d, 5_000, { revenue: 20 }),
      impression(10, 1, a, 1_000),
      impression(11, 1, a, 1_000),
      impression(10, 1, b, 1_100),
      impression(11, 2, b, 1_100),
      impression(10, 1, b, 1_200),
      impression(11, 2, b, 1_200),
      impression(12, 2, c, 1_300),
      impression(10, 1, d, 4_000),
      impression(11, 2, d, 4_000),
      custom('purchase', a, 2_000, { revenue: 10 }),
      custom('add_to_cart', b, 2_000),
      custom('add_to_cart', b, 2_100),
      custom('purchase', c, 2_000, { revenue: '7.5' }),
      // Before any impression of this visitor: nothing to attribute it to.
      custom('purchase', visitor(5), 900, { revenue: 1 }),
    ]);
    const { fme } = collector.stats();
    expect(fme.features).toEqual({
      checkout: {
        rules: {
          rollout: {
            campaignId: 10,
            type: 'FLAG_ROLLOUT',
            impressions: 4,
            uniqueVisitors: 3,
            variations: {
              '1': {
                impressions: 4,
                uniqueVisitors: 3,
                conversions: { purchase: 2, add_to_cart: 2 },
                uniqueConversions: { purchase: 2, add_to_cart: 1 },
                revenue: { purchase: 30 },
              },
            },
          },
          ab: {
            campaignId: 11,
            type: 'FLAG_TESTING',
            impressions: 4,
            uniqueVisitors: 3,
            variations: {
              '1': {
                impressions: 1,
                uniqueVisitors: 1,
                conversions: { purchase: 1 },
                uniqueConversions: { purchase: 1 },
                revenue: { purchase: 10 },
              },
              '2': {
                impressions: 3,
                uniqueVisitors: 2,
                conversions: { purchase: 1, add_to_cart: 2 },
                uniqueConversions: { purchase: 1, add_to_cart: 1 },
                revenue: { purchase: 20 },
              },
            },
          },
        },
      },
      banner: {
        rules: {
          pro: {
            campaignId: 12,
            type: 'FLAG_PERSONALIZE',
            impressions: 1,
            uniqueVisitors: 1,
            variations: {
              '2': {
                impressions: 1,
                uniqueVisitors: 1,
                conversions: { purchase: 1 },
                uniqueConversions: { purchase: 1 },
                revenue: { purchase: 7.5 },
              },
            },
          },
          free: { campaignId: 12, type: 'FLAG_PERSONALIZE', impressions: 0, uniqueVisitors: 0, variations: {} },
        },
      },
    });
    expect(fme.metrics).toEqual({
      purchase: { conversions: 4, uniqueVisitors: 4, revenue: 38.5, unattributed: 1 },
      add_to_cart: { conversions: 2, uniqueVisitors: 1, revenue: null, unattributed: 0 },
    });
    expect(fme.campaigns['11']).toEqual({
      impressions: 4,
      uniqueVisitors: 3,
      variations: { '1': { impressions: 1, uniqueVisitors: 1 }, '2': { impressions: 3, uniqueVisitors: 2 } },
    });
  });

  test('a conversion goes to the variation of the latest impression sent no later than it', async () => {
    const a = visitor(7);
    await sendBatch([
      impression(11, 1, a, 1_000),
      impression(11, 2, a, 3_000),
      custom('add_to_cart', a, 2_000),
      custom('add_to_cart', a, 3_000),
    ]);
    const ab = collector.stats().fme.features.checkout?.rules.ab;
    expect(ab?.variations['1']?.conversions).toEqual({ add_to_cart: 1 });
    expect(ab?.variations['2']?.conversions).toEqual({ add_to_cart: 1 });
  });

  test('without FME settings for the account and key, events are counted per campaign and metric, not per feature', async () => {
    const bare = await startCollector();
    try {
      await rawRequest(bare.url, 'POST', BATCH_TARGET, {
        body: JSON.stringify({ ev: [impression(11, 1, visitor(1), 1000), custom('purchase', visitor(1), 2000, { revenue: 3 })] }),
        headers: { authorization: KEY },
      });
      const { fme } = bare.stats();
      expect(fme.features).toEqual({});
      expect(fme.campaigns['11']?.impressions).toBe(1);
      expect(fme.metrics.purchase).toEqual({ conversions: 1, uniqueVisitors: 1, revenue: null, unattributed: 1 });
    } finally {
      await bare.close();
    }
  });

  test('reset() forgets FME statistics too', async () => {
    await sendOne(impression(11, 1, visitor(1), 1000));
    expect(collector.stats().fme.events.total).toBe(1);
    collector.reset();
    expect(collector.stats().fme.events.total).toBe(0);
    expect(collector.stats().fme.campaigns).toEqual({});
  });
});

describe('malformed FME requests', () => {
  const shown = impression(11, 1, visitor(1), 1000);
  test.each([
    [
      'an impression without a variation',
      envelope('vwo_variationShown', { id: 11 }, visitor(1), 1000),
      'd.event.props.variation: expected a positive integer, got nothing',
    ],
    [
      'an event without its time',
      { d: { ...shown.d, event: { ...shown.d.event, time: undefined } } },
      'd.event.time: expected a time in ms (a non-negative integer), got nothing',
    ],
    ['an event without a visitor', { d: { ...shown.d, visitor: undefined } }, 'd.visitor: expected an object, got nothing'],
    [
      'a visitor id that is not a UUID',
      { d: { ...shown.d, visId: 'user-1' } },
      'd.visId: expected a 32-character hex visitor UUID, got "user-1"',
    ],
  ])('%s → 400 naming the field', async (_name, body, error) => {
    const reply = await sendOne(body as never);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text)).toEqual({ error });
    expect(collector.events()).toEqual([]);
  });

  test('en must match d.event.name, and env is required except for usage statistics', async () => {
    const mismatch = await rawRequest(collector.url, 'POST', `/events/t?en=other&${QUERY}`, { body: JSON.stringify(shown) });
    expect(JSON.parse(mismatch.text)).toEqual({ error: 'en: does not match d.event.name, got "other"' });
    const noEnv = await rawRequest(collector.url, 'POST', '/events/t?en=vwo_variationShown&a=123456&sn=vwo-fme-node-sdk', {
      body: JSON.stringify(shown),
    });
    expect(JSON.parse(noEnv.text)).toEqual({ error: 'env: required' });
  });
});

describe('faults and CORS on the FME endpoints', () => {
  test('"events" faults hit FME events and batches; v2-settings can be faulted by name', async () => {
    collector.injectFaults([
      { kind: 'status', status: 503, endpoints: 'events', count: 2 },
      { kind: 'invalid-json', endpoints: 'v2-settings' },
    ]);
    expect((await sendOne(impression(11, 1, visitor(1), 1000))).status).toBe(503);
    expect((await sendBatch([impression(11, 1, visitor(2), 1000)])).status).toBe(503);
    expect((await sendBatch([impression(11, 1, visitor(3), 1000)])).status).toBe(200);
    const settings = await rawRequest(collector.url, 'GET', `/server-side/v2-settings?i=${KEY}&a=123456`);
    expect(settings.status).toBe(200);
    expect(() => JSON.parse(settings.text)).toThrow();
    expect(collector.stats().requests.faulted).toBe(3);
    expect(collector.stats().fme.events.total).toBe(1);
  });

  test('a preflight to batch-events-v2 allows the Authorization header; answers allow any origin', async () => {
    const preflight = await fetch(collector.url + BATCH_TARGET, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:1',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const answer = await fetch(collector.url + BATCH_TARGET, {
      method: 'POST',
      headers: { authorization: KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ ev: [impression(11, 1, visitor(1), 1000)] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(await jsonOf(answer)).toEqual({ ok: true, events: 1, duplicates: 0 });
    expect(collector.stats().requests.total).toBe(1);
  });
});
