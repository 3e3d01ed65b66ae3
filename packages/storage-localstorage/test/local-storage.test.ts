/** What a user of createLocalStorage sees on a working localStorage, in real Chromium. */
import type { FmeStorageRecord, StoredAssignment, UserStorage } from '@vwo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { assignmentKey, createLocalStorage, DEFAULT_NAMESPACE, fmeDecisionKey } from '../src/index.js';
import { recordingLogger } from './helpers.js';

const record = (userId: string, campaignKey: string, variationName = 'Control'): StoredAssignment => ({
  userId,
  campaignKey,
  variationName,
});

// Keys of this origin that were there before the tests (vitest's own, if any) stay.
const before = new Set(Object.keys(localStorage));
/** The keys the tests added, sorted. */
const ours = () =>
  Object.keys(localStorage)
    .filter((key) => !before.has(key))
    .sort();
afterEach(() => {
  for (const key of Object.keys(localStorage)) if (!before.has(key)) localStorage.removeItem(key);
});

describe('createLocalStorage on a working localStorage', () => {
  it('stores each record under namespace:["userId","campaignKey"] as the JSON of the record', () => {
    const storage = createLocalStorage();
    const stored: StoredAssignment = {
      ...record('user-42', 'checkout-button', 'Green'),
      goalIdentifier: 'purchase',
      metaData: { plan: 'pro' },
    };
    storage.set(stored);
    expect(storage.namespace).toBe(DEFAULT_NAMESPACE);
    expect(ours()).toEqual(['vwo:["user-42","checkout-button"]']);
    expect(JSON.parse(localStorage.getItem('vwo:["user-42","checkout-button"]')!)).toEqual(stored);
    expect(storage.get('user-42', 'checkout-button')).toEqual(stored);
    expect(storage.backend).toBe('localStorage');
  });

  it('gives pairs that a naive join would merge different keys, and keeps keys well-formed text (NUL, lone surrogates)', () => {
    expect(assignmentKey('u:x', 'a')).toBe('vwo:["u:x","a"]');
    expect(assignmentKey('u', 'x:a')).toBe('vwo:["u","x:a"]');
    expect(assignmentKey('\uD800', '\u0000', 'ns')).toBe('ns:["\\ud800","\\u0000"]');
    expect(assignmentKey('', '')).toBe('vwo:["",""]');
    const storage = createLocalStorage();
    storage.set(record('\uD800', 'c', 'High'));
    storage.set(record('\uDC00', 'c', 'Low'));
    expect(ours()).toEqual(['vwo:["\\ud800","c"]', 'vwo:["\\udc00","c"]']);
    expect(storage.get('\uD800', 'c')?.variationName).toBe('High');
    expect(storage.get('\uDC00', 'c')?.variationName).toBe('Low');
  });

  it('get and set answer synchronously, and records are copies both ways', () => {
    const storage = createLocalStorage();
    const given = { ...record('u', 'c'), metaData: { n: 1 } };
    expect(storage.set(given)).toBeUndefined();
    given.metaData.n = 2;
    const got = storage.get('u', 'c');
    expect(got).not.toBeInstanceOf(Promise);
    expect(got?.metaData).toEqual({ n: 1 });
    got!.variationName = 'changed';
    expect(storage.get('u', 'c')?.variationName).toBe('Control');
  });

  it("two namespaces never see each other, and clear() removes its own records only (not @vwo/browser's outbox keys)", () => {
    const a = createLocalStorage({ namespace: 'site-a' });
    const b = createLocalStorage({ namespace: 'site-b' });
    a.set(record('user-1', 'c', 'A'));
    b.set(record('user-1', 'c', 'B'));
    a.set(record('user-2', 'c', 'A'));
    localStorage.setItem('site-a-settings', 'not ours'); // shares the text but not the "site-a:" prefix
    localStorage.setItem('site-a:outbox:e1', '{"url":"…"}'); // the namespace's other keys: @vwo/browser's event outbox
    localStorage.setItem('theme', 'dark');
    expect(a.get('user-1', 'c')?.variationName).toBe('A');
    expect(b.get('user-1', 'c')?.variationName).toBe('B');
    expect(b.get('user-2', 'c')).toBeUndefined();
    a.clear();
    expect(a.get('user-1', 'c')).toBeUndefined();
    expect(a.get('user-2', 'c')).toBeUndefined();
    expect(b.get('user-1', 'c')?.variationName).toBe('B');
    expect(ours()).toEqual(['site-a-settings', 'site-a:outbox:e1', 'site-b:["user-1","c"]', 'theme']);
  });

  it('a record outlives the storage object: a new one (the next page load) reads it back', () => {
    createLocalStorage().set(record('returning', 'c', 'Variation-1'));
    expect(createLocalStorage().get('returning', 'c')).toEqual(record('returning', 'c', 'Variation-1'));
  });

  it('delete() forgets one pair only', () => {
    const storage = createLocalStorage();
    storage.set(record('u', 'c1'));
    storage.set(record('u', 'c2'));
    storage.delete('u', 'c1');
    expect(storage.get('u', 'c1')).toBeUndefined();
    expect(storage.get('u', 'c2')).toEqual(record('u', 'c2'));
  });

  it('a value that is not a record of that pair is a miss, logged once, and the next set replaces it', () => {
    const logger = recordingLogger();
    const storage = createLocalStorage({ namespace: 'g', logger });
    const garbage = [
      'not json',
      '{"userId":"u0","campaignKey":"c"', // truncated
      'null',
      '42',
      '[]',
      JSON.stringify({ userId: 'someone-else', campaignKey: 'c', variationName: 'V' }), // copied under another key
      JSON.stringify({ userId: 'u6', campaignKey: 'c', variationName: 7 }),
      JSON.stringify({ userId: 'u7', campaignKey: 'c', variationName: 'V', goalIdentifier: ['g'] }),
    ];
    for (const [i, value] of garbage.entries()) localStorage.setItem(assignmentKey(`u${i}`, 'c', 'g'), value);
    for (const [i, value] of garbage.entries()) expect(storage.get(`u${i}`, 'c'), value).toBeUndefined();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(
      /^VWO-SDK @vwo\/storage-localstorage: the value under .*g:\[\\"u0\\",\\"c\\"\].* is not a stored assignment/,
    );
    storage.set(record('u0', 'c', 'Fresh'));
    expect(storage.get('u0', 'c')).toEqual(record('u0', 'c', 'Fresh'));
  });

  it('works as the UserStorage of @vwo/core (typed as the interface, awaited)', async () => {
    const storage: UserStorage = createLocalStorage();
    await storage.set(record('u', 'c', 'V'));
    expect(await storage.get('u', 'c')).toEqual(record('u', 'c', 'V'));
  });

  it('touches nothing before the first call', () => {
    let touched = 0;
    const spy = new Proxy(localStorage, {
      get(target, property) {
        touched++;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const storage = createLocalStorage({ storage: spy });
    expect(touched).toBe(0);
    expect(storage.get('u', 'c')).toBeUndefined();
    expect(touched).toBeGreaterThan(0);
  });

  it('rejects a namespace that could make keys ambiguous, and a memory bound that is not a positive integer', () => {
    for (const namespace of ['', 'a:b', 'a b', 'x'.repeat(65), 'é'] as const) {
      expect(() => createLocalStorage({ namespace }), namespace).toThrow(RangeError);
    }
    expect(() => createLocalStorage({ namespace: 42 as unknown as string })).toThrow(RangeError);
    for (const maxMemoryEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => createLocalStorage({ maxMemoryEntries })).toThrow(RangeError);
    }
    expect(createLocalStorage({ namespace: 'My_app-2.vwo' }).namespace).toBe('My_app-2.vwo');
  });
});

describe('createLocalStorage().fme({ accountId })', () => {
  const decision = (featureKey: string, userId: string | number, experimentVariationId: number): FmeStorageRecord => ({
    featureKey,
    userId,
    rolloutId: 10,
    rolloutKey: `${featureKey}_rollout`,
    rolloutVariationId: 1,
    experimentId: 11,
    experimentKey: `${featureKey}_ab`,
    experimentVariationId,
  });

  it('stores each decision under namespace:["fme","accountId","featureKey","userId"], beside the assignments', async () => {
    const storage = createLocalStorage({ namespace: 'fme' });
    const fme = storage.fme({ accountId: 123456 });
    await fme.set(decision('checkout', 42, 2));
    storage.set(record('42', 'checkout'));
    expect(ours()).toEqual(['fme:["42","checkout"]', 'fme:["fme","123456","checkout","42"]']);
    expect(JSON.parse(localStorage.getItem(fmeDecisionKey('123456', 'checkout', '42', 'fme')) ?? 'null')).toEqual(
      decision('checkout', 42, 2),
    );
    expect(await fme.get('checkout', '42')).toEqual(decision('checkout', 42, 2));
    expect(storage.get('42', 'checkout')).toEqual(record('42', 'checkout'));
    // A new page load reads it back; clear() forgets both formats.
    expect(await createLocalStorage({ namespace: 'fme' }).fme({ accountId: '123456' }).get('checkout', '42')).toEqual(
      decision('checkout', 42, 2),
    );
    storage.clear();
    expect(ours()).toEqual([]);
  });

  it('a value that is not a decision of that feature and user is a miss, logged once; a bad record is logged once and not stored', async () => {
    const logger = recordingLogger();
    const fme = createLocalStorage({ namespace: 'fme-g', logger }).fme({ accountId: 1 });
    localStorage.setItem(fmeDecisionKey('1', 'f', 'u1', 'fme-g'), '{not json');
    localStorage.setItem(fmeDecisionKey('1', 'f', 'u2', 'fme-g'), JSON.stringify(decision('f', 'someone-else', 2)));
    expect(await fme.get('f', 'u1')).toBeUndefined();
    expect(await fme.get('f', 'u2')).toBeUndefined();
    await fme.set({ featureKey: 'f' } as FmeStorageRecord);
    await fme.set(null as unknown as FmeStorageRecord);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[0]).toMatch(/is not an FME decision of that feature and user/);
    expect(logger.lines[1]).toMatch(/fme\(\)\.set: a record needs a string featureKey/);
    expect(() => createLocalStorage().fme({ accountId: '' })).toThrow(TypeError);
  });
});
