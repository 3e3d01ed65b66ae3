/**
 * A three-node Redis Cluster on loopback ports, started and stopped by this file: the storage
 * keeps the contract through an ioredis `Cluster` client (each record is one key, so hash tags
 * are not needed), its keys really spread over the nodes, and the settings cache works on it.
 */
import { describeUserStorageContract } from '@vwo/storage-contract';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentKey, createRedisSettingsCache, createRedisStorage } from '../src/index.js';
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

  it('holds the shared settings file', async () => {
    const cache = createRedisSettingsCache({ client, key: `${uniquePrefix('cluster-settings')}settings` });
    await cache.set({ accountId: 1, version: 2, campaigns: [] });
    expect(await cache.get()).toEqual({ accountId: 1, version: 2, campaigns: [] });
  });
});
