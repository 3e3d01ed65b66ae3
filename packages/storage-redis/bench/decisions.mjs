// Decisions per second through @vwo/node's `activate` with the user storage in the way: Redis
// alone, a memory LRU in front of Redis, and memory alone, as ratios to memory alone.
// Returning users (every user was activated once before the timed run), so each decision reads
// a stored record. One call in flight (a request handler that awaits) and 100 in flight (a busy
// server), on a redis-server on loopback.
// Run: `npx pnpm --filter @vwo/storage-redis bench` (starts its own redis-server through
// scripts/with-redis.sh; about 30 s). `--quick` for a shorter run.
import { launch } from '@vwo/node';
import { contractSettings } from '@vwo/storage-contract';
import { createMemoryStorage } from '@vwo/storage-memory';
import { createRedisStorage } from '../dist/index.js';

const url = process.env.REDIS_URL;
if (!url) {
  console.error('REDIS_URL is not set: run through scripts/with-redis.sh (the package’s `bench` script does)');
  process.exit(1);
}
const quick = process.argv.includes('--quick');
const RUN_MS = quick ? 500 : 2000;
const ROUNDS = quick ? 1 : 3;
const USERS = 10_000;
const users = Array.from({ length: USERS }, (_, i) => `bench-user-${i}`);
const prefix = `bench:${Date.now().toString(36)}:`;

/**
 * A memory LRU in front of Redis: reads are answered from memory when they can, and go to Redis
 * (filling memory) when they cannot; writes go to both. Variations never change once stored, so
 * a stale copy in memory still gives the right variation; what it can miss is a goal converted on
 * another server since (that server's record has the goal, this one's copy does not).
 */
function tiered(memory, redis) {
  return {
    get(userId, campaignKey) {
      const near = memory.get(userId, campaignKey);
      if (near !== undefined) return near;
      return redis.get(userId, campaignKey).then((far) => {
        if (far !== undefined) memory.set(far);
        return far;
      });
    },
    set(record) {
      memory.set(record);
      return redis.set(record);
    },
  };
}

async function measure(name, userStorage) {
  const vwo = await launch({ settingsFile: contractSettings(), userStorage, isDevelopmentMode: true, logLevel: 'error' });
  for (const user of users) await vwo.activate('contract-ab', user); // store every user once
  const result = { name };
  for (const inFlight of [1, 100]) {
    const rates = [];
    for (let round = 0; round < ROUNDS; round++) {
      let calls = 0;
      let next = 0;
      const deadline = performance.now() + RUN_MS;
      const started = performance.now();
      const lane = async () => {
        while (performance.now() < deadline) {
          await vwo.activate('contract-ab', users[next++ % USERS]);
          calls++;
        }
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
      rates.push(calls / ((performance.now() - started) / 1000));
    }
    rates.sort((a, b) => a - b);
    result[inFlight] = rates[Math.floor(rates.length / 2)];
  }
  await vwo.close();
  return result;
}

const redisStorages = [];
const redis = () => {
  const storage = createRedisStorage({ url, prefix, timeoutMs: 1000 });
  redisStorages.push(storage);
  return storage;
};

const results = [];
results.push(await measure('memory only (@vwo/storage-memory)', createMemoryStorage()));
results.push(await measure('memory LRU in front of Redis', tiered(createMemoryStorage(), redis())));
results.push(await measure('Redis only (@vwo/storage-redis)', redis()));
for (const storage of redisStorages) {
  const stats = storage.stats();
  if (stats.failedReads + stats.failedWrites > 0)
    console.warn(`warning: ${stats.failedReads} reads and ${stats.failedWrites} writes to Redis failed`);
}

const memory = results[0];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ratio = (n, of) => `${(n / of).toFixed(n / of < 0.1 ? 3 : 2)}×`;
console.log(
  `\nactivate() on returning users, ${USERS.toLocaleString('en-US')} users, median of ${ROUNDS} × ${RUN_MS} ms, Node ${process.version}\n`,
);
console.log('| storage | decisions/s, 1 in flight | × memory | decisions/s, 100 in flight | × memory |');
console.log('|---|---|---|---|---|');
for (const r of results)
  console.log(`| ${r.name} | ${fmt(r[1])} | ${ratio(r[1], memory[1])} | ${fmt(r[100])} | ${ratio(r[100], memory[100])} |`);

// Leave the bench's keys out of the shared Redis.
const cleaner = redisStorages[0].client;
let cursor = '0';
do {
  const [nextCursor, keys] = await cleaner.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  if (keys.length > 0) await cleaner.del(...keys);
  cursor = nextCursor;
} while (cursor !== '0');
await Promise.all(redisStorages.map((s) => s.close()));
