/**
 * Differential tests: the same events built by vwo-node-sdk 1.73.0's own code
 * (ImpressionUtil → EventQueue → EventDispatcherUtil / BatchEventsDispatcher → HttpHandlerUtil)
 * with Node's `https` stubbed, against ours. Its clock and Math.random are pinned through its
 * FunctionUtil so whole URLs and bodies can be compared byte for byte.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  conversionEvent,
  type EventContext,
  type EventRecord,
  type EventRequest,
  goalEvent,
  impressionEvent,
  pushEvent,
  toBatchRequest,
  toEventArchRequest,
  toGetRequest,
  type UsageStats,
  type UsageStatsInput,
  usageStats,
  visitorPropsEvent,
} from '../src/events/index.js';

type Json = Record<string, unknown>;
type Props = Record<string, unknown>;

const require = createRequire(import.meta.url);
const lib = (path: string) => require(`vwo-node-sdk/lib/${path}`);

const ImpressionUtil = lib('utils/ImpressionUtil') as {
  buildEventForTrackingUser(...args: unknown[]): Props;
  buildEventForTrackingGoal(...args: unknown[]): Props;
  buildEventForPushing(...args: unknown[]): Props;
  buildBatchEventForTrackingUser(...args: unknown[]): Props;
  buildBatchEventForTrackingGoal(...args: unknown[]): Props;
  buildBatchEventForPushing(...args: unknown[]): Props;
  getEventsBaseProperties(...args: unknown[]): Props;
  getTrackUserPayloadData(...args: unknown[]): Json;
  getTrackGoalPayloadData(...args: unknown[]): Json;
  getPushPayloadData(...args: unknown[]): Json;
};
const FunctionUtil = lib('utils/FunctionUtil') as Record<string, unknown>;
const UrlService = lib('services/UrlService') as { collectionPrefix?: string };
const EventQueue = lib('services/EventQueue') as new () => {
  process(config: Json, properties: Props, vwo: Json, extra?: Json): void;
};
const BatchEventsDispatcher = lib('utils/BatchEventsDispatcher') as {
  dispatch(body: Json, cb: () => void, query: Json, authToken: unknown): void;
};
const ReferenceUsageStats = lib('services/UsageStats') as new () => {
  collectUsageStats(config: Json): void;
  getUsageStats(): Json;
};
const { LogManager } = lib('services/logging') as { LogManager: new (config: Json) => object };
const vwoSdk = require('vwo-node-sdk') as { launch(config: Json): Json };
const https = require('node:https') as Record<'get' | 'request', (...args: unknown[]) => unknown>;

interface Captured {
  method: string;
  url: string;
  headers: [string, string][];
  body?: string;
}
let captured: Captured[] = [];

const originalClock = { ...FunctionUtil };
function pinReferenceClock(now: number, random: number): void {
  FunctionUtil.getCurrentUnixTimestamp = () => Math.ceil(now / 1000);
  FunctionUtil.getCurrentUnixTimestampInMillis = () => now;
  FunctionUtil.getRandomNumber = () => random;
}

beforeAll(() => {
  const headersOf = (h: Record<string, unknown>) => Object.entries(h).map(([k, v]): [string, string] => [k, String(v)]);
  vi.spyOn(https, 'get').mockImplementation(((options: { hostname: string; path: string; headers: Json }) => {
    captured.push({ method: 'GET', url: `https://${options.hostname}${options.path}`, headers: headersOf(options.headers) });
    return { on: () => undefined };
  }) as never);
  vi.spyOn(https, 'request').mockImplementation(((options: { method: string; hostname: string; path: string; headers: Json }) => {
    const request: Captured = {
      method: options.method,
      url: `https://${options.hostname}${options.path}`,
      headers: headersOf(options.headers),
      body: '',
    };
    captured.push(request);
    return {
      on: () => undefined,
      write: (chunk: string) => {
        request.body += chunk;
      },
      end: () => undefined,
    };
  }) as never);
});
afterEach(() => {
  captured = [];
  UrlService.collectionPrefix = undefined;
});
afterAll(() => {
  Object.assign(FunctionUtil, originalClock);
  vi.restoreAllMocks();
});

function single(): Captured {
  expect(captured).toHaveLength(1);
  return captured[0];
}

function sendThroughReferenceQueue(properties: Props, payload?: Json): Captured {
  const queue = new EventQueue();
  queue.process({}, properties, { eventQueue: queue }, payload ? { payload } : {});
  return single();
}

function comparable(request: EventRequest): Captured {
  return {
    method: request.method,
    url: request.url,
    headers: Object.entries(request.headers ?? {}),
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

// --- arbitraries ------------------------------------------------------------------------------

// Printable ASCII that 1.73.0 and we both send raw (everything but `%&#+`), for byte-exact URLs.
const RAW_SAFE = [...'!"$\'()*,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'];
const rawSafeText = fc.string({ unit: fc.constantFrom(...RAW_SAFE), minLength: 1, maxLength: 12 });
const propKey = fc.string({ unit: fc.constantFrom(...'abcdexyz_0123456789'), minLength: 1, maxLength: 6 });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormedJson = fc.jsonValue().filter((v) => !LONE_SURROGATE.test(JSON.stringify(v) ?? ''));

const common = fc.record({
  accountId: fc.oneof(fc.integer({ min: 1, max: 1_000_000_000 }), rawSafeText),
  sdkKey: fc.option(rawSafeText, { nil: undefined }),
  prefix: fc.option(fc.constantFrom('eu', 'as', 'us-2'), { nil: undefined }),
  usage: fc.record({
    batchEvents: fc.boolean(),
    integrations: fc.boolean(),
    userStorage: fc.boolean(),
    customLogger: fc.boolean(),
    logLevel: fc.integer({ min: 0, max: 5 }),
    shouldTrackReturningUser: fc.boolean(),
    goalTypeToTrack: fc.boolean(),
    pollingInterval: fc.boolean(),
  }),
  now: fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
  random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  userId: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  userAgent: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: undefined }),
  userIpAddress: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ unit: 'grapheme', maxLength: 10 })), {
    nil: undefined,
  }),
});
type Common = typeof common extends fc.Arbitrary<infer T> ? T : never;

const campaignId = fc.oneof(fc.nat(100_000), rawSafeText);
const variationId = fc.oneof(fc.nat(20), rawSafeText);
// Numbers below 1e21 print without `e+` (a `+` is the one raw character we escape).
const revenue = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.constant('0'),
  fc.boolean(),
  fc.double({ min: -1e20, max: 1e20, noNaN: true }),
  rawSafeText,
);
const goal = fc.record({
  id: fc.oneof(fc.nat(1000), rawSafeText),
  type: fc.constantFrom('REVENUE_TRACKING', 'CUSTOM_GOAL'),
  revenueProp: fc.option(propKey, { nil: undefined }),
});
const eventProperties = fc.option(fc.dictionary(propKey, wellFormedJson, { noNullPrototype: true, maxKeys: 4 }), {
  nil: undefined,
});
const dimensionValue = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer(), fc.boolean(), wellFormedJson);

function setUp(c: Common, isEventArchEnabled = false): { ctx: EventContext; settings: Json; stats: UsageStats } {
  const stats = usageStats(c.usage);
  UrlService.collectionPrefix = c.prefix;
  pinReferenceClock(c.now, c.random);
  return {
    ctx: {
      settings: { accountId: c.accountId, sdkKey: c.sdkKey, isEventArchEnabled, collectionPrefix: c.prefix },
      usageStats: stats,
      now: () => c.now,
      random: () => c.random,
    },
    settings: { accountId: c.accountId, sdkKey: c.sdkKey, isEventArchEnabled },
    stats,
  };
}

const visitor = (c: Common) => ({ userAgent: c.userAgent, userIpAddress: c.userIpAddress });
const tagText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const RUNS = { numRuns: 1500 };

// --- tests ------------------------------------------------------------------------------------

describe('usage statistics against 1.73.0', () => {
  it('hold the same keys, values and order as UsageStats.collectUsageStats', () => {
    fc.assert(
      fc.property(
        fc.record({
          batchEvents: fc.boolean(),
          integrations: fc.boolean(),
          userStorage: fc.boolean(),
          customLogger: fc.boolean(),
          logLevel: fc.option(fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(Number.NaN)), { nil: undefined }),
          shouldTrackReturningUser: fc.option(fc.boolean(), { nil: undefined }),
          goalTypeToTrack: fc.boolean(),
          pollingInterval: fc.boolean(),
        }),
        (input: UsageStatsInput) => {
          const reference = new ReferenceUsageStats();
          reference.collectUsageStats({
            batchEvents: input.batchEvents ? {} : undefined,
            integrations: input.integrations ? {} : undefined,
            userStorageService: input.userStorage ? {} : undefined,
            logger: input.customLogger ? {} : new LogManager({}),
            logging: input.logLevel === undefined ? undefined : { level: input.logLevel },
            shouldTrackReturningUser: input.shouldTrackReturningUser,
            goalTypeToTrack: input.goalTypeToTrack ? 'ALL' : undefined,
            pollingInterval: input.pollingInterval ? 1000 : undefined,
          });
          expect(Object.entries(usageStats(input))).toEqual(Object.entries(reference.getUsageStats()));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('classic GET requests against 1.73.0', () => {
  it('an impression is byte-identical to buildEventForTrackingUser sent through the event queue', () => {
    fc.assert(
      fc.property(common, campaignId, variationId, (c, cid, vid) => {
        const { ctx, settings, stats } = setUp(c);
        const reference = sendThroughReferenceQueue(
          ImpressionUtil.buildEventForTrackingUser(settings, cid, vid, c.userId, stats, c.userAgent, c.userIpAddress),
        );
        const ours = toGetRequest(ctx, impressionEvent(ctx, { id: cid }, { id: vid }, c.userId, visitor(c)));
        expect(comparable(ours)).toEqual(reference);
        captured = [];
      }),
      RUNS,
    );
  });

  it('a conversion is byte-identical to buildEventForTrackingGoal sent through the event queue', () => {
    fc.assert(
      fc.property(common, campaignId, variationId, goal, revenue, (c, cid, vid, g, r) => {
        const { ctx, settings } = setUp(c);
        const reference = sendThroughReferenceQueue(
          ImpressionUtil.buildEventForTrackingGoal(settings, cid, vid, c.userId, g, r, c.userAgent, c.userIpAddress),
        );
        const ours = toGetRequest(ctx, goalEvent(ctx, { id: cid }, { id: vid }, g, c.userId, { ...visitor(c), revenueValue: r }));
        expect(comparable(ours)).toEqual(reference);
        captured = [];
      }),
      RUNS,
    );
  });

  it('a push is byte-identical to buildEventForPushing sent through the event queue', () => {
    fc.assert(
      fc.property(common, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), dimensionValue, (c, key, value) => {
        const { ctx, settings } = setUp(c);
        const reference = sendThroughReferenceQueue(ImpressionUtil.buildEventForPushing(settings, key, tagText(value), c.userId));
        expect(comparable(toGetRequest(ctx, pushEvent(ctx, key, value, c.userId)))).toEqual(reference);
        captured = [];
      }),
      RUNS,
    );
  });
});

describe('batch POST against 1.73.0', () => {
  const batchEntry = fc.oneof(
    fc.record({ kind: fc.constant('impression' as const), cid: campaignId, vid: variationId }),
    fc.record({
      kind: fc.constant('goal' as const),
      cid: campaignId,
      vid: variationId,
      goal,
      revenue,
      eventProperties,
    }),
    fc.record({
      kind: fc.constant('push' as const),
      key: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      value: dimensionValue,
    }),
  );

  it('is byte-identical to the batch queue events sent by BatchEventsDispatcher (URL, headers, body)', () => {
    fc.assert(
      fc.property(common, fc.boolean(), fc.array(batchEntry, { minLength: 1, maxLength: 6 }), (c, isEventArchEnabled, entries) => {
        const { ctx, settings, stats } = setUp(c, isEventArchEnabled);
        const refEvents: Props[] = [];
        const records: EventRecord[] = [];
        for (const e of entries) {
          if (e.kind === 'impression') {
            refEvents.push(ImpressionUtil.buildBatchEventForTrackingUser(settings, e.cid, e.vid, c.userId, c.userAgent, c.userIpAddress));
            records.push(impressionEvent(ctx, { id: e.cid }, { id: e.vid }, c.userId, visitor(c)));
          } else if (e.kind === 'goal') {
            refEvents.push(
              ImpressionUtil.buildBatchEventForTrackingGoal(
                settings,
                e.cid,
                e.vid,
                c.userId,
                e.goal,
                e.revenue,
                e.eventProperties,
                c.userAgent,
                c.userIpAddress,
              ),
            );
            records.push(
              goalEvent(ctx, { id: e.cid }, { id: e.vid }, e.goal, c.userId, {
                ...visitor(c),
                revenueValue: e.revenue,
                eventProperties: e.eventProperties,
              }),
            );
          } else {
            refEvents.push(ImpressionUtil.buildBatchEventForPushing(settings, e.key, tagText(e.value), c.userId));
            records.push(pushEvent(ctx, e.key, e.value, c.userId));
          }
        }
        BatchEventsDispatcher.dispatch({ ev: refEvents }, () => {}, { a: c.accountId, ...stats }, c.sdkKey);
        expect(comparable(toBatchRequest(ctx, records))).toEqual(single());
        captured = [];
      }),
      { numRuns: 1000 },
    );
  });
});

describe('event-architecture POST against 1.73.0', () => {
  it('an impression equals getEventsBaseProperties + getTrackUserPayloadData through the event queue', () => {
    fc.assert(
      fc.property(common, campaignId, variationId, (c, cid, vid) => {
        const { ctx, settings, stats } = setUp(c, true);
        const reference = sendThroughReferenceQueue(
          ImpressionUtil.getEventsBaseProperties(settings, 'vwo_variationShown', stats, c.userAgent, c.userIpAddress),
          ImpressionUtil.getTrackUserPayloadData(settings, c.userId, 'vwo_variationShown', cid, vid),
        );
        const ours = toEventArchRequest(ctx, impressionEvent(ctx, { id: cid }, { id: vid }, c.userId, visitor(c)));
        expect(comparable(ours)).toEqual(reference);
        captured = [];
      }),
      RUNS,
    );
  });

  it('a conversion equals getTrackGoalPayloadData (metric order, revenue props, eventProperties)', () => {
    fc.assert(
      fc.property(
        common,
        rawSafeText,
        fc.array(fc.record({ campaignId: fc.oneof(fc.nat(60), rawSafeText), goalId: fc.oneof(fc.nat(999), rawSafeText) }), {
          minLength: 1,
          maxLength: 5,
        }),
        revenue,
        fc.uniqueArray(propKey, { maxLength: 3 }),
        eventProperties,
        (c, goalIdentifier, converted, revenueValue, revenueProps, props) => {
          const { ctx, settings } = setUp(c, true);
          const metricMap: Record<string, Json> = {};
          for (const m of converted) metricMap[String(m.campaignId)] = { goal: { id: m.goalId } };
          const reference = sendThroughReferenceQueue(
            ImpressionUtil.getEventsBaseProperties(settings, goalIdentifier, {}, c.userAgent, c.userIpAddress),
            ImpressionUtil.getTrackGoalPayloadData(
              settings,
              c.userId,
              goalIdentifier,
              metricMap,
              revenueValue,
              new Set(revenueProps),
              props,
            ),
          );
          const record = conversionEvent(
            ctx,
            goalIdentifier,
            converted.map((m) => ({ campaign: { id: m.campaignId }, goal: { id: m.goalId } })),
            c.userId,
            { ...visitor(c), revenueValue, revenueProps, eventProperties: props },
          );
          expect(comparable(toEventArchRequest(ctx, record))).toEqual(reference);
          captured = [];
        },
      ),
      RUNS,
    );
  });

  it('a push map equals getPushPayloadData (vwo_syncVisitorProp, no user agent or usage stats)', () => {
    fc.assert(
      fc.property(common, fc.dictionary(propKey, dimensionValue, { noNullPrototype: true, minKeys: 1, maxKeys: 5 }), (c, dimensions) => {
        const { ctx, settings } = setUp(c, true);
        const reference = sendThroughReferenceQueue(
          ImpressionUtil.getEventsBaseProperties(settings, 'vwo_syncVisitorProp'),
          ImpressionUtil.getPushPayloadData(settings, c.userId, 'vwo_syncVisitorProp', dimensions),
        );
        expect(comparable(toEventArchRequest(ctx, visitorPropsEvent(ctx, dimensions, c.userId)))).toEqual(reference);
        captured = [];
      }),
      RUNS,
    );
  });
});

describe('values 1.73.0 would send broken', () => {
  /** What a server reads: split on `&`, then the first `=`, each value decoded once. */
  function decodedQuery(url: string): [string, string][] {
    return url
      .slice(url.indexOf('?') + 1)
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair): [string, string] => {
        const eq = pair.indexOf('=');
        return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))];
      });
  }
  /** The values 1.73.0 meant to send: its property values, pre-encoded ones decoded. */
  function intended(properties: Props): [string, string][] {
    const preEncoded = new Set(['visitor_ua', 'visitor_ip', 'tags']);
    return Object.entries(properties)
      .filter(([key]) => key !== 'url')
      .map(([key, value]): [string, string] => [key, preEncoded.has(key) ? decodeURIComponent(String(value)) : String(value)]);
  }
  const anyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 15 });

  it('arrive intact: every parameter decodes to the value 1.73.0 meant, and fetch accepts the URL', () => {
    fc.assert(
      fc.property(
        common,
        fc.record({ accountId: anyText, sdkKey: anyText, cid: anyText, vid: anyText, goalId: anyText, r: anyText }),
        (c, weird) => {
          const { ctx, settings } = setUp({ ...c, accountId: weird.accountId, sdkKey: weird.sdkKey });
          const g = { id: weird.goalId, type: 'REVENUE_TRACKING', revenueProp: undefined };
          const properties = ImpressionUtil.buildEventForTrackingGoal(settings, weird.cid, weird.vid, c.userId, g, weird.r);
          const request = toGetRequest(ctx, goalEvent(ctx, { id: weird.cid }, { id: weird.vid }, g, c.userId, { revenueValue: weird.r }));
          expect(decodedQuery(request.url)).toEqual(intended(properties));
          // WHATWG URL parsing (what fetch does) keeps every parameter, in order.
          expect([...new URL(request.url).searchParams]).toEqual(intended(properties));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a goal identifier with & # % + and spaces is one en parameter', () => {
    const ctx: EventContext = {
      settings: { accountId: 1, sdkKey: 'k', isEventArchEnabled: true, collectionPrefix: undefined },
      now: () => 1000,
      random: () => 0.5,
    };
    const request = toEventArchRequest(ctx, conversionEvent(ctx, 'a&b#c%d+e f=ü', [], 'u'));
    expect(request.url).toContain('?en=a%26b%23c%25d%2Be%20f=%C3%BC&a=1&');
    expect(new URL(request.url).searchParams.get('en')).toBe('a&b#c%d+e f=ü');
  });

  it('lone surrogates in user agent or push tags become U+FFFD where 1.73.0 throws', () => {
    const ctx: EventContext = {
      settings: { accountId: 1, sdkKey: 'k', isEventArchEnabled: false, collectionPrefix: undefined },
      now: () => 1000,
      random: () => 0.5,
    };
    expect(() => encodeURIComponent('a\uD800')).toThrow(URIError);
    const impression = toGetRequest(ctx, impressionEvent(ctx, { id: 1 }, { id: 1 }, 'u', { userAgent: 'a\uD800' }));
    expect(impression.url).toContain('visitor_ua=a%EF%BF%BD&');
    expect(impression.headers).toEqual({ 'X-Device-User-Agent': 'a%EF%BF%BD' });
    expect(toGetRequest(ctx, pushEvent(ctx, '\uDC00k', 'v', 'u')).url).toContain('tags={"u":{"%EF%BF%BDk":"v"}}&');
  });
});

describe('track over several campaigns through the real 1.73.0 client', () => {
  it('sends the same batch as ours except that it shifts the IP address into visitor_ua', () => {
    const settingsFile = {
      accountId: 888888,
      version: 1,
      sdkKey: 'sdkkey123',
      campaigns: [1, 3].map((id) => ({
        id,
        key: `AB${id}`,
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        isForcedVariationEnabled: false,
        segments: {},
        goals: [{ id: id * 100 + 1, identifier: 'buy', type: 'CUSTOM_GOAL' }],
        variations: [{ id: 1, name: 'Control', weight: 100 }],
      })),
    };
    const now = 1795928026500;
    pinReferenceClock(now, 0.5);
    const vwo = vwoSdk.launch({ settingsFile, logging: { level: 4 } }) as {
      track(...args: unknown[]): Record<string, boolean>;
    };
    captured = [];
    const options = { userAgent: 'Mozilla/5.0 (X)', userIpAddress: '1.2.3.4' };
    expect(vwo.track(['AB1', 'AB3'], 'Ashley', 'buy', options)).toEqual({ AB1: true, AB3: true });
    const reference = single();

    const ctx: EventContext = {
      settings: { accountId: 888888, sdkKey: 'sdkkey123', isEventArchEnabled: false, collectionPrefix: undefined },
      usageStats: usageStats({ logLevel: 4 }),
      now: () => now,
      random: () => 0.5,
    };
    const records = [1, 3].map((id) =>
      goalEvent(ctx, { id }, { id: 1 }, { id: id * 100 + 1, type: 'CUSTOM_GOAL', revenueProp: undefined }, 'Ashley', options),
    );
    const ours = comparable(toBatchRequest(ctx, records));
    expect(ours.url).toBe(reference.url);
    const shifted = (ours.body ?? '').replaceAll(
      '"visitor_ua":"Mozilla/5.0 (X)","visitor_ip":"1.2.3.4"',
      '"visitor_ua":"1.2.3.4","visitor_ip":""',
    );
    expect(shifted).toBe(reference.body);
    expect(ours.body).not.toBe(reference.body);
  });
});
