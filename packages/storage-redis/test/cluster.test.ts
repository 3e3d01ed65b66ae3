/**
 * A three-node Redis Cluster on loopback ports, started and stopped by this file: the storage
 * keeps both contracts (launch and FME) through an ioredis `Cluster` client (each record is one
 * key, so hash tags are not needed), its keys really spread over the nodes, and the settings cache works on it.
 */
import { describeFmeStorageContract, describeUserStorageContract } from '@vwo/storage-contract';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentKey, createRedisSettingsCache, createRedisStorage, fmeDecisionKey } from '../src/index.js';
import { redisCluster, uniquePrefix } from './helpers/redis.js';

let cluster: Awaited<ReturnType<typeof redisCluster>>;
let client: Cluster;

beforeAll(async () => {
  cluster = await redisCluster();
  client = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { redisOptions: { maxRetriesPerRequest: 1 } },
  );
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
}, 60_000);

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await cluster?.dispose();
}, 30_000);

describeUserStorageContract('createRedisStorage({ client: Cluster })', () => ({
  storage: createRedisStorage({ client, prefix: uniquePrefix('cluster'), timeoutMs: 2000 }),
}));

describeFmeStorageContract('createRedisStorage({ client: Cluster }).fme({ accountId })', () => {
  const storage = createRedisStorage({ client, prefix: uniquePrefix('cluster-fme'), timeoutMs: 2000 });
  return { storage: storage.fme({ accountId: 1 }), otherAccount: storage.fme({ accountId: 2 }), legacy: storage };
});

describe('on a Redis Cluster', () => {
  it('records spread over the three nodes, and each is read back from its own node', async () => {
    const prefix = uniquePrefix('spread');
    const storage = createRedisStorage({ client, prefix, timeoutMs: 2000 });
    const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    for (const userId of users) await storage.set({ userId, campaignKey: 'c', variationName: 'Control' });
    for (const userId of users) expect((await storage.get(userId, 'c'))?.userId).toBe(userId);
    const perNode = await Promise.all(client.nodes('master').map((node) => node.keys(`${prefix}*`)));
    expect(perNode.map((keys) => keys.length).every((n) => n > 0)).toBe(true);
    expect(perNode.flat().sort()).toEqual(users.map((u) => assignmentKey(prefix, 'c', u)).sort());
  });

  it('FME decisions spread over the three nodes too, each under its own key', async () => {
    const prefix = uniquePrefix('spread-fme');
    const fme = createRedisStorage({ client, prefix, timeoutMs: 2000 }).fme({ accountId: 123456 });
    const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);
    const decision = (userId: string) => ({
      featureKey: 'f',
      userId,
      rolloutId: 10,
      rolloutKey: 'f_rollout',
      rolloutVariationId: 1,
      experimentId: undefined,
      experimentKey: undefined,
      experimentVariationId: undefined,
    });
    for (const userId of users) await fme.set(decision(userId));
    for (const userId of users) expect(await fme.get('f', userId)).toEqual(decision(userId));
    const perNode = await Promise.all(client.nodes('master').map((node) => node.keys(`${prefix}*`)));
    expect(perNode.map((keys) => keys.length).every((n) => n > 0)).toBe(true);
    expect(perNode.flat().sort()).toEqual(users.map((u) => fmeDecisionKey(prefix, '123456', 'f', u)).sort());
  });

  it('holds the shared settings file', async () => {
    const cache = createRedisSettingsCache({ client, key: `${uniquePrefix('cluster-settings')}settings` });
    await cache.set({ accountId: 1, version: 2, campaigns: [] });
    expect(await cache.get()).toEqual({ accountId: 1, version: 2, campaigns: [] });
  });
});
