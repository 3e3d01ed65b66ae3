/**
 * `@vwo/storage-contract`: the behaviour every `UserStorage` of the VWO FullStack TypeScript SDK
 * (`launch`) and every FME storage connector (`init`) must have, as vitest suites an adapter runs
 * in its own tests.
 *
 * @packageDocumentation
 */
export {
  CONTRACT_FEATURE_KEY,
  CONTRACT_FME_ACCOUNT_ID,
  contractFmeSettings,
  describeFmeStorageContract,
  type FmeContractSubject,
} from './fme.js';

import { createClient, type Logger, parseSettings, type StoredAssignment, type UserStorage, type VWOClient } from '@vwo/core';
import { expect } from 'vitest';
import { expectMiss } from './assertions.js';
import { type ContractOptions, describeContract } from './harness.js';

export type { ContractOptions } from './harness.js';

/** What the factory of {@link describeUserStorageContract} hands each test. */
export interface ContractSubject {
  /** The storage under test: a fresh one, or one whose data from earlier tests does not matter (ids are unique per test). */
  readonly storage: UserStorage;
  /** Runs after the test, pass or fail: close connections, remove temporary files. */
  cleanup?(): void | Promise<void>;
}

/** The key of the A/B campaign of {@link contractSettings}, used by the client-level tests. */
export const CONTRACT_CAMPAIGN_KEY = 'contract-ab';
/** The identifier of the campaign's custom goal (id 1), used by the client-level tests. */
export const CONTRACT_GOAL = 'purchase';

/**
 * A settings file with one A/B campaign (two variations, weights `controlWeight` and the rest),
 * used by the tests that go through the client.
 */
export function contractSettings(controlWeight = 50): Record<string, unknown> {
  return {
    accountId: 888888,
    sdkKey: 'storage-contract',
    version: 1,
    campaignGroups: {},
    groups: {},
    campaigns: [
      {
        id: 901,
        key: CONTRACT_CAMPAIGN_KEY,
        name: 'Storage contract',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        isForcedVariationEnabled: false,
        segments: {},
        goals: [{ id: 1, identifier: CONTRACT_GOAL, type: 'CUSTOM_GOAL' }],
        variations: [
          { id: 1, name: 'Control', weight: controlWeight },
          { id: 2, name: 'Variation-1', weight: 100 - controlWeight },
        ],
      },
    ],
  };
}

/**
 * Declares a vitest `describe` block that checks a user storage against the contract of the
 * SDK: round trip, overwrite, misses, `_vwo_`-joined goals, unicode and 10 KB user ids, 100 KB
 * `metaData`, concurrent writes to one key, and, through the SDK's client, sticky variations,
 * once-only goals and a `get` that throws or never answers.
 *
 * `factory` is called before each test; the `cleanup` it returns runs after it. Every test uses
 * user ids of its own, so a storage that keeps data between tests (a shared Redis) is fine.
 *
 * @example
 * import { describeUserStorageContract } from '@vwo/storage-contract';
 * import { createMemoryStorage } from '@vwo/storage-memory';
 * describeUserStorageContract('memory storage', async () => ({ storage: createMemoryStorage() }));
 */
export function describeUserStorageContract(
  name: string,
  factory: () => ContractSubject | Promise<ContractSubject>,
  options: ContractOptions = {},
): void {
  describeContract<ContractSubject, VWOClient>(
    `${name} keeps the UserStorage contract`,
    'c',
    factory,
    options,
    ({ subject, closeAfterTest, test }) => {
      const client = (storage: UserStorage | null, controlWeight = 50, extra: { storageTimeout?: number; logger?: Logger } = {}) => {
        const parsed = parseSettings(contractSettings(controlWeight));
        if (!parsed.ok) throw parsed.error;
        return closeAfterTest(
          createClient({
            settings: parsed.settings,
            userStorage: storage,
            isDevelopmentMode: true,
            logLevel: extra.logger ? 'debug' : 'silent',
            ...extra,
          }),
        );
      };

      test('a stored record comes back equal to what was stored', async () => {
        const { storage, user } = await subject();
        const record: StoredAssignment = {
          userId: user('round-trip'),
          variationName: 'Variation-1',
          campaignKey: 'checkout-button',
          metaData: { plan: 'pro', visits: 3, flags: [true, false], nested: { at: null } },
        };
        await storage.set(record);
        expect(await storage.get(record.userId, 'checkout-button')).toEqual(record);
      });

      test('a second set for the same user and campaign replaces the first, fields and all', async () => {
        const { storage, user } = await subject();
        const userId = user('overwrite');
        await storage.set({ userId, campaignKey: 'c', variationName: 'Control', goalIdentifier: 'g1', metaData: { a: 1 } });
        await storage.set({ userId, campaignKey: 'c', variationName: 'Variation-1' });
        expect(await storage.get(userId, 'c')).toEqual({ userId, campaignKey: 'c', variationName: 'Variation-1' });
      });

      test('a user or campaign never stored is a miss (undefined or null)', async () => {
        const { storage, user } = await subject();
        const userId = user('miss');
        expectMiss(await storage.get(userId, 'c'));
        await storage.set({ userId, campaignKey: 'c', variationName: 'Control' });
        expectMiss(await storage.get(userId, 'other-campaign'));
        expectMiss(await storage.get(user('other-user'), 'c'));
      });

      test('pairs that a naive key join would confuse stay apart (separators, escapes, empty strings)', async () => {
        const { storage, user } = await subject();
        const base = user('sep');
        const pairs: Array<[string, string]> = [
          [`${base}:x`, 'a'], // user:campaign joins meet here…
          [base, 'x:a'],
          [`x:${base}`, 'a'], // …campaign:user joins here
          [base, 'a:x'],
          [`x_${base}`, 'a'],
          [base, 'a_x'],
          [`${base}%3Ax`, 'a'],
          [`${base}_x`, 'a'],
          [`${base}/x`, 'a'],
          [`${base}\u0000x`, 'a'],
          [base, 'a'],
          [base, ''],
          [`${base}x`, 'a'],
        ];
        for (const [i, [userId, campaignKey]] of pairs.entries()) await storage.set({ userId, campaignKey, variationName: `V${i}` });
        for (const [i, [userId, campaignKey]] of pairs.entries()) {
          expect(await storage.get(userId, campaignKey), `${JSON.stringify(userId)} × ${JSON.stringify(campaignKey)}`).toEqual({
            userId,
            campaignKey,
            variationName: `V${i}`,
          });
        }
      });

      test('tracked goals, joined with _vwo_, round-trip exactly', async () => {
        const { storage, user } = await subject();
        const userId = user('goals');
        const goalIdentifier = 'purchase_vwo_signup_vwo_add to cart_vwo_revenue';
        await storage.set({ userId, variationName: 'Control', campaignKey: 'c', goalIdentifier });
        expect(await storage.get(userId, 'c')).toEqual({ userId, variationName: 'Control', campaignKey: 'c', goalIdentifier });
        expect(((await storage.get(userId, 'c')) as StoredAssignment).goalIdentifier!.split('_vwo_')).toEqual([
          'purchase',
          'signup',
          'add to cart',
          'revenue',
        ]);
      });

      test('unicode user ids and campaign keys round-trip and stay apart (accents, CJK, emoji, RTL, combining marks, lone surrogates)', async () => {
        const { storage, user } = await subject();
        const ids = [
          'José',
          'Jose\u0301', // the same text as 'José' in another normal form: a different id
          'ユーザー',
          '😀x',
          'مستخدم',
          'Ü\u0000nul',
          '\uD800', // lone surrogates: not valid UTF-16, but valid JS strings
          '\uD801',
          '\uDC00x',
        ].map(user);
        const campaignKey = 'キャンペーン-🧪';
        for (const [i, userId] of ids.entries()) await storage.set({ userId, campaignKey, variationName: `V${i}`, metaData: { userId } });
        for (const [i, userId] of ids.entries()) {
          expect(await storage.get(userId, campaignKey), JSON.stringify(userId)).toEqual({
            userId,
            campaignKey,
            variationName: `V${i}`,
            metaData: { userId },
          });
        }
      });

      test('a 10 KB user id round-trips, and one that differs in its last character is another user', async () => {
        const { storage, user } = await subject();
        const long = user('long-').padEnd(10 * 1024, 'ü');
        const other = `${long.slice(0, -1)}u`;
        await storage.set({ userId: long, campaignKey: 'c', variationName: 'Control' });
        await storage.set({ userId: other, campaignKey: 'c', variationName: 'Variation-1' });
        expect(await storage.get(long, 'c')).toEqual({ userId: long, campaignKey: 'c', variationName: 'Control' });
        expect(await storage.get(other, 'c')).toEqual({ userId: other, campaignKey: 'c', variationName: 'Variation-1' });
      });

      test('100 KB of metaData round-trips intact', async () => {
        const { storage, user } = await subject();
        const userId = user('big-meta');
        const metaData = {
          text: 'é'.repeat(50 * 1024),
          list: Array.from({ length: 2000 }, (_, i) => ({ i, s: `item-${i}`, ok: i % 2 === 0 })),
          emoji: '🧪'.repeat(1000),
        };
        expect(JSON.stringify(metaData).length).toBeGreaterThan(100 * 1024);
        await storage.set({ userId, campaignKey: 'c', variationName: 'Control', metaData });
        expect(await storage.get(userId, 'c')).toEqual({ userId, campaignKey: 'c', variationName: 'Control', metaData });
      });

      test('concurrent sets of one key: the last one wins, whole (no mix of two records)', async () => {
        const { storage, user } = await subject();
        const userId = user('race');
        const records = Array.from(
          { length: 50 },
          (_, i): StoredAssignment => ({
            userId,
            campaignKey: 'c',
            variationName: `V${i}`,
            goalIdentifier: `g${i}`,
            metaData: { i, pad: String(i).repeat(1000 + i) },
          }),
        );
        await Promise.all(records.map((record) => storage.set(record)));
        expect(await storage.get(userId, 'c')).toEqual(records[records.length - 1]);
      });

      test('through the client: a user activated once gets the same variation afterwards, from any client on the storage, even after the weights change', async () => {
        const { storage, user } = await subject();
        const users = Array.from({ length: 30 }, (_, i) => user(`sticky-${i}`));
        const first = client(storage);
        const assigned = new Map<string, string | null>();
        for (const userId of users) assigned.set(userId, await first.activate(CONTRACT_CAMPAIGN_KEY, userId));
        expect(new Set(assigned.values())).toEqual(new Set(['Control', 'Variation-1'])); // both variations were handed out
        // Another client (another server of a fleet) whose settings now put everybody in one
        // variation: only the storage can give the first answers back.
        for (const controlWeight of [100, 0]) {
          const other = client(storage, controlWeight);
          for (const userId of users) {
            expect(await other.getVariationName(CONTRACT_CAMPAIGN_KEY, userId)).toBe(assigned.get(userId));
            expect(await other.activate(CONTRACT_CAMPAIGN_KEY, userId)).toBe(assigned.get(userId));
          }
        }
        // Never activated: with a storage, getVariationName answers only for stored users.
        expect(await first.getVariationName(CONTRACT_CAMPAIGN_KEY, user('never-activated'))).toBeNull();
      });

      test('through the client: a goal is counted once for a returning user', async () => {
        const { storage, user } = await subject();
        const userId = user('goal-once');
        const vwo = client(storage);
        expect(await vwo.activate(CONTRACT_CAMPAIGN_KEY, userId)).not.toBeNull();
        expect(await vwo.track(CONTRACT_CAMPAIGN_KEY, userId, CONTRACT_GOAL)).toEqual({ [CONTRACT_CAMPAIGN_KEY]: true });
        expect(await client(storage).track(CONTRACT_CAMPAIGN_KEY, userId, CONTRACT_GOAL)).toEqual({ [CONTRACT_CAMPAIGN_KEY]: false });
        const stored = (await storage.get(userId, CONTRACT_CAMPAIGN_KEY)) as StoredAssignment;
        expect(stored.goalIdentifier?.split('_vwo_')).toContain(CONTRACT_GOAL);
      });

      // A real storage cannot be made to throw or hang on demand, so these two tests wrap the one
      // under test: its `set` is real, its `get` fails. They prove the client treats the failure as
      // a miss (bucketing decides, the call resolves) and that the storage's writes still work.
      test('through the client: a get that throws or rejects is a miss: the user is bucketed, logged, and stored', async () => {
        const { storage, user } = await subject();
        const reference = client(null);
        for (const failure of ['throws', 'rejects'] as const) {
          const lines: string[] = [];
          const logger = { debug() {}, info() {}, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
          const faulty: UserStorage = {
            get: failure === 'throws' ? () => contractFault() : () => Promise.reject(new Error('injected fault')),
            set: (record) => storage.set(record),
          };
          const userId = user(`get-${failure}`);
          const expected = await reference.activate(CONTRACT_CAMPAIGN_KEY, userId);
          expect(await client(faulty, 50, { logger }).activate(CONTRACT_CAMPAIGN_KEY, userId)).toBe(expected);
          expect(lines.some((line) => line.includes('injected fault'))).toBe(true);
          expect(await storage.get(userId, CONTRACT_CAMPAIGN_KEY)).toMatchObject({ userId, variationName: expected });
        }
      });

      test('through the client: a get that never answers is a miss once storageTimeout has passed', async () => {
        const { storage, user } = await subject();
        const hanging: UserStorage = { get: () => new Promise(() => {}), set: (record) => storage.set(record) };
        const userId = user('get-hangs');
        const expected = await client(null).activate(CONTRACT_CAMPAIGN_KEY, userId);
        const started = Date.now();
        expect(await client(hanging, 50, { storageTimeout: 100 }).activate(CONTRACT_CAMPAIGN_KEY, userId)).toBe(expected);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(await client(hanging, 50, { storageTimeout: 100 }).getVariationName(CONTRACT_CAMPAIGN_KEY, userId)).toBeNull();
      });
    },
  );
}

function contractFault(): never {
  throw new Error('injected fault');
}
