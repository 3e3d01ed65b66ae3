import { describe, expect, it } from 'vitest';
import {
  conversionEvent,
  type EventArchRecord,
  type EventContext,
  type EventRecord,
  type EventRequest,
  type EventSettings,
  goalEvent,
  impressionEvent,
  pushEvent,
  SDK_NAME,
  SDK_VERSION,
  toBatchRequest,
  toEventArchRequest,
  toGetRequest,
  type UsageStatsInput,
  usageStats,
  visitorPropsEvent,
} from '../src/events/index.js';
import table from './cases/events.json';

type CaseEvent =
  | {
      type: 'impression';
      campaignId: number;
      variationId: number;
      userId: string;
      options?: { userAgent?: string; userIpAddress?: string };
    }
  | {
      type: 'goal';
      campaignId: number;
      variationId: number;
      goal: { id: number; type: string; revenueProp?: string };
      userId: string;
      options?: { revenueValue?: unknown; userAgent?: string; userIpAddress?: string };
    }
  | { type: 'push'; key: string; value: unknown; userId: string }
  | {
      type: 'conversion';
      goalIdentifier: string;
      converted: { campaignId: number; goalId: number }[];
      userId: string;
      options?: { revenueValue?: unknown; revenueProps?: string[]; eventProperties?: Record<string, unknown> };
    }
  | { type: 'visitorProps'; dimensions: Record<string, unknown>; userId: string };

interface Case {
  name: string;
  source: string;
  settings: { accountId: number; sdkKey?: string; isEventArchEnabled?: boolean; collectionPrefix?: string };
  usageStats?: UsageStatsInput;
  now: number;
  random: number;
  request: 'get' | 'batch' | 'eventArch';
  events: CaseEvent[];
  expect: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string };
  referenceBody?: string;
}

const cases = (table as unknown as { cases: Case[] }).cases;

function contextFor(c: Case): EventContext {
  const settings: EventSettings = {
    accountId: c.settings.accountId,
    sdkKey: c.settings.sdkKey,
    isEventArchEnabled: c.settings.isEventArchEnabled === true,
    collectionPrefix: c.settings.collectionPrefix,
  };
  return {
    settings,
    usageStats: usageStats(c.usageStats ?? {}),
    now: () => c.now,
    random: () => c.random,
  };
}

function record(ctx: EventContext, e: CaseEvent): EventRecord | EventArchRecord {
  switch (e.type) {
    case 'impression':
      return impressionEvent(ctx, { id: e.campaignId }, { id: e.variationId }, e.userId, e.options);
    case 'goal':
      return goalEvent(ctx, { id: e.campaignId }, { id: e.variationId }, { revenueProp: undefined, ...e.goal }, e.userId, e.options);
    case 'push':
      return pushEvent(ctx, e.key, e.value, e.userId);
    case 'conversion':
      return conversionEvent(
        ctx,
        e.goalIdentifier,
        e.converted.map((c) => ({ campaign: { id: c.campaignId }, goal: { id: c.goalId } })),
        e.userId,
        e.options,
      );
    case 'visitorProps':
      return visitorPropsEvent(ctx, e.dimensions, e.userId);
  }
}

function build(c: Case): EventRequest {
  const ctx = contextFor(c);
  const records = c.events.map((e) => record(ctx, e));
  if (c.request === 'batch') return toBatchRequest(ctx, records as EventRecord[]);
  expect(records).toHaveLength(1);
  if (c.request === 'get') return toGetRequest(ctx, records[0] as EventRecord);
  return toEventArchRequest(ctx, records[0] as EventArchRecord);
}

/** Splits a URL the way a server does: path, then `key=value` pairs, each value decoded once. */
function parse(url: string): { origin: string; path: string; params: [string, string][]; rawQuery: string } {
  const q = url.indexOf('?');
  const parsed = new URL(url);
  const rawQuery = url.slice(q + 1);
  const params = rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair): [string, string] => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))];
    });
  return { origin: parsed.origin, path: parsed.pathname, params, rawQuery };
}

const CLOCK_AND_RANDOM = new Set(['sId', 'random', 'eTime']);

describe('events.md worked examples', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const request = build(c);
    const ours = parse(request.url);
    const expected = parse(c.expect.url);

    expect(request.method).toBe(c.expect.method);
    expect(ours.origin + ours.path).toBe(expected.origin + expected.path);
    expect(ours.params.filter(([k]) => !CLOCK_AND_RANDOM.has(k))).toEqual(expected.params.filter(([k]) => !CLOCK_AND_RANDOM.has(k)));

    // The clock and random parameters follow their formulas for the injected now() and random().
    for (const [key, value] of ours.params) {
      if (key === 'sId') expect(value).toBe(String(Math.ceil(c.now / 1000)));
      if (key === 'eTime') expect(value).toBe(String(c.now));
      if (key === 'random') expect(value).toBe(String(c.random));
    }
    // ...which reproduce the observed URL byte for byte, trailing '&' included.
    expect(request.url).toBe(c.expect.url);
    expect(request.url.endsWith('&')).toBe(true);

    expect(Object.entries(request.headers ?? {})).toEqual(Object.entries(c.expect.headers));
    expect(request.body).toBe(c.expect.body);
    if (request.body !== undefined) {
      expect(request.headers?.['Content-Length']).toBe(String(new TextEncoder().encode(request.body).length));
    }
  });

  it('event-architecture bodies derive msgId and sessionId from the same clock', () => {
    for (const c of cases.filter((k) => k.request === 'eventArch')) {
      const body = JSON.parse(build(c).body ?? '') as {
        d: { msgId: string; visId: string; sessionId: number; event: { time: number } };
      };
      expect(body.d.msgId).toBe(`${body.d.visId}-${c.now}`);
      expect(body.d.sessionId).toBe(Math.ceil(c.now / 1000));
      expect(body.d.event.time).toBe(c.now);
    }
  });

  it('a multi-campaign track batch differs from 1.73.0 only in visitor_ua and visitor_ip', () => {
    const c = cases.find((k) => k.referenceBody !== undefined);
    if (c === undefined || c.referenceBody === undefined) throw new Error('missing case');
    const ours = JSON.parse(build(c).body ?? '') as { ev: Record<string, unknown>[] };
    const reference = JSON.parse(c.referenceBody) as { ev: Record<string, unknown>[] };
    expect(ours.ev).toHaveLength(reference.ev.length);
    ours.ev.forEach((event, i) => {
      const ref = reference.ev[i];
      expect(Object.keys(event)).toEqual(Object.keys(ref));
      expect({ ...event, visitor_ua: 0, visitor_ip: 0 }).toEqual({ ...ref, visitor_ua: 0, visitor_ip: 0 });
      // 1.73.0: the IP address in visitor_ua and an empty visitor_ip. Ours: each in its own field.
      expect([ref.visitor_ua, ref.visitor_ip]).toEqual(['1.2.3.4', '']);
      expect([event.visitor_ua, event.visitor_ip]).toEqual(['Mozilla/5.0 (X)', '1.2.3.4']);
    });
  });
});

describe('usage statistics', () => {
  it('are sent in the order eb ig ss cl ll tr gt pi, closed by _l=1', () => {
    const all = usageStats({
      batchEvents: true,
      integrations: true,
      userStorage: true,
      customLogger: true,
      logLevel: 2,
      shouldTrackReturningUser: true,
      goalTypeToTrack: true,
      pollingInterval: true,
    });
    expect(Object.entries(all)).toEqual([
      ['eb', 1],
      ['ig', 1],
      ['ss', 1],
      ['cl', 1],
      ['ll', 2],
      ['tr', 1],
      ['gt', 1],
      ['pi', 1],
      ['_l', 1],
    ]);
  });

  it('drop zero and NaN values, and send nothing (not even _l) when none remain', () => {
    expect(usageStats({ logLevel: 0, shouldTrackReturningUser: false, batchEvents: false })).toEqual({});
    expect(usageStats({ logLevel: Number.NaN })).toEqual({});
    expect(Object.entries(usageStats({ logLevel: 4 }))).toEqual([
      ['ll', 4],
      ['_l', 1],
    ]);
  });

  it('are not collected in development mode', () => {
    expect(usageStats({ batchEvents: true, logLevel: 4, isDevelopmentMode: true })).toEqual({});
  });

  it('ride on impressions but not on conversions or pushes', () => {
    const ctx: EventContext = {
      settings: { accountId: 1, sdkKey: 'k', isEventArchEnabled: false, collectionPrefix: undefined },
      usageStats: usageStats({ logLevel: 4 }),
      now: () => 1,
      random: () => 0.5,
    };
    const goal = { id: 2, type: 'CUSTOM_GOAL', revenueProp: undefined };
    expect(toGetRequest(ctx, impressionEvent(ctx, { id: 1 }, { id: 1 }, 'u')).url).toContain('&ll=4&_l=1&');
    expect(toGetRequest(ctx, goalEvent(ctx, { id: 1 }, { id: 1 }, goal, 'u')).url).not.toContain('_l=');
    expect(toGetRequest(ctx, pushEvent(ctx, 'k', 'v', 'u')).url).not.toContain('_l=');
  });
});

describe('visitor ids', () => {
  it('are derived from each record’s user when a request is written, through the context’s own function when it has one', () => {
    const asked: string[] = [];
    const settings: EventSettings = { accountId: 888888, sdkKey: 'k', isEventArchEnabled: false, collectionPrefix: undefined };
    const ctx: EventContext = {
      settings,
      visitorUuid: (userId) => {
        asked.push(userId);
        return `V${userId.length}`;
      },
      now: () => 1_795_928_066_123,
      random: () => 0.5,
    };
    const goal = { id: 2, type: 'CUSTOM_GOAL', revenueProp: undefined };
    const impression = impressionEvent(ctx, { id: 1 }, { id: 1 }, 'Ashley');
    const conversion = goalEvent(ctx, { id: 1 }, { id: 1 }, goal, 'Bo');
    const push = pushEvent(ctx, 'k', 'v', 'Cy');
    const converted = conversionEvent(ctx, 'purchase', [{ campaign: { id: 1 }, goal }], 'Dee');
    const props = visitorPropsEvent(ctx, { k: 'v' }, 'Eve');
    expect(asked).toEqual([]);
    expect([impression, conversion, push, converted, props].map((record) => record.userId)).toEqual(['Ashley', 'Bo', 'Cy', 'Dee', 'Eve']);

    expect(toGetRequest(ctx, impression).url).toContain('&u=V6&');
    expect(toGetRequest(ctx, conversion).url).toContain('&u=V2&');
    expect(toGetRequest(ctx, push).url).toContain('&u=V2&');
    const batch = JSON.parse(toBatchRequest(ctx, [impression, conversion, push]).body ?? '') as { ev: { u: string }[] };
    expect(batch.ev.map((event) => event.u)).toEqual(['V6', 'V2', 'V2']);
    for (const record of [converted, props]) {
      const { d } = JSON.parse(toEventArchRequest({ ...ctx, settings: { ...settings, isEventArchEnabled: true } }, record).body ?? '');
      expect([d.visId, d.msgId]).toEqual(['V3', 'V3-1795928066123']);
    }
    expect(asked).toEqual(['Ashley', 'Bo', 'Cy', 'Ashley', 'Bo', 'Cy', 'Dee', 'Eve']);
  });

  it('are the account’s visitor UUIDs without such a function', () => {
    const ctx: EventContext = {
      settings: { accountId: 888888, sdkKey: 'k', isEventArchEnabled: false, collectionPrefix: undefined },
      now: () => 1,
      random: () => 0.5,
    };
    expect(toGetRequest(ctx, impressionEvent(ctx, { id: 1 }, { id: 1 }, 'Ashley')).url).toContain('&u=A46F7AA3A53150368683EE064793BAFD&');
  });
});

describe('SDK identity', () => {
  it('is the name and version VWO servers expect from vwo-node-sdk 1.73.0', () => {
    expect([SDK_NAME, SDK_VERSION]).toEqual(['vwo-node-sdk', '1.73.0']);
  });
});
