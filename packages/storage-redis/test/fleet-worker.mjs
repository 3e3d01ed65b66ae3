// One server of the fleet in fleet.test.ts: launches @vwo/node with the Redis storage and the
// Redis settings cache, then answers JSON-line commands on stdin ({ id, method, args }) with
// JSON lines on stdout ({ id, result }). ROLE=poller polls VWO (the collector) and writes the
// cache; ROLE=follower launches from and polls the cache.
import { createInterface } from 'node:readline';
import { launch } from '@vwo/node';
import { createRedisSettingsCache, createRedisStorage } from '../dist/index.js';

const { ROLE, FLEET_REDIS_URL, FLEET_PREFIX, ACCOUNT_ID, SDK_KEY, COLLECTOR_URL } = process.env;
// A generous time-out: this test is about consistency across processes, not about slow Redis.
const userStorage = createRedisStorage({ url: FLEET_REDIS_URL, prefix: FLEET_PREFIX, timeoutMs: 2000 });
const settingsCache = createRedisSettingsCache({ url: FLEET_REDIS_URL, key: `${FLEET_PREFIX}settings` });
const vwo = await launch({
  accountId: Number(ACCOUNT_ID),
  sdkKey: SDK_KEY,
  collectorUrl: COLLECTOR_URL,
  userStorage,
  settingsCache,
  pollingInterval: 1000,
  pollingSource: ROLE === 'follower' ? 'cache' : 'network',
  logLevel: 'warn',
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const { id, method, args } = JSON.parse(line);
  let result;
  if (method === 'weights') {
    result = vwo.settings.campaignsByKey.get(args[0]).variations.map((v) => v.weight);
  } else if (method === 'close') {
    await vwo.close(); // sends what is pending
    await Promise.all([userStorage.close(), settingsCache.close()]);
    result = true;
  } else {
    result = await vwo[method](...args);
  }
  process.stdout.write(`${JSON.stringify({ id, result })}\n`);
  if (method === 'close') break;
}
process.stdin.destroy(); // nothing else keeps the process alive: it exits by itself
