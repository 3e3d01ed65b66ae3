/**
 * The batch body is written by hand (events/requests.ts). These properties prove it is the very
 * text `JSON.stringify` gives for the event objects 1.73.0's format calls for — same keys in the
 * same order, same escaping, `undefined` members left out — and that `Content-Length` is its
 * UTF-8 byte count, on generated records with odd values in every field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventContext, type EventRecord, eventIdSource, toBatchRequest, visitorUuid } from '../src/events/index.js';
import { batchRequest } from '../src/events/requests.js';

const ctx: EventContext = {
  settings: { accountId: 888888, sdkKey: 'sdkkey123', isEventArchEnabled: false, collectionPrefix: undefined },
  now: () => 1_795_928_066_123,
  random: () => 0.5,
};

/**
 * A context whose visitor ids are the user ids themselves, so that generated odd values reach
 * `u` as they are: only a custom `visitorUuid` can hand the writer text that needs escaping.
 */
const idCtx: EventContext = { ...ctx, visitorUuid: (userId) => userId };
const asIs = (userId: string): unknown => userId;
/** The ids `ctx` derives: the visitor UUIDs of account 888888. */
const uuidOf = (userId: string): unknown => visitorUuid(888888, userId);

/**
 * The event objects as the writer replaced them: one object per record, then `JSON.stringify`;
 * `u` is the visitor id the context derives from the record's user id.
 */
function referenceBody(records: readonly EventRecord[], visitorIdOf: (userId: string) => unknown = uuidOf): string {
  return JSON.stringify({ ev: records.map((record) => referenceEvent(record, visitorIdOf(record.userId))) });
}

function referenceEvent(record: EventRecord, u: unknown): Record<string, unknown> {
  const sId = Math.ceil(record.time / 1000);
  let event: Record<string, unknown>;
  switch (record.type) {
    case 'impression':
      event = {
        e: record.campaignId,
        c: record.variationId,
        sId,
        u,
        eT: 1,
        visitor_ua: record.userAgent,
        visitor_ip: record.userIpAddress,
      };
      break;
    case 'goal':
      event = {
        e: record.campaignId,
        c: record.variationId,
        sId,
        u,
        eT: 2,
        visitor_ua: record.userAgent,
        visitor_ip: record.userIpAddress,
        g: record.goalId,
      };
      if (record.hasRevenue) event.r = record.revenue;
      break;
    case 'push':
      event = { sId, u, eT: 3, t: encodeURIComponent(JSON.stringify({ u: { [record.key]: record.value } })) };
      break;
  }
  if (record.eventId !== undefined) event.eid = record.eventId;
  return event;
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** Any UTF-16 code unit, so lone surrogates, controls, quotes and backslashes come up often. */
const codeUnits = fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 12 });
const oddText = fc.oneof(
  codeUnits,
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', '"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', '\ud83d\ude00', 'é', 'Mozilla/5.0 (X)'),
);
/** Strings of the shapes the client sends: hex ids, event ids, user agents and IPs. */
const usualText = fc.oneof(
  fc.stringMatching(/^[0-9A-F]{32}$/),
  fc.stringMatching(/^[0-9a-z]{20}\.[0-9a-z]{1,6}$/),
  fc.constantFrom('', '1.2.3.4', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15'),
);
const oddNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, -Infinity),
);
/** An object whose JSON depends on the key it is written under, as `toJSON(key)` allows. */
const keyedToJson = fc.constant({ toJSON: (key: string) => `written under ${key}` });
const anyValue = fc.oneof(
  { arbitrary: oddText, weight: 3 },
  { arbitrary: usualText, weight: 3 },
  { arbitrary: oddNumber, weight: 3 },
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.jsonValue({ maxDepth: 2 }),
  fc.array(fc.oneof(oddNumber, oddText), { maxLength: 3 }),
  keyedToJson,
  fc.constantFrom(Symbol('s'), () => 1, new Date(0), new Number(5), new String('x')),
);
/** Mostly the client's own shapes, with an odd value in any field now and then. */
const fieldOf = <T>(usual: fc.Arbitrary<T>) => fc.oneof({ arbitrary: usual, weight: 4 }, { arbitrary: anyValue, weight: 1 });
const time = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4_000_000_000_000 }), weight: 4 }, { arbitrary: oddNumber, weight: 1 });
const eventId = fc.option(fieldOf(usualText), { nil: undefined });

/** What impressions and conversions have in common; only `eventId` may be missing. */
const eventFields = {
  userId: fieldOf(usualText),
  time,
  eventId,
  campaignId: fieldOf(fc.integer({ min: 1, max: 10_000 })),
  variationId: fieldOf(fc.integer({ min: 1, max: 10 })),
  userAgent: fieldOf(usualText),
  userIpAddress: fieldOf(usualText),
};
const eventKeys = ['type', 'userId', 'time', 'campaignId', 'variationId', 'userAgent', 'userIpAddress'] as const;

const impression = fc.record({ type: fc.constant('impression' as const), ...eventFields }, { requiredKeys: [...eventKeys] });
const goal = fc.record(
  {
    type: fc.constant('goal' as const),
    ...eventFields,
    goalId: fieldOf(fc.integer({ min: 1, max: 100_000 })),
    hasRevenue: fc.boolean(),
    revenue: fieldOf(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom('10.5', '0', 'abc'))),
  },
  { requiredKeys: [...eventKeys, 'goalId', 'hasRevenue', 'revenue'] },
);
const push = fc.record(
  {
    type: fc.constant('push' as const),
    userId: fieldOf(usualText),
    time,
    eventId,
    key: fc.oneof(usualText, fc.string({ unit: 'grapheme', maxLength: 8 })),
    value: fc.option(fc.oneof(usualText, fc.string({ unit: 'grapheme', maxLength: 8 })), { nil: undefined }),
  },
  { requiredKeys: ['type', 'userId', 'time', 'key', 'value'] },
);
const records = fc.array(fc.oneof(impression, goal, push), { maxLength: 12 }) as fc.Arbitrary<EventRecord[]>;

describe('the batch body (events.md §7)', () => {
  it('is byte-identical to JSON.stringify of the event objects, for any records', () => {
    fc.assert(
      fc.property(records, (batch) => {
        const request = toBatchRequest(idCtx, batch);
        const expected = referenceBody(batch, asIs);
        expect(request.body).toBe(expected);
        expect(request.headers?.['Content-Length']).toBe(String(utf8Bytes(expected)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is identical for the client’s own records, whose visitor and event ids it does not re-check', () => {
    const ownRecords = records.map((batch) =>
      batch.map((record, i) => ({
        ...record,
        userId: `user-${i}`,
        eventId: i % 4 === 3 ? undefined : `k2f0x9q3c1m8z7a4b6d5.${i.toString(36)}`,
      })),
    ) as fc.Arbitrary<EventRecord[]>;
    fc.assert(
      fc.property(ownRecords, (batch) => {
        const request = batchRequest(ctx, batch, true);
        const expected = referenceBody(batch);
        expect(request.body).toBe(expected);
        expect(request.headers?.['Content-Length']).toBe(String(utf8Bytes(expected)));
      }),
      { numRuns: 10_000 },
    );
  });

  it('may trust the client’s ids: event ids and visitor ids never hold anything JSON escapes', () => {
    const plain = /^[ !#-[\]-~]*$/;
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -1, 2 ** 60)), fc.nat(5000), (random, count) => {
        const nextId = eventIdSource(() => random);
        let id = '';
        for (let i = 0; i <= count; i += 97) id = nextId();
        expect(id).toMatch(plain);
      }),
    );
    const realIds = eventIdSource();
    for (let i = 0; i < 10_000; i++) expect(realIds()).toMatch(plain);
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (userId) => {
        expect(visitorUuid(888888, userId)).toMatch(/^[0-9A-F]{32}$/);
      }),
    );
  });

  // How the server build writes (without JSON.stringify); the browser build's body is JSON.stringify's, by design.
  it.skipIf(process.env.VWO_CORE_BUILD === 'browser')(
    'writes the client’s own events (numbers, hex ids, event ids, plain user agents) without JSON.stringify and identically',
    () => {
      const clientFields = {
        userId: fc.string({ maxLength: 24 }),
        time: fc.integer({ min: 0, max: 4_000_000_000_000 }),
        eventId: fc.stringMatching(/^[0-9a-z]{20}\.[0-9a-z]{1,6}$/),
        campaignId: fc.integer({ min: 1, max: 10_000 }),
        variationId: fc.integer({ min: 1, max: 10 }),
        userAgent: usualText,
        userIpAddress: usualText,
      };
      const usual = fc.array(
        fc.oneof(
          fc.record({ type: fc.constant('impression' as const), ...clientFields }),
          fc.record({
            type: fc.constant('goal' as const),
            ...clientFields,
            goalId: fc.integer({ min: 1, max: 100_000 }),
            hasRevenue: fc.boolean(),
            revenue: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(undefined)),
          }),
        ),
        { maxLength: 20 },
      );
      const stringify = JSON.stringify;
      let calls = 0;
      JSON.stringify = ((...args: Parameters<typeof stringify>) => {
        calls++;
        return stringify(...args);
      }) as typeof stringify;
      let bodies: { body: string | undefined; batch: EventRecord[] }[] = [];
      try {
        bodies = fc.sample(usual, 2000).map((batch) => ({ body: toBatchRequest(ctx, batch).body, batch }));
      } finally {
        JSON.stringify = stringify;
      }
      for (const { body, batch } of bodies) expect(body).toBe(referenceBody(batch));
      // Only a revenue of `undefined` (left out of the JSON) goes through JSON.stringify.
      const withUndefinedRevenue = bodies
        .flatMap(({ batch }) => batch)
        .filter((r) => r.type === 'goal' && r.hasRevenue && r.revenue === undefined);
      expect(calls).toBe(withUndefinedRevenue.length);
    },
  );

  it('keeps each event’s campaign, variation, second and goal when many events share the cached pieces', () => {
    // The writer keeps the text of a campaign–variation–second and of a goal in direct-mapped
    // slots (256 and 64 of them): these ids take turns in the same slots, as the many campaigns
    // of one track(null) may.
    const campaigns = [5, 5 + 256, 5 + 512, 42, 42 + 256 * 7, 99, 99, 99];
    const variations = [1, 2, 1 + 256];
    const goals = [10, 10 + 64, 10 + 128, 10 + 64 * 50];
    const next = eventIdSource(() => 0.25);
    const batch: EventRecord[] = [];
    for (let i = 0; i < 4000; i++) {
      const campaignId = campaigns[i % campaigns.length] as number;
      const base = {
        userId: `user-${i % 37}`,
        time: 1_795_928_066_123 + Math.floor(i / 900) * 1000 + (i % 3),
        eventId: i % 5 === 4 ? undefined : next(),
        campaignId,
        variationId: variations[Math.floor(i / campaigns.length) % variations.length] as number,
        userAgent: '',
        userIpAddress: '',
      };
      batch.push(
        i % 2 === 0
          ? { type: 'impression', ...base }
          : { type: 'goal', ...base, goalId: goals[i % goals.length] as number, hasRevenue: false, revenue: undefined },
      );
    }
    const expected = referenceBody(batch);
    expect(batchRequest(ctx, batch, true).body).toBe(expected);
    expect(toBatchRequest(ctx, batch).body).toBe(expected);
  });

  it('is identical over many events, user agents of every length and several chunks', () => {
    const random = fc.sample(fc.oneof(usualText, oddText, fc.string({ minLength: 500, maxLength: 4000 })), { numRuns: 3000, seed: 7 });
    const batch: EventRecord[] = random.map((userAgent, i) => ({
      type: i % 3 === 0 ? 'impression' : 'goal',
      userId: 'Ashley',
      time: 1_795_928_066_123 + i,
      eventId: i % 4 === 3 ? undefined : `k2f0x9q3c1m8z7a4b6d5.${i.toString(36)}`,
      campaignId: 230,
      variationId: 1 + (i % 2),
      goalId: 214,
      hasRevenue: i % 5 === 0,
      revenue: i % 7 === 0 ? '10.5' : i / 3,
      userAgent,
      userIpAddress: i % 11 === 0 ? '9.9.9.9' : '',
    })) as EventRecord[];
    // An event longer than a chunk on its own, first and in the middle.
    const huge = { ...(batch[1] as EventRecord), userAgent: 'U'.repeat(100_000) } as EventRecord;
    batch.unshift(huge);
    batch.splice(1500, 0, huge);
    const request = toBatchRequest(ctx, batch);
    const expected = referenceBody(batch);
    expect(request.body?.length).toBeGreaterThan(3 * 64 * 1024);
    expect(request.body).toBe(expected);
    expect(request.headers?.['Content-Length']).toBe(String(utf8Bytes(expected)));
    // The client's own path (ids not re-checked) crosses the same chunk borders identically.
    expect(batchRequest(ctx, batch, true).body).toBe(expected);
  });

  /** A conversion of a revenue goal whose revenue JSON.stringify handles its own way. */
  const revenueGoal = (revenue: unknown): EventRecord => ({
    type: 'goal',
    userId: 'Ashley',
    time: 1_795_928_066_123,
    campaignId: 230,
    variationId: 1,
    goalId: 214,
    hasRevenue: true,
    revenue,
    userAgent: '',
    userIpAddress: '',
  });

  it('throws where JSON.stringify throws (a BigInt revenue), so the delivery counts the batch as failed', () => {
    const bigint = revenueGoal(10n);
    expect(() => referenceBody([bigint])).toThrow(TypeError);
    expect(() => toBatchRequest(ctx, [bigint])).toThrow(TypeError);
  });

  it('writes a record of an unknown type as null, and fails on one with an event id, as JSON.stringify of the body did', () => {
    const stray = { type: 'other', userId: 'Ashley', time: 1_795_928_066_123 } as unknown as EventRecord;
    expect(toBatchRequest(ctx, [stray]).body).toBe('{"ev":[null]}');
    expect(() => toBatchRequest(ctx, [{ ...stray, eventId: 'x.1' } as EventRecord])).toThrow(TypeError);
  });

  it('calls toJSON with the member name, as JSON.stringify of the whole body did', () => {
    const keys: string[] = [];
    const revenue = {
      toJSON(key: string) {
        keys.push(key);
        return 5;
      },
    };
    const record = revenueGoal(revenue);
    expect(toBatchRequest(ctx, [record]).body).toBe(referenceBody([record]));
    expect(keys).toEqual(['r', 'r']);
  });
});
