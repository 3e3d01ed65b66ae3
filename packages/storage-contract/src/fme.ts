/**
 * The FME half of the contract: what a storage connector of `init` (vwo-fme-node-sdk 1.35.0's
 * `storage` shape, `get(featureKey, userId)` / `set(record)`) must do.
 */
import {
  createFmeClient,
  type FmeClient,
  type FmeStorageConnector,
  type FmeStorageRecord,
  MEG_STORAGE_PREFIX,
  type UserStorage,
} from '@vwo/core';
import { expect, vi } from 'vitest';
import { expectMiss } from './assertions.js';
import { type ContractOptions, describeContract } from './harness.js';

/** What the factory of {@link describeFmeStorageContract} hands each test. */
export interface FmeContractSubject {
  /** The connector under test: a fresh one, or one whose data from earlier tests does not matter (ids are unique per test). */
  readonly storage: FmeStorageConnector;
  /** A connector of another account on the same store, when the adapter scopes keys by account: the accounts test uses it. */
  readonly otherAccount?: FmeStorageConnector;
  /** The legacy (`launch`) face of the same store, when the adapter has one: the both-formats test uses it. */
  readonly legacy?: UserStorage;
  /** Runs after the test, pass or fail: close connections, remove temporary files. */
  cleanup?(): void | Promise<void>;
}

/** The feature of {@link contractFmeSettings}: a 100 % rollout, then an A/B test. */
export const CONTRACT_FEATURE_KEY = 'contract-flag';

/** The account id of {@link contractFmeSettings}. */
export const CONTRACT_FME_ACCOUNT_ID = 888888;

const SDK_KEY = 'storage-contract-fme';
const METRICS = [{ id: 1, type: 'CUSTOM_GOAL', identifier: 'purchase' }];

/**
 * An FME settings file with one feature, {@link CONTRACT_FEATURE_KEY}: a rollout to everybody,
 * then an A/B test of two variations (ids 1 and 2, weights `controlWeight` and the rest) whose
 * variable `variation` is `'control'` or `'variant'`.
 */
export function contractFmeSettings(controlWeight = 50): Record<string, unknown> {
  return {
    version: 1,
    accountId: CONTRACT_FME_ACCOUNT_ID,
    sdkKey: SDK_KEY,
    features: [
      {
        id: 1,
        key: CONTRACT_FEATURE_KEY,
        name: 'Contract flag',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: METRICS,
        rules: [
          { campaignId: 10, type: 'FLAG_ROLLOUT', ruleKey: 'rollout', variationId: 1 },
          { campaignId: 11, type: 'FLAG_TESTING', ruleKey: 'ab' },
        ],
      },
    ],
    campaigns: [
      {
        id: 10,
        key: `${CONTRACT_FEATURE_KEY}_rollout`,
        name: 'Rollout',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        segments: {},
        variations: [{ id: 1, name: 'Rollout', weight: 100, segments: {}, variables: [variable('rollout')] }],
      },
      {
        id: 11,
        key: `${CONTRACT_FEATURE_KEY}_ab`,
        name: 'A/B',
        type: 'FLAG_TESTING',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: {},
        variations: [
          { id: 1, name: 'Control', weight: controlWeight, segments: {}, variables: [variable('control')] },
          { id: 2, name: 'Variant', weight: 100 - controlWeight, segments: {}, variables: [variable('variant')] },
        ],
      },
    ],
  };
}

function variable(value: string) {
  return { id: 1, key: 'variation', type: 'string', value };
}

/**
 * A settings file whose features `meg-a`, `meg-b` (and `meg-c` when `withThird`) each have one
 * A/B test to everybody, their campaigns (21, 31, 41) in one mutually exclusive group (id 7,
 * random): a user gets exactly one of them, and adding `meg-c` moves about a third of the users.
 */
function megSettings(withThird: boolean): Record<string, unknown> {
  const members = withThird ? [21, 31, 41] : [21, 31];
  const name = (id: number) => `meg-${String.fromCharCode(97 + members.indexOf(id))}`;
  return {
    version: 1,
    accountId: CONTRACT_FME_ACCOUNT_ID,
    sdkKey: SDK_KEY,
    features: members.map((id) => ({
      id,
      key: name(id),
      name: name(id),
      type: 'FEATURE_FLAG',
      status: 'ON',
      metrics: METRICS,
      rules: [{ campaignId: id, type: 'FLAG_TESTING', ruleKey: 'ab' }],
    })),
    campaigns: members.map((id) => ({
      id,
      key: `${name(id)}_ab`,
      name: name(id),
      type: 'FLAG_TESTING',
      status: 'RUNNING',
      percentTraffic: 100,
      segments: {},
      variations: [{ id: 1, name: 'On', weight: 100, segments: {}, variables: [variable(name(id))] }],
    })),
    groups: { 7: { name: 'Contract group', campaigns: members.map(String) } },
    campaignGroups: Object.fromEntries(members.map((id) => [String(id), 7])),
  };
}

/** A record as 1.35.0 writes it: the eight keys in order, undecided ones `undefined`. */
function record(featureKey: string, userId: string | number, fields: Partial<FmeStorageRecord> = {}): FmeStorageRecord {
  return {
    featureKey,
    userId,
    rolloutId: undefined,
    rolloutKey: undefined,
    rolloutVariationId: undefined,
    experimentId: undefined,
    experimentKey: undefined,
    experimentVariationId: undefined,
    ...fields,
  };
}

const ROLLOUT = { rolloutId: 10, rolloutKey: `${CONTRACT_FEATURE_KEY}_rollout`, rolloutVariationId: 1 } as const;
const EXPERIMENT = { experimentId: 11, experimentKey: `${CONTRACT_FEATURE_KEY}_ab`, experimentVariationId: 2 } as const;

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Declares a vitest `describe` block that checks an FME storage connector (`init`'s `storage`):
 * round trip, whole-record overwrite, misses, group (`_vwo_meta_meg_…`) records, numeric user
 * ids, pairs a naive key join would merge, unicode and 10 KB ids, concurrent writes, promises
 * from `get` and `set` (vwo-fme-node-sdk 1.35.0 hangs on a `get` that returns none), and,
 * through the SDK's FME client, sticky variations and sticky group winners after the settings
 * change. When the subject also gives `otherAccount` or `legacy` (another account's connector or
 * the `launch` face of the same store), it checks that neither shares a record with `storage`.
 *
 * @example
 * import { describeFmeStorageContract } from '@vwo/storage-contract';
 * import { createMemoryStorage } from '@vwo/storage-memory';
 * describeFmeStorageContract('memory storage', () => {
 *   const store = createMemoryStorage();
 *   return { storage: store.fme({ accountId: 1 }), otherAccount: store.fme({ accountId: 2 }), legacy: store };
 * });
 */
export function describeFmeStorageContract(
  name: string,
  factory: () => FmeContractSubject | Promise<FmeContractSubject>,
  options: ContractOptions = {},
): void {
  describeContract<FmeContractSubject, FmeClient>(
    `${name} keeps the FME storage contract`,
    'f',
    factory,
    options,
    ({ subject, closeAfterTest, test }) => {
      // No transport: the client sends nothing; the tests are about what it reads and writes.
      const client = (storage: FmeStorageConnector, settings: Record<string, unknown>) =>
        closeAfterTest(createFmeClient({ accountId: CONTRACT_FME_ACCOUNT_ID, sdkKey: SDK_KEY, settings, logger: silent, storage }));

      test('a stored decision comes back equal to what was stored', async () => {
        const { storage, user } = await subject();
        const stored = record(CONTRACT_FEATURE_KEY, user('round-trip'), { ...ROLLOUT, ...EXPERIMENT });
        await storage.set(stored);
        expect(await storage.get(CONTRACT_FEATURE_KEY, stored.userId as string)).toEqual(stored);
      });

      test('a second set for the same feature and user replaces the first, fields and all', async () => {
        const { storage, user } = await subject();
        const userId = user('overwrite');
        await storage.set(record('f', userId, { ...ROLLOUT, ...EXPERIMENT }));
        const second = record('f', userId, { experimentId: 12, experimentKey: 'f_other', experimentVariationId: 3 });
        await storage.set(second);
        expect(await storage.get('f', userId)).toEqual(second);
      });

      test('a feature or user never stored is a miss (undefined or null)', async () => {
        const { storage, user } = await subject();
        const userId = user('miss');
        expectMiss(await storage.get('f', userId));
        await storage.set(record('f', userId, ROLLOUT));
        expectMiss(await storage.get('other-feature', userId));
        expectMiss(await storage.get('f', user('other-user')));
      });

      test('a group record (_vwo_meta_meg_<groupId>) and the feature record of one user stay apart', async () => {
        const { storage, user } = await subject();
        const userId = user('meg');
        const feature = record('meg-a', userId, { experimentId: 21, experimentKey: 'meg-a_ab', experimentVariationId: 1 });
        const group = record(`${MEG_STORAGE_PREFIX}7`, userId, { experimentId: 21, experimentKey: 'meg-a_ab', experimentVariationId: -1 });
        await storage.set(feature);
        await storage.set(group);
        expect(await storage.get('meg-a', userId)).toEqual(feature);
        expect(await storage.get(`${MEG_STORAGE_PREFIX}7`, userId)).toEqual(group);
        expectMiss(await storage.get(`${MEG_STORAGE_PREFIX}8`, userId));
      });

      test('a record with a numeric userId (1.35.0 writes context.id as given) is found by the string id the client reads with', async () => {
        const { storage, run } = await subject();
        const id = Number(`${Date.now()}${run}`.slice(-12));
        await storage.set(record('numeric', id, ROLLOUT));
        const got = (await storage.get('numeric', String(id))) as FmeStorageRecord | undefined;
        expect(String(got?.userId)).toBe(String(id));
        expect(got).toMatchObject({ featureKey: 'numeric', ...ROLLOUT });
      });

      test('pairs that a naive key join would confuse stay apart (separators, escapes, empty strings)', async () => {
        const { storage, user } = await subject();
        const base = user('sep');
        const pairs: Array<[string, string]> = [
          ['a', `${base}:x`],
          ['a:x', base],
          ['x:a', base],
          ['a', `x:${base}`],
          ['a_x', base],
          ['a', `x_${base}`],
          ['a', `${base}%3Ax`],
          ['a', `${base}/x`],
          ['a', `${base}\u0000x`],
          ['a', base],
          ['', base],
          ['a', `${base}x`],
          [`${MEG_STORAGE_PREFIX}1`, base],
          [`${MEG_STORAGE_PREFIX}1:${base}`, ''],
        ];
        for (const [i, [featureKey, userId]] of pairs.entries())
          await storage.set(record(featureKey, userId, { experimentVariationId: i + 1 }));
        for (const [i, [featureKey, userId]] of pairs.entries()) {
          expect(await storage.get(featureKey, userId), `${JSON.stringify(featureKey)} × ${JSON.stringify(userId)}`).toEqual(
            record(featureKey, userId, { experimentVariationId: i + 1 }),
          );
        }
      });

      test('unicode user ids and feature keys round-trip and stay apart (accents, normal forms, CJK, emoji, RTL, NUL, lone surrogates)', async () => {
        const { storage, user } = await subject();
        const ids = ['José', 'Jose\u0301', 'ユーザー', '😀x', 'مستخدم', 'Ü\u0000nul', '\uD800', '\uD801', '\uDC00x'].map(user);
        const featureKey = '機能-🧪';
        for (const [i, userId] of ids.entries()) await storage.set(record(featureKey, userId, { experimentVariationId: i + 1 }));
        for (const [i, userId] of ids.entries()) {
          expect(await storage.get(featureKey, userId), JSON.stringify(userId)).toEqual(
            record(featureKey, userId, { experimentVariationId: i + 1 }),
          );
        }
      });

      test('a 10 KB user id round-trips, and one that differs in its last character is another user', async () => {
        const { storage, user } = await subject();
        const long = user('long-').padEnd(10 * 1024, 'ü');
        const other = `${long.slice(0, -1)}u`;
        await storage.set(record('f', long, ROLLOUT));
        await storage.set(record('f', other, EXPERIMENT));
        expect(await storage.get('f', long)).toEqual(record('f', long, ROLLOUT));
        expect(await storage.get('f', other)).toEqual(record('f', other, EXPERIMENT));
      });

      test('concurrent sets of one key: the last one wins, whole (no mix of two records)', async () => {
        const { storage, user } = await subject();
        const userId = user('race');
        const records = Array.from({ length: 50 }, (_, i) =>
          record('f', userId, i % 2 ? { ...ROLLOUT, rolloutVariationId: i } : { ...EXPERIMENT, experimentVariationId: i + 1 }),
        );
        await Promise.all(records.map((one) => storage.set(one)));
        expect(await storage.get('f', userId)).toEqual(records[records.length - 1]);
      });

      test('get and set answer with promises (vwo-fme-node-sdk 1.35.0 awaits get with .then and hangs on a plain value)', async () => {
        const { storage, user } = await subject();
        const userId = user('thenable');
        const written = storage.set(record('f', userId, ROLLOUT));
        expect(typeof (written as PromiseLike<unknown> | undefined)?.then).toBe('function');
        await written;
        const read = storage.get('f', userId);
        expect(typeof (read as PromiseLike<unknown> | undefined)?.then).toBe('function');
        expect(await read).toEqual(record('f', userId, ROLLOUT));
        expect(typeof (storage.get('f', user('nobody')) as PromiseLike<unknown> | undefined)?.then).toBe('function');
      });

      test('two accounts on one store keep their decisions apart (same feature key, same user)', async (ctx) => {
        const { storage, otherAccount, user } = await subject();
        if (!otherAccount) return ctx.skip(); // the subject gives no second account's connector
        const userId = user('accounts');
        await storage.set(record('f', userId, EXPERIMENT));
        expectMiss(await otherAccount.get('f', userId));
        await otherAccount.set(record('f', userId, ROLLOUT));
        expect(await storage.get('f', userId)).toEqual(record('f', userId, EXPERIMENT));
        expect(await otherAccount.get('f', userId)).toEqual(record('f', userId, ROLLOUT));
      });

      test('the legacy (launch) face of the same store never sees an FME decision, nor the other way round', async (ctx) => {
        const { storage, legacy, user } = await subject();
        if (!legacy) return ctx.skip(); // the subject gives no legacy face
        const userId = user('formats');
        const assignment = { userId, campaignKey: 'checkout', variationName: 'Control' };
        await storage.set(record('checkout', userId, EXPERIMENT));
        expectMiss(await legacy.get(userId, 'checkout'));
        expectMiss(await legacy.get('checkout', userId)); // the FME argument order, on the legacy face
        await legacy.set(assignment);
        expect(await legacy.get(userId, 'checkout')).toEqual(assignment);
        expect(await storage.get('checkout', userId)).toEqual(record('checkout', userId, EXPERIMENT));
        expectMiss(await storage.get(userId, 'checkout')); // the legacy argument order, on the FME face
      });

      test('through the client: a user keeps the variation decided earlier, from any client on the store, after the weights change', async () => {
        const { storage, user } = await subject();
        const users = Array.from({ length: 30 }, (_, i) => user(`sticky-${i}`));
        const first = client(storage, contractFmeSettings(50));
        const decided = new Map<string, unknown>();
        for (const userId of users)
          decided.set(userId, (await first.getFlag(CONTRACT_FEATURE_KEY, { id: userId })).getVariable('variation'));
        expect(new Set(decided.values())).toEqual(new Set(['control', 'variant'])); // both variations were handed out
        // The write is not awaited by getFlag (1.35.0): each must have landed by the next read.
        await eventually(async () => {
          for (const userId of users) if (!(await storage.get(CONTRACT_FEATURE_KEY, userId))) return false;
          return true;
        });
        // Other clients (other servers of a fleet) whose settings now put everybody in one
        // variation: only the stored decisions can give the first answers back.
        for (const controlWeight of [100, 0]) {
          const other = client(storage, contractFmeSettings(controlWeight));
          for (const userId of users) {
            const flag = await other.getFlag(CONTRACT_FEATURE_KEY, { id: userId });
            expect([flag.isEnabled(), flag.getVariable('variation')], userId).toEqual([true, decided.get(userId)]);
          }
          const newcomer = await other.getFlag(CONTRACT_FEATURE_KEY, { id: user(`new-${controlWeight}`) });
          expect(newcomer.getVariable('variation')).toBe(controlWeight === 100 ? 'control' : 'variant'); // the new weights apply
        }
      });

      test('through the client: a mutually exclusive group keeps each user with the winner stored, after a third campaign joins it', async () => {
        const { storage, user } = await subject();
        const users = Array.from({ length: 30 }, (_, i) => user(`group-${i}`));
        const before = client(storage, megSettings(false));
        const winners = new Map<string, string>();
        for (const userId of users) winners.set(userId, (await before.getFlag('meg-a', { id: userId })).isEnabled() ? 'meg-a' : 'meg-b');
        expect(new Set(winners.values())).toEqual(new Set(['meg-a', 'meg-b']));
        await eventually(async () => {
          for (const userId of users) if (!(await storage.get(`${MEG_STORAGE_PREFIX}7`, userId))) return false;
          return true;
        });
        // With meg-c in the group, about a third of fresh users would land on it: the stored
        // group records keep every earlier user with the earlier winner.
        const after = client(storage, megSettings(true));
        for (const userId of users) {
          const enabled = [];
          for (const feature of ['meg-a', 'meg-b', 'meg-c'])
            if ((await after.getFlag(feature, { id: userId })).isEnabled()) enabled.push(feature);
          expect(enabled, userId).toEqual([winners.get(userId)]);
        }
      });
    },
  );
}

/** Waits until `check` holds (the client's writes are not awaited), for at most 5 s. */
function eventually(check: () => Promise<boolean>): Promise<void> {
  return vi.waitFor(
    async () => {
      if (!(await check())) throw new Error('the client did not store its decisions within 5 s');
    },
    { timeout: 5000, interval: 10 },
  );
}
