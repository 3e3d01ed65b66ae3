/**
 * The fleet test of the issue: two Node processes share one Redis. A user bucketed by one gets the
 * same variation from the other, also after the settings' weights change; with
 * shouldTrackReturningUser false an impression and a goal are counted once across both (the
 * local collector is the event sink). One process polls the collector for settings and writes
 * them to Redis; the other launches from and polls Redis (`pollingSource: 'cache'`).
 */
import { type Collector, startCollector } from '@vwo/collector';
import { CONTRACT_GOAL, contractSettings, CONTRACT_CAMPAIGN_KEY as K } from '@vwo/storage-contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, sharedRedisUrl, uniquePrefix } from './helpers/redis.js';
import { killWorkers, startWorker } from './helpers/workers.js';

const startRole = (role: 'poller' | 'follower', env: Record<string, string>) =>
  startWorker(new URL('./fleet-worker.mjs', import.meta.url), role, { ...env, ROLE: role });

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ port: 0, host: '127.0.0.1', settings: contractSettings(50) });
});
afterAll(async () => {
  killWorkers();
  await collector.close();
});

it('two processes on one Redis: same variation for a user, before and after a weight change; impressions and goals counted once', async () => {
  const settings = contractSettings(50) as { accountId: number; sdkKey: string };
  const env = {
    FLEET_REDIS_URL: sharedRedisUrl(),
    FLEET_PREFIX: uniquePrefix('fleet'),
    ACCOUNT_ID: String(settings.accountId),
    SDK_KEY: settings.sdkKey,
    COLLECTOR_URL: collector.url,
  };
  const poller = await startRole('poller', env);
  // The follower's requests carry a path prefix, so the collector tells whose they are.
  const follower = await startRole('follower', { ...env, COLLECTOR_URL: `${collector.url}/follower` });
  // The poller polls every second, so under load it may have fetched more than once by now;
  // what matters is that none of the fetches was the follower's.
  const settingsFetches = (prefix: string | null) =>
    collector.received().filter((r) => r.endpoint === 'settings' && r.prefix === prefix).length;
  expect(settingsFetches(null)).toBeGreaterThanOrEqual(1);
  expect(settingsFetches('follower')).toBe(0); // the follower launched from Redis, not from the collector

  const U = Array.from({ length: 40 }, (_, i) => `fleet-u${i}`); // first bucketed by the poller
  const W = Array.from({ length: 40 }, (_, i) => `fleet-w${i}`); // first bucketed by the follower
  const assigned = new Map<string, string>();
  for (const user of U) assigned.set(user, await poller.call<string>('activate', K, user));
  for (const user of W) assigned.set(user, await follower.call<string>('activate', K, user));
  expect(new Set(assigned.values())).toEqual(new Set(['Control', 'Variation-1']));
  // getVariationName answers only for stored users: the other process can only know them from Redis.
  for (const user of U) expect(await follower.call('getVariationName', K, user)).toBe(assigned.get(user));
  for (const user of W) expect(await poller.call('getVariationName', K, user)).toBe(assigned.get(user));

  // Everybody into Control from now on: the poller fetches it, the follower takes it from Redis.
  collector.setSettings(contractSettings(100));
  await eventually(
    async () => JSON.stringify(await follower.call('weights', K)) === '[100,0]',
    10_000,
    'the follower took up the new weights',
  );
  expect(await poller.call('weights', K)).toEqual([100, 0]);
  for (const user of [...U, ...W]) {
    expect(await poller.call('activate', K, user)).toBe(assigned.get(user));
    expect(await follower.call('activate', K, user)).toBe(assigned.get(user));
  }
  expect([...assigned.values()].filter((v) => v === 'Variation-1').length).toBeGreaterThan(0); // those prove stickiness
  expect(await follower.call('activate', K, 'fleet-new')).toBe('Control'); // a new user sees the new weights
  expect(await poller.call('getVariationName', K, 'fleet-new')).toBe('Control');

  // A goal converts once per user, whichever process tracks it first.
  for (const [first, second] of [
    [poller, follower],
    [follower, poller],
  ]) {
    for (const user of first === poller ? U.slice(0, 10) : W.slice(0, 10)) {
      expect(await first.call('track', K, user, CONTRACT_GOAL)).toEqual({ [K]: true });
      expect(await second.call('track', K, user, CONTRACT_GOAL)).toEqual({ [K]: false });
      expect(await first.call('track', K, user, CONTRACT_GOAL)).toEqual({ [K]: false });
    }
  }

  await Promise.all([poller.call('close'), follower.call('close')]);
  expect(await poller.exited).toBe(0);
  expect(await follower.exited).toBe(0);
  expect(poller.stderr() + follower.stderr()).toBe('');
  const stats = collector.stats().campaigns['901'];
  console.log(
    `fleet test: ${assigned.size + 1} users over 2 processes; impressions ${stats.impressions} (unique visitors ${stats.uniqueVisitors}), ` +
      `conversions ${stats.conversions['1']} (unique ${stats.uniqueConversions['1']}); settings fetched from the collector ${settingsFetches(null)} times, ${settingsFetches('follower')} by the follower`,
  );
  expect(stats.impressions).toBe(assigned.size + 1);
  expect(stats.uniqueVisitors).toBe(assigned.size + 1);
  expect(stats.conversions['1']).toBe(20);
  expect(stats.uniqueConversions['1']).toBe(20);
  const fromFollower = collector.received().filter((r) => r.prefix === 'follower');
  expect(fromFollower.filter((r) => r.endpoint === 'settings' || r.endpoint === 'pull')).toEqual([]);
  expect(fromFollower.filter((r) => r.endpoint === 'track-user').length).toBe(W.length + 1); // its own users and fleet-new
  expect(fromFollower.filter((r) => r.endpoint === 'track-goal').length).toBe(10);
});
