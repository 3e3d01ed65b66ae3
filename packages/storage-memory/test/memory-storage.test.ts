import type { FmeStorageRecord, StoredAssignment, UserStorage } from '@vwo/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStorage, DEFAULT_MAX_ENTRIES } from '../src/index.js';

const record = (userId: string, campaignKey: string, variationName = 'Control'): StoredAssignment => ({
  userId,
  campaignKey,
  variationName,
});

describe('createMemoryStorage', () => {
  it('a stored assignment comes back, synchronously', () => {
    const storage = createMemoryStorage();
    storage.set({ userId: 'user-42', campaignKey: 'checkout-button', variationName: 'Green', goalIdentifier: '_vwo_purchase' });
    const got = storage.get('user-42', 'checkout-button');
    expect(got).not.toBeInstanceOf(Promise);
    expect(got).toEqual({ userId: 'user-42', campaignKey: 'checkout-button', variationName: 'Green', goalIdentifier: '_vwo_purchase' });
    expect(storage.size).toBe(1);
  });

  it('satisfies the UserStorage contract of @vwo/core', async () => {
    const storage: UserStorage = createMemoryStorage();
    await storage.set(record('u', 'c', 'V'));
    expect(await storage.get('u', 'c')).toEqual(record('u', 'c', 'V'));
  });

  it('a second set for the same user and campaign replaces the first', () => {
    const storage = createMemoryStorage();
    storage.set({ ...record('u', 'c', 'Control'), goalIdentifier: 'g1' });
    storage.set(record('u', 'c', 'Variation-1'));
    expect(storage.get('u', 'c')).toEqual(record('u', 'c', 'Variation-1'));
    expect(storage.size).toBe(1);
  });

  it('a user or campaign never stored is a miss (undefined)', () => {
    const storage = createMemoryStorage();
    storage.set(record('u', 'c'));
    expect(storage.get('u', 'other')).toBeUndefined();
    expect(storage.get('other', 'c')).toBeUndefined();
    expect(storage.get('', '')).toBeUndefined();
  });

  it('records are copied in and out: mutating them does not change the store', () => {
    const storage = createMemoryStorage();
    const given = record('u', 'c', 'A');
    storage.set(given);
    given.variationName = 'changed after set';
    const got = storage.get('u', 'c')!;
    expect(got.variationName).toBe('A');
    got.variationName = 'changed after get';
    expect(storage.get('u', 'c')!.variationName).toBe('A');
    expect(storage.get('u', 'c')).not.toBe(storage.get('u', 'c'));
  });

  it('at maxEntries, storing a new pair evicts the least recently used one', () => {
    const storage = createMemoryStorage({ maxEntries: 3 });
    storage.set(record('u1', 'c'));
    storage.set(record('u2', 'c'));
    storage.set(record('u3', 'c'));
    storage.set(record('u4', 'c'));
    expect(storage.size).toBe(3);
    expect(storage.get('u1', 'c')).toBeUndefined();
    expect(['u2', 'u3', 'u4'].map((u) => storage.get(u, 'c')?.userId)).toEqual(['u2', 'u3', 'u4']);
  });

  it('a get makes the record recently used, so the next eviction takes another', () => {
    const storage = createMemoryStorage({ maxEntries: 3 });
    for (const u of ['u1', 'u2', 'u3']) storage.set(record(u, 'c'));
    storage.get('u1', 'c'); // u2 is now the oldest
    storage.set(record('u4', 'c'));
    expect(storage.get('u2', 'c')).toBeUndefined();
    expect(storage.get('u1', 'c')).toBeDefined();
    storage.set(record('u5', 'c')); // u3 was the oldest: u1 and u4 were read or written since
    expect(storage.get('u3', 'c')).toBeUndefined();
    expect(['u1', 'u4', 'u5'].every((u) => storage.get(u, 'c') !== undefined)).toBe(true);
  });

  it('overwriting an existing pair evicts nothing and makes it recently used', () => {
    const storage = createMemoryStorage({ maxEntries: 2 });
    storage.set(record('u1', 'c'));
    storage.set(record('u2', 'c'));
    storage.set(record('u1', 'c', 'New'));
    expect(storage.size).toBe(2);
    storage.set(record('u3', 'c'));
    expect(storage.get('u2', 'c')).toBeUndefined();
    expect(storage.get('u1', 'c')?.variationName).toBe('New');
  });

  it('a miss does not change the eviction order', () => {
    const storage = createMemoryStorage({ maxEntries: 2 });
    storage.set(record('u1', 'c'));
    storage.set(record('u2', 'c'));
    storage.get('nobody', 'c');
    storage.set(record('u3', 'c'));
    expect(storage.get('u1', 'c')).toBeUndefined();
  });

  it('maxEntries 1 keeps only the latest record', () => {
    const storage = createMemoryStorage({ maxEntries: 1 });
    storage.set(record('a', 'c'));
    storage.set(record('b', 'c'));
    expect(storage.size).toBe(1);
    expect(storage.get('a', 'c')).toBeUndefined();
    expect(storage.get('b', 'c')).toBeDefined();
  });

  it('holds exactly maxEntries after many more inserts, keeping the newest', () => {
    const storage = createMemoryStorage({ maxEntries: 1_000 });
    for (let i = 0; i < 10_000; i++) storage.set(record(`user-${i}`, 'c'));
    expect(storage.size).toBe(1_000);
    expect(storage.get('user-8999', 'c')).toBeUndefined();
    expect(storage.get('user-9000', 'c')).toBeDefined();
    expect(storage.get('user-9999', 'c')).toBeDefined();
  });

  it('unicode and very long user ids and campaign keys are kept apart and intact', () => {
    const storage = createMemoryStorage();
    const ids = [
      'ユーザー',
      'José',
      '😀x',
      'x😀',
      'e\u0301',
      'é',
      '\u0000',
      '\u0000\u0000',
      '',
      'a'.repeat(1_000_000),
      `${'b'.repeat(100_000)}😀`,
    ];
    for (const [i, id] of ids.entries()) storage.set(record(id, `campaign-${id}`, `V${i}`));
    expect(storage.size).toBe(ids.length);
    for (const [i, id] of ids.entries()) expect(storage.get(id, `campaign-${id}`)).toEqual(record(id, `campaign-${id}`, `V${i}`));
  });

  it('large metaData round-trips', () => {
    const storage = createMemoryStorage();
    const metaData: Record<string, unknown> = { nested: { list: Array.from({ length: 10_000 }, (_, i) => i) } };
    for (let i = 0; i < 10_000; i++) metaData[`key-${i}`] = `value-${i}`.repeat(10);
    storage.set({ ...record('u', 'c'), metaData });
    expect(storage.get('u', 'c')?.metaData).toEqual(metaData);
  });

  it('pairs that a separator-joined key would confuse stay distinct', () => {
    const storage = createMemoryStorage();
    const pairs: Array<[string, string]> = [
      ['a\u0000', 'b'],
      ['a', '\u0000b'],
      ['1:a', 'b'],
      ['', '1:ab'],
      ['ab', ''],
      ['a', 'b'],
      ['2:ab', ''],
      ['', '2:ab'],
    ];
    for (const [i, [u, c]] of pairs.entries()) storage.set(record(u, c, `V${i}`));
    expect(storage.size).toBe(pairs.length);
    for (const [i, [u, c]] of pairs.entries()) expect(storage.get(u, c)?.variationName).toBe(`V${i}`);
  });

  it('distinct (userId, campaignKey) pairs never collide (property)', () => {
    // A tiny alphabet of separators and digits makes naive joined keys collide quickly.
    const part = fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', ':', '1', '2', '|', '😀'), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(part, part), { selector: ([u, c]) => JSON.stringify([u, c]), minLength: 2, maxLength: 30 }),
        (pairs) => {
          const storage = createMemoryStorage();
          for (const [i, [u, c]] of pairs.entries()) storage.set(record(u, c, String(i)));
          expect(storage.size).toBe(pairs.length);
          for (const [i, [u, c]] of pairs.entries()) expect(storage.get(u, c)).toEqual(record(u, c, String(i)));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('behaves as a reference LRU under any sequence of get, set and delete (property)', () => {
    const user = fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5');
    const campaign = fc.constantFrom('c1', 'c2', 'c3');
    const op = fc.oneof(
      fc.tuple(fc.constant('get' as const), user, campaign),
      fc.tuple(fc.constant('set' as const), user, campaign),
      fc.tuple(fc.constant('delete' as const), user, campaign),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (maxEntries, ops) => {
        const storage = createMemoryStorage({ maxEntries });
        // The reference: an array of keys, least recently used first.
        const model: Array<{ key: string; variationName: string }> = [];
        for (const [step, [kind, u, c]] of ops.entries()) {
          const key = JSON.stringify([u, c]);
          const at = model.findIndex((m) => m.key === key);
          if (kind === 'get') {
            const expected = at === -1 ? undefined : model[at].variationName;
            expect(storage.get(u, c)?.variationName).toBe(expected);
            if (at !== -1) model.push(...model.splice(at, 1));
          } else if (kind === 'set') {
            storage.set(record(u, c, `V${step}`));
            if (at !== -1) model.splice(at, 1);
            else if (model.length === maxEntries) model.shift();
            model.push({ key, variationName: `V${step}` });
          } else {
            expect(storage.delete(u, c)).toBe(at !== -1);
            if (at !== -1) model.splice(at, 1);
          }
          expect(storage.size).toBe(model.length);
        }
        const held = model.map((m) => JSON.parse(m.key) as [string, string]);
        for (const [u, c] of held) expect(storage.get(u, c)).toBeDefined();
      }),
      { numRuns: 1_000 },
    );
  });

  it('delete removes one record and says whether there was one; clear removes all', () => {
    const storage = createMemoryStorage();
    storage.set(record('u', 'c1'));
    storage.set(record('u', 'c2'));
    expect(storage.delete('u', 'c1')).toBe(true);
    expect(storage.delete('u', 'c1')).toBe(false);
    expect(storage.get('u', 'c1')).toBeUndefined();
    expect(storage.size).toBe(1);
    storage.clear();
    expect(storage.size).toBe(0);
    expect(storage.get('u', 'c2')).toBeUndefined();
    storage.set(record('u', 'c3'));
    expect(storage.get('u', 'c3')).toBeDefined();
    expect(storage.size).toBe(1);
  });

  it(`maxEntries defaults to ${DEFAULT_MAX_ENTRIES}`, () => {
    expect(createMemoryStorage().maxEntries).toBe(100_000);
    expect(createMemoryStorage({ maxEntries: 7 }).maxEntries).toBe(7);
    expect(createMemoryStorage({ maxEntries: null as unknown as number }).maxEntries).toBe(100_000);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10'])('maxEntries %s throws a RangeError at construction', (maxEntries) => {
    expect(() => createMemoryStorage({ maxEntries: maxEntries as number })).toThrow(RangeError);
  });

  it('a get with ids that are not strings is a miss; a set without them throws a TypeError', () => {
    const storage = createMemoryStorage();
    expect(storage.get(undefined as unknown as string, 'c')).toBeUndefined();
    expect(storage.get('u', 42 as unknown as string)).toBeUndefined();
    expect(() => storage.set({ campaignKey: 'c', variationName: 'v' } as StoredAssignment)).toThrow(TypeError);
    expect(() => storage.set(null as unknown as StoredAssignment)).toThrow(TypeError);
    expect(storage.size).toBe(0);
  });
});

describe('createMemoryStorage().fme({ accountId })', () => {
  const decision = (featureKey: string, userId: string | number, experimentVariationId: number): FmeStorageRecord => ({
    featureKey,
    userId,
    rolloutId: undefined,
    rolloutKey: undefined,
    rolloutVariationId: undefined,
    experimentId: 11,
    experimentKey: `${featureKey}_ab`,
    experimentVariationId,
  });

  it('shares one LRU bound with the assignments: the oldest record of either format is evicted first', async () => {
    const storage = createMemoryStorage({ maxEntries: 3 });
    const fme = storage.fme({ accountId: 123456 });
    storage.set(record('u1', 'c'));
    await fme.set(decision('f', 'u1', 1));
    await fme.set(decision('f', 'u2', 2));
    expect(storage.size).toBe(3);
    storage.get('u1', 'c'); // the assignment is now the most recently used
    await fme.set(decision('f', 'u3', 3)); // evicts f × u1, the least recently used
    expect(await fme.get('f', 'u1')).toBeUndefined();
    expect(storage.get('u1', 'c')).toEqual(record('u1', 'c'));
    await fme.get('f', 'u2');
    storage.set(record('u4', 'c')); // evicts f × u3 now, the assignment u1 × c next
    expect(await fme.get('f', 'u3')).toBeUndefined();
    expect((await fme.get('f', 'u2'))?.experimentVariationId).toBe(2);
    expect(storage.size).toBe(3);
  });

  it('answers the eight keys in 1.35.0 order, as a copy; clear() forgets both formats', async () => {
    const storage = createMemoryStorage();
    const fme = storage.fme({ accountId: '123456' });
    const written = decision('f', 42, 2);
    await fme.set(written);
    const got = await fme.get('f', '42');
    expect(Object.keys(got ?? {})).toEqual(Object.keys(written));
    expect(got).toEqual(written);
    (got as { experimentVariationId: unknown }).experimentVariationId = 1;
    expect((await fme.get('f', '42'))?.experimentVariationId).toBe(2);
    storage.set(record('42', 'f'));
    storage.clear();
    expect([await fme.get('f', '42'), storage.get('42', 'f'), storage.size]).toEqual([undefined, undefined, 0]);
    await fme.set(written); // the connector outlives clear()
    expect(await fme.get('f', '42')).toEqual(written);
  });

  it('rejects a record without a string featureKey or a usable userId, and an accountId that names no account', async () => {
    const fme = createMemoryStorage().fme({ accountId: 1 });
    await expect(fme.set({ featureKey: 'f' } as FmeStorageRecord)).rejects.toThrow(TypeError);
    await expect(fme.set(decision('f', Number.NaN, 1))).rejects.toThrow(TypeError);
    expect(await fme.get(undefined as unknown as string, 'u')).toBeUndefined();
    for (const accountId of [undefined, '', Number.NaN, {}]) {
      expect(() => createMemoryStorage().fme({ accountId } as never)).toThrow(TypeError);
    }
  });
});
