/**
 * A fleet in the middle of a migration: one server still on vwo-fme-node-sdk 1.35.0 itself, one on
 * `init` of @vwo/node, both with `createRedisStorage(…).fme({ accountId })` (each its own
 * connection) on one real Redis. The reference writes exactly the values ours writes (same keys,
 * same JSON), and each reads the other's decisions after the weights change. The reference runs
 * with a stub network client (its documented hook, fme/api.md §8) and ours with a transport that
 * answers locally: the network is not under test here, and nothing may leave the machine.
 */
import { createRequire } from 'node:module';
import type { EventRequest } from '@vwo/core';
import { init } from '@vwo/node';
import { CONTRACT_FME_ACCOUNT_ID as ACCOUNT, contractFmeSettings, CONTRACT_FEATURE_KEY as F } from '@vwo/storage-contract';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStorage, fmeDecisionKey, type RedisStorage } from '../src/index.js';
import { eventually, inspector, sharedRedisUrl, uniquePrefix } from './helpers/redis.js';

// vwo-fme-node-sdk is a devDependency of @vwo/core: its CommonJS build, the one the spec describes.
const require = createRequire(new URL('../../core/package.json', import.meta.url));
interface ReferenceFlag {
  isEnabled(): boolean;
  getVariable(key: string, fallback?: unknown): unknown;
}
interface ReferenceClient {
  getFlag(featureKey: string, context: { id: unknown }): Promise<ReferenceFlag>;
  updateSettings(settings: Record<string, unknown>): Promise<void>;
}
const sdk = require('vwo-fme-node-sdk') as { init(options: Record<string, unknown>): Promise<ReferenceClient> };

const answered = { getStatusCode: () => 200, getData: () => ({}), getTotalAttempts: () => 0, getError: () => undefined };
const network = { client: { GET: async () => answered, POST: async () => answered } };
const transport = { send: async (_request: EventRequest) => ({ status: 200, body: '{}' }) };
const quiet = { level: 'ERROR', transport: { log: () => {} } };

let admin: Redis;
const storages: RedisStorage[] = [];
const redis = (prefix: string) => {
  const made = createRedisStorage({ url: sharedRedisUrl(), prefix, timeoutMs: 2000 });
  storages.push(made);
  return made.fme({ accountId: ACCOUNT });
};
beforeAll(() => {
  admin = inspector();
});
afterAll(async () => {
  await Promise.all(storages.map((s) => s.close()));
  await admin.quit();
});

const reference = (prefix: string, controlWeight: number) =>
  sdk.init({
    accountId: ACCOUNT,
    sdkKey: 'storage-contract-fme',
    settings: contractFmeSettings(controlWeight),
    storage: redis(prefix),
    network,
    logger: quiet,
  });
const ours = (prefix: string, controlWeight: number) =>
  init({
    accountId: ACCOUNT,
    sdkKey: 'storage-contract-fme',
    settings: contractFmeSettings(controlWeight),
    storage: redis(prefix),
    transport,
    logger: quiet,
  });

// String and numeric ids: 1.35.0 writes a numeric context.id as a number and reads it as a string.
const users: Array<string | number> = [
  ...Array.from({ length: 30 }, (_, i) => `ref-user-${i}`),
  ...Array.from({ length: 10 }, (_, i) => 7_000 + i),
];
const keyOf = (prefix: string, user: string | number) => fmeDecisionKey(prefix, String(ACCOUNT), F, String(user));
const allWritten = (prefix: string, ids: Array<string | number>) =>
  eventually(async () => (await admin.exists(...ids.map((u) => keyOf(prefix, u)))) === ids.length, 5000, 'every decision was written');

it('vwo-fme-node-sdk 1.35.0 and init of @vwo/node write the same Redis values for the same decisions', async () => {
  const [refPrefix, ourPrefix] = [uniquePrefix('ref'), uniquePrefix('ours')];
  const [ref, vwo] = [await reference(refPrefix, 50), await ours(ourPrefix, 50)];
  for (const id of users) {
    const [a, b] = [await ref.getFlag(F, { id }), await vwo.getFlag(F, { id })];
    expect([b.isEnabled(), b.getVariable('variation')]).toEqual([a.isEnabled(), a.getVariable('variation')]);
  }
  await vwo.close();
  await Promise.all([allWritten(refPrefix, users), allWritten(ourPrefix, users)]);
  for (const id of users) expect(await admin.get(keyOf(ourPrefix, id)), String(id)).toBe(await admin.get(keyOf(refPrefix, id)));
});

it('each reads the decisions the other stored, after the weights change', async () => {
  const prefix = uniquePrefix('migration');
  const byRef = users.slice(0, 20);
  const byOurs = users.slice(20);
  const decided = new Map<string | number, unknown>();
  const ref = await reference(prefix, 50);
  for (const id of byRef) decided.set(id, (await ref.getFlag(F, { id })).getVariable('variation'));
  const first = await ours(prefix, 50);
  for (const id of byOurs) decided.set(id, (await first.getFlag(F, { id })).getVariable('variation'));
  await first.close();
  expect(new Set(decided.values())).toEqual(new Set(['control', 'variant']));
  await allWritten(prefix, users);

  let agreed = 0;
  for (const controlWeight of [100, 0]) {
    await ref.updateSettings(contractFmeSettings(controlWeight));
    const later = await ours(prefix, controlWeight);
    for (const id of users) {
      const [a, b] = [await ref.getFlag(F, { id }), await later.getFlag(F, { id })];
      expect([a.getVariable('variation'), b.getVariable('variation')], String(id)).toEqual([decided.get(id), decided.get(id)]);
      agreed += 2;
    }
    await later.close();
  }
  console.log(
    `migration fleet (vwo-fme-node-sdk 1.35.0 + @vwo/node on one Redis): ${users.length} users, ${agreed}/${agreed} later answers gave the stored variation`,
  );
});
