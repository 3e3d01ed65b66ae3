/**
 * The GET writer (requests.ts) keeps parts of its URLs per context and per campaign, and the
 * encodings (encoding.ts) answer plain text without their regular expressions. These
 * properties hold both to what they replaced (support/get-request-v0.ts), byte for byte, on
 * generated contexts and records: odd ids, values with `%&#+`, non-ASCII text, lone
 * surrogates, every kind of number, contexts changed in place or used in turn.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endpointPath } from '../src/delivery/index.js';
import { encodeComponent, jsText, numberText, queryValue } from '../src/events/encoding.js';
import {
  type EventContext,
  type EventRecord,
  goalEvent,
  impressionEvent,
  pushEvent,
  toBatchRequest,
  toGetRequest,
  usageStats,
} from '../src/events/index.js';
import { encodeComponentV0, queryValueV0, toGetRequestV0, urlPathV0 } from './support/get-request-v0.js';

/** Any UTF-16 code unit, so lone surrogates and broken pairs come up often. */
const codeUnits = fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 12 });
/** Mostly plain, with the characters the query escapes and the ones `encodeURIComponent` keeps. */
const specials = fc.string({ unit: fc.constantFrom(...'%&#+ =?/{}"\\aZ09-_.!~*\'()ü😀\uD800\uDC00\u0000\u007f'), maxLength: 10 });
const plain = fc.string({ unit: fc.constantFrom(...'abcXYZ0189-_.'), maxLength: 12 });
const text = fc.oneof(
  plain,
  specials,
  codeUnits,
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const number = fc.oneof(
  fc.nat(1_000_000),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 1.5e-7, 2 ** 53),
);
const id = fc.oneof({ weight: 4, arbitrary: fc.nat(300) }, { weight: 1, arbitrary: number }, { weight: 1, arbitrary: text });
const anything = fc.oneof(id, fc.constantFrom(undefined, null, true, false), fc.array(fc.nat(9), { maxLength: 3 }));
const visitorText = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: text });

const contextFields = fc.record({
  accountId: fc.oneof(fc.nat(2_000_000_000), text),
  sdkKey: fc.option(text, { nil: undefined }),
  collectionPrefix: fc.option(fc.oneof(fc.constantFrom('', 'eu', 'as'), text), { nil: undefined }),
  collectorUrl: fc.option(
    fc.constantFrom(
      'https://collector.example',
      'http://localhost:8080/',
      'http://localhost:8080/base',
      'https://h.example/x?y',
      'HTTPS://H#f',
    ),
    { nil: undefined },
  ),
  sdkName: fc.option(text, { nil: undefined }),
  sdkVersion: fc.option(text, { nil: undefined }),
  usage: fc.option(
    fc.record({
      batchEvents: fc.boolean(),
      userStorage: fc.boolean(),
      logLevel: fc.integer({ min: 0, max: 5 }),
      pollingInterval: fc.boolean(),
    }),
    { nil: undefined },
  ),
  eventIds: fc.boolean(),
});
type ContextFields = typeof contextFields extends fc.Arbitrary<infer T> ? T : never;

const recordSpec = fc.record({
  type: fc.constantFrom('impression', 'goal', 'push'),
  userId: fc.oneof(plain, text),
  time: fc.oneof(fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }), fc.double({ min: 0, max: 2e12, noNaN: true })),
  random: fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), number),
  campaignId: id,
  variationId: anything,
  goal: fc.record({ id: anything, type: fc.constantFrom('REVENUE_TRACKING', 'CUSTOM_GOAL') }),
  revenueValue: anything,
  userAgent: visitorText,
  userIpAddress: visitorText,
  key: text,
  value: anything,
  /** Before this record, the context's SDK key is changed in place (a caller's own context). */
  changeSdkKey: fc.option(text, { freq: 8, nil: undefined }),
});
type RecordSpec = typeof recordSpec extends fc.Arbitrary<infer T> ? T : never;

interface MutableContext extends EventContext {
  settings: { accountId: string | number; sdkKey: string | undefined; isEventArchEnabled: boolean; collectionPrefix: string | undefined };
  random: () => number;
}

function contextOf(fields: ContextFields, pinned: { random: number; now: number }): MutableContext {
  let counter = 0;
  return {
    settings: {
      accountId: fields.accountId,
      sdkKey: fields.sdkKey,
      isEventArchEnabled: false,
      collectionPrefix: fields.collectionPrefix,
    },
    collectorUrl: fields.collectorUrl,
    sdkName: fields.sdkName,
    sdkVersion: fields.sdkVersion,
    usageStats: fields.usage === undefined ? undefined : usageStats(fields.usage),
    now: () => pinned.now,
    random: () => pinned.random,
    eventId: fields.eventIds ? () => `id.${counter++}` : undefined,
  };
}

function recordOf(ctx: EventContext, spec: RecordSpec): EventRecord {
  const visitor = { userAgent: spec.userAgent, userIpAddress: spec.userIpAddress };
  const campaign = { id: spec.campaignId as number };
  const variation = { id: spec.variationId };
  switch (spec.type) {
    case 'impression':
      return impressionEvent(ctx, campaign, variation, spec.userId, visitor);
    case 'goal':
      return goalEvent(ctx, campaign, variation, { ...spec.goal, revenueProp: undefined }, spec.userId, {
        ...visitor,
        revenueValue: spec.revenueValue,
      });
    default:
      return pushEvent(ctx, spec.key, spec.value, spec.userId);
  }
}

/** Both writers on the same record, the context's `random` pinned to the same value for each. */
function expectSameRequest(ctx: MutableContext, record: EventRecord, pinned: { random: number }, random: number): void {
  pinned.random = random;
  const request = toGetRequest(ctx, record);
  const former = toGetRequestV0(ctx, record);
  expect(request).toEqual(former);
  expect(endpointPath(request.url)).toBe(urlPathV0(former.url));
}

describe('the GET writer', () => {
  it('writes every request byte for byte as the writer it replaced', () => {
    fc.assert(
      fc.property(contextFields, fc.array(recordSpec, { minLength: 1, maxLength: 8 }), (fields, specs) => {
        const pinned = { random: 0, now: 1_800_000_000_000 };
        const ctx = contextOf(fields, pinned);
        for (const spec of specs) {
          if (spec.changeSdkKey !== undefined) ctx.settings.sdkKey = spec.changeSdkKey;
          pinned.now = spec.time;
          expectSameRequest(ctx, recordOf(ctx, spec), pinned, spec.random);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the parts of contexts used in turn apart, and of a context whose settings were swapped', () => {
    fc.assert(
      fc.property(
        contextFields,
        contextFields,
        fc.array(fc.tuple(fc.nat(2), recordSpec), { minLength: 2, maxLength: 12 }),
        (a, b, steps) => {
          const pinned = { random: 0, now: 1_800_000_000_000 };
          const contexts = [contextOf(a, pinned), contextOf(b, pinned)];
          for (const [which, spec] of steps) {
            let ctx = contexts[which % 2] as MutableContext;
            // A new settings object with the same fields, as a settings update gives.
            if (which === 2) ctx = Object.assign(ctx, { settings: { ...ctx.settings } });
            pinned.now = spec.time;
            expectSameRequest(ctx, recordOf(ctx, spec), pinned, spec.random);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('trusts the parts of a frozen context and still rewrites those of one whose settings change in place', () => {
    fc.assert(
      fc.property(
        contextFields,
        contextFields,
        fc.array(fc.tuple(fc.nat(1), recordSpec), { minLength: 2, maxLength: 12 }),
        (a, b, steps) => {
          const pinned = { random: 0, now: 1_800_000_000_000 };
          // Frozen with its settings, as a client makes it: its parts are kept without comparing fields.
          const frozenSettings = Object.freeze({ ...contextOf(a, pinned).settings });
          const frozen = Object.freeze({ ...contextOf(a, pinned), settings: frozenSettings }) as MutableContext;
          // Frozen itself, but its settings are not: a change of the SDK key in place must show.
          const half = Object.freeze(contextOf(b, pinned));
          expect(Object.isFrozen(frozen) && Object.isFrozen(frozen.settings) && !Object.isFrozen(half.settings)).toBe(true);
          for (const [which, spec] of steps) {
            const ctx = which === 0 ? frozen : half;
            if (ctx === half && spec.changeSdkKey !== undefined) half.settings.sdkKey = spec.changeSdkKey;
            pinned.now = spec.time;
            expectSameRequest(ctx, recordOf(ctx, spec), pinned, spec.random);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reuses the campaign and goal pieces of a context across many campaigns, variations and goals', () => {
    const pinned = { random: 0.25, now: 1_800_000_000_000 };
    const ctx = contextOf({ accountId: 888888, sdkKey: 'key', eventIds: true } as ContextFields, pinned);
    // More campaign × variation pairs and goals than there are slots, in an order that collides.
    for (let round = 0; round < 3; round++) {
      for (let campaignId = 0; campaignId < 200; campaignId += 7) {
        for (const variationId of [1, 2, 3, 33, -0, 0.5]) {
          const goal = { id: (campaignId * 13) % 97, type: 'CUSTOM_GOAL', revenueProp: undefined };
          for (const record of [
            impressionEvent(ctx, { id: campaignId }, { id: variationId }, `user-${campaignId}`),
            goalEvent(ctx, { id: campaignId }, { id: variationId }, goal, `user-${campaignId}`),
          ]) {
            expectSameRequest(ctx, record, pinned, Math.random());
          }
        }
      }
    }
  });

  it('writes a push of a tag it wrote before as the first time, whatever tags came between', () => {
    const pinned = { random: 0.5, now: 1_800_000_000_000 };
    const ctx = contextOf({ accountId: 888888, sdkKey: 'key', eventIds: false } as ContextFields, pinned);
    // Few keys and values, so that tags repeat, next to each other and apart; one too long to keep.
    const tag = fc.tuple(
      fc.constantFrom('browser', 'br wser', 'plan', 'ü'),
      fc.oneof(fc.constantFrom('chrome', 'chr&me', 'pro', '', 'x'.repeat(600)), anything),
    );
    fc.assert(
      fc.property(fc.array(tag, { minLength: 2, maxLength: 20 }), (pushes) => {
        for (const [key, value] of pushes) expectSameRequest(ctx, pushEvent(ctx, key, value, 'Ashley'), pinned, 0.5);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the session id of each event, its second kept or changed, whatever events came between', () => {
    const pinned = { random: 0.5, now: 1_800_000_000_000 };
    const ctx = contextOf({ accountId: 888888, sdkKey: 'key', eventIds: false } as ContextFields, pinned);
    // Few seconds and few campaigns, so that heads are reused within a second and across
    // seconds, back and forth, and a second's head meets another campaign of the same slot.
    const step = fc.record({
      type: fc.constantFrom('impression', 'goal', 'push'),
      time: fc.oneof(
        fc.integer({ min: 0, max: 4 }).map((k) => 1_800_000_000_000 + k * 400),
        fc.constantFrom(0, -0, -1, 999.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
      ),
      campaignId: fc.constantFrom(1, 2, 65, 129),
      variationId: fc.constantFrom(1, 2),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 30 }), (steps) => {
        for (const { type, time, campaignId, variationId } of steps) {
          pinned.now = time;
          const goal = { id: 7, type: 'CUSTOM_GOAL', revenueProp: undefined };
          const record =
            type === 'impression'
              ? impressionEvent(ctx, { id: campaignId }, { id: variationId }, 'Ashley')
              : type === 'goal'
                ? goalEvent(ctx, { id: campaignId }, { id: variationId }, goal, 'Ashley')
                : pushEvent(ctx, 'browser', 'chrome', 'Ashley');
          expectSameRequest(ctx, record, pinned, 0.5);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('names the path of any other URL by parsing it', () => {
    const pinned = { random: 0.5, now: 1_800_000_000_000 };
    const ctx = contextOf({ accountId: 1, collectorUrl: 'http://localhost:8080/base', eventIds: false } as ContextFields, pinned);
    const get = toGetRequest(ctx, impressionEvent(ctx, { id: 1 }, { id: 2 }, 'Ashley'));
    const batch = toBatchRequest(ctx, [
      goalEvent(ctx, { id: 1 }, { id: 2 }, { id: 3, type: 'CUSTOM_GOAL', revenueProp: undefined }, 'Ashley'),
    ]);
    expect(endpointPath(batch.url)).toBe('/base/server-side/batch-events');
    expect(endpointPath(get.url)).toBe('/base/server-side/track-user');
    expect(endpointPath('https://host')).toBe('/');
    expect(endpointPath(`${get.url}x`)).toBe('/base/server-side/track-user');
  });
});

describe('the encodings', () => {
  const values = fc.oneof(text, number.map(jsText), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

  it('queryValue escapes exactly what its regular expression escapes', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(queryValue(value)).toBe(queryValueV0(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('encodeComponent is encodeURIComponent, lone surrogates as U+FFFD', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(encodeComponent(value)).toBe(encodeComponentV0(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('numberText writes a number as JavaScript string conversion does, and anything else through jsText', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), number, fc.double({ min: 0, max: 1, maxExcluded: true }), anything), (value) => {
        expect(numberText(value)).toBe(jsText(value));
      }),
      { numRuns: 50_000 },
    );
    for (let i = 0; i < 20_000; i++) {
      const random = Math.random();
      expect(numberText(random)).toBe(String(random));
    }
    for (const value of [-0, 0, 1e21, 1e-7, -1e-7, 5e-324, Number.MAX_VALUE, Number.NaN, Number.NEGATIVE_INFINITY, 2 ** 53 + 2]) {
      expect(numberText(value)).toBe(String(value));
    }
  });

  it('return plain values as they are, and escape every other printable ASCII character as before', () => {
    for (let code = 0; code < 0x80; code++) {
      const char = String.fromCharCode(code);
      for (const value of [char, `a${char}`, `${char}1`]) {
        expect(queryValue(value)).toBe(queryValueV0(value));
        expect(encodeComponent(value)).toBe(encodeComponentV0(value));
      }
    }
    expect(queryValue('{"p":"server"}')).toBe('{"p":"server"}');
    expect(queryValue('a b&c#d%e+f')).toBe('a%20b%26c%23d%25e%2Bf');
    expect(encodeComponent('\uD800x')).toBe('%EF%BF%BDx');
  });
});
