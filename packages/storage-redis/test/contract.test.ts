/**
 * @vwo/storage-redis keeps the storage contract on a real redis-server, through each kind of
 * client it accepts: one it creates from a URL, an ioredis client, a node-redis client; and the FME
 * half through its `fme()` connector. (The Redis Cluster runs both in cluster.test.ts.)
 */
import { describeFmeStorageContract, describeUserStorageContract } from '@vwo/storage-contract';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createRedisStorage } from '../src/index.js';
import { sharedRedisUrl, uniquePrefix } from './helpers/redis.js';

// The contract is about what is stored, not about time-outs (redis-storage.test.ts): a generous
// bound keeps a busy CI machine from turning a slow answer into a miss here.
const timeoutMs = 2000;

describeUserStorageContract('createRedisStorage({ url })', () => {
  const storage = createRedisStorage({ url: sharedRedisUrl(), prefix: uniquePrefix('contract-url'), timeoutMs });
  return { storage, cleanup: () => storage.close() };
});

describeUserStorageContract('createRedisStorage({ client: ioredis })', () => {
  const client = new Redis(sharedRedisUrl(), { maxRetriesPerRequest: 1 });
  const storage = createRedisStorage({ client, prefix: uniquePrefix('contract-ioredis'), timeoutMs });
  return { storage, cleanup: () => client.quit().then(() => undefined) };
});

describeUserStorageContract('createRedisStorage({ client: node-redis })', async () => {
  const client = await createClient({ url: sharedRedisUrl() }).connect();
  const storage = createRedisStorage({ client, prefix: uniquePrefix('contract-node-redis'), timeoutMs });
  return { storage, cleanup: () => client.close() };
});

describeFmeStorageContract('createRedisStorage({ url }).fme({ accountId })', () => {
  const storage = createRedisStorage({ url: sharedRedisUrl(), prefix: uniquePrefix('fme-url'), timeoutMs });
  return {
    storage: storage.fme({ accountId: 1 }),
    otherAccount: storage.fme({ accountId: 2 }),
    legacy: storage,
    cleanup: () => storage.close(),
  };
});

describeFmeStorageContract('createRedisStorage({ client: node-redis }).fme({ accountId })', async () => {
  const client = await createClient({ url: sharedRedisUrl() }).connect();
  const storage = createRedisStorage({ client, prefix: uniquePrefix('fme-node-redis'), timeoutMs });
  return {
    storage: storage.fme({ accountId: 1 }),
    otherAccount: storage.fme({ accountId: 2 }),
    legacy: storage,
    cleanup: () => client.close(),
  };
});
