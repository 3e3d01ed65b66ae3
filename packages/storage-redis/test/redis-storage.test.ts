/**
 * What the Redis adapter adds to the contract, on a real redis-server: key layout and record
 * format, TTL, prefix isolation, the per-call time-out on a paused server, outages logged once,
 * and the settings cache.
 */
import { createFmeClient, createClient as createVwoClient, parseSettings } from '@vwo/core';
import { CONTRACT_FEATURE_KEY, contractFmeSettings, contractSettings } from '@vwo/storage-contract';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assignmentKey, createRedisSettingsCache, createRedisStorage, fmeDecisionKey, type RedisStorage } from '../src/index.js';
import {
  eventually,
  inspector,
  type RedisServer,
  recordingLogger,
  redisServer,
  sharedRedisUrl,
  sleep,
  uniquePrefix,
} from './helpers/redis.js';

let admin: Redis;
const open: Array<{ close(): Promise<void> }> = [];
const track = <T extends { close(): Promise<void> }>(made: T): T => {
  open.push(made);
  return made;
};

beforeAll(() => {
  admin = inspector();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
afterAll(async () => {
  await admin.quit();
});

describe('keys and values', () => {
  it('a record is stored as JSON under prefix + campaignKey + ":" + userId, in the VWO SDKs’ field order', async () => {
    const prefix = uniquePrefix('layout');
    const storage = track(createRedisStorage({ url: sharedRedisUrl(), prefix }));
    const parsed = parseSettings(contractSettings());
    if (!parsed.ok) throw parsed.error;
    const vwo = createVwoClient({ settings: parsed.settings, userStorage: storage, isDevelopmentMode: true, logLevel: 'silent' });
    const variation = await vwo.activate('contract-ab', 'Ashley', { metaData: { m: 1 } });
    await vwo.close();
    expect(await admin.get(`${prefix}contract-ab:Ashley`)).toBe(
      `{"userId":"Ashley","variationName":"${variation}","campaignKey":"contract-ab","metaData":{"m":1}}`,
    );
  });

  it('the key escapes %, : and lone surrogates, so no two (campaign, user) pairs share one', () => {
    expect(assignmentKey('vwo:', 'checkout', 'user-42')).toBe('vwo:checkout:user-42');
    expect(assignmentKey('vwo:', 'a:b', 'c')).toBe('vwo:a%3Ab:c');
    expect(assignmentKey('vwo:', 'a', 'b:c')).toBe('vwo:a:b%3Ac');
    expect(assignmentKey('vwo:', 'a', '100%3A')).toBe('vwo:a:100%253A');
    expect(assignmentKey('vwo:', 'a', 'x\uD800y\uDC00')).toBe('vwo:a:x%uD800y%uDC00');
    expect(assignmentKey('vwo:', 'a', '😀 José ユーザー')).toBe('vwo:a:😀 José ユーザー');
  });

  it('an FME decision is stored as JSON under prefix + "fme:" + accountId + ":" + featureKey + ":" + userId, beside the assignments', async () => {
    const prefix = uniquePrefix('fme-layout');
    const storage = track(createRedisStorage({ url: sharedRedisUrl(), prefix }));
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    const settings = contractFmeSettings();
    const vwo = createFmeClient({ accountId: 888888, sdkKey: 'k', settings, logger: silent, storage: storage.fme({ accountId: 888888 }) });
    const variation = (await vwo.getFlag(CONTRACT_FEATURE_KEY, { id: 42 })).getVariable('variation') === 'control' ? 1 : 2;
    await vwo.close();
    const key = `${prefix}fme:888888:${CONTRACT_FEATURE_KEY}:42`;
    await eventually(async () => (await admin.exists(key)) === 1, 2000, 'the decision was written');
    // 1.35.0's record: eight keys, the undecided ones dropped by JSON, a numeric id kept a number.
    expect(await admin.get(key)).toBe(
      `{"featureKey":"${CONTRACT_FEATURE_KEY}","userId":42,"rolloutId":10,"rolloutKey":"${CONTRACT_FEATURE_KEY}_rollout","rolloutVariationId":1,` +
        `"experimentId":11,"experimentKey":"${CONTRACT_FEATURE_KEY}_ab","experimentVariationId":${variation}}`,
    );
    expect(await admin.keys(`${prefix}*`)).toEqual([key]);
  });

  it('FME keys escape each part as assignment keys do, and never take an assignment key’s shape', () => {
    expect(fmeDecisionKey('vwo:', '123456', 'checkout', 'user-42')).toBe('vwo:fme:123456:checkout:user-42');
    expect(fmeDecisionKey('vwo:', '1', '_vwo_meta_meg_7', 'a:b%')).toBe('vwo:fme:1:_vwo_meta_meg_7:a%3Ab%25');
    expect(fmeDecisionKey('vwo:', '1', 'f:x', '\uD800')).toBe('vwo:fme:1:f%3Ax:%uD800');
    // An assignment key has one unescaped ":" after the prefix, an FME key three.
    expect(assignmentKey('vwo:', 'fme', '1:f:u')).toBe('vwo:fme:1%3Af%3Au');
  });

  it('an FME value that is not a decision of that feature and user is a miss, logged', async () => {
    const prefix = uniquePrefix('fme-corrupt');
    const { lines, logger } = recordingLogger();
    const fme = track(createRedisStorage({ url: sharedRedisUrl(), prefix, logger })).fme({ accountId: 1 });
    await admin.set(fmeDecisionKey(prefix, '1', 'f', 'u1'), 'not json');
    await admin.set(
      fmeDecisionKey(prefix, '1', 'f', 'u2'),
      JSON.stringify({ featureKey: 'f', userId: 'someone-else', experimentVariationId: 2 }),
    );
    await admin.set(fmeDecisionKey(prefix, '1', 'f', 'u3'), JSON.stringify({ featureKey: 'f', userId: 'u3', experimentVariationId: 2 }));
    expect(await fme.get('f', 'u1')).toBeUndefined();
    expect(await fme.get('f', 'u2')).toBeUndefined();
    expect(await fme.get('f', 'u3')).toMatchObject({ featureKey: 'f', userId: 'u3', rolloutId: undefined, experimentVariationId: 2 });
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(2);
    await expect(fme.set({ featureKey: 'f' } as never)).rejects.toThrow(TypeError);
    expect(() => createRedisStorage({ url: sharedRedisUrl() }).fme({} as never)).toThrow(TypeError);
  });

  it('a value that is not a JSON object is a miss, logged', async () => {
    const prefix = uniquePrefix('corrupt');
    const { lines, logger } = recordingLogger();
    const storage = track(createRedisStorage({ url: sharedRedisUrl(), prefix, logger }));
    await admin.set(`${prefix}c:u1`, 'not json');
    await admin.set(`${prefix}c:u2`, '"Control"');
    expect(await storage.get('u1', 'c')).toBeUndefined();
    expect(await storage.get('u2', 'c')).toBeUndefined();
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(2);
    expect(storage.stats()).toMatchObject({ reads: 2, hits: 0, misses: 2, failedReads: 0 });
  });

  it('delete forgets one user’s record for one campaign', async () => {
    const storage = track(createRedisStorage({ url: sharedRedisUrl(), prefix: uniquePrefix('delete') }));
    await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    await storage.set({ userId: 'u', campaignKey: 'd', variationName: 'Control' });
    expect(await storage.delete('u', 'c')).toBe(true);
    expect(await storage.delete('u', 'c')).toBe(false);
    expect(await storage.get('u', 'c')).toBeUndefined();
    expect(await storage.get('u', 'd')).toBeDefined();
  });
});

describe('TTL and prefixes', () => {
  it('with ttlSeconds every write sets (and restarts) the expiry; without it records never expire', async () => {
    const prefix = uniquePrefix('ttl');
    const withTtl = track(createRedisStorage({ url: sharedRedisUrl(), prefix, ttlSeconds: 100 }));
    const without = track(createRedisStorage({ url: sharedRedisUrl(), prefix: `${prefix}none:` }));
    await withTtl.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    await without.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    const ttl = await admin.ttl(`${prefix}c:u`);
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await admin.ttl(`${prefix}none:c:u`)).toBe(-1);
    await admin.expire(`${prefix}c:u`, 5);
    await withTtl.set({ userId: 'u', campaignKey: 'c', variationName: 'Control', goalIdentifier: 'g' });
    expect(await admin.ttl(`${prefix}c:u`)).toBeGreaterThan(90);
  });

  it('a record is gone once its TTL has passed', async () => {
    const storage = track(createRedisStorage({ url: sharedRedisUrl(), prefix: uniquePrefix('expiry'), ttlSeconds: 1 }));
    await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    expect(await storage.get('u', 'c')).toBeDefined();
    await sleep(1300);
    expect(await storage.get('u', 'c')).toBeUndefined();
  });

  it('storages with different prefixes on one Redis never see each other’s records', async () => {
    const base = uniquePrefix('isolation');
    const a = track(createRedisStorage({ url: sharedRedisUrl(), prefix: `${base}a:` }));
    const b = track(createRedisStorage({ url: sharedRedisUrl(), prefix: `${base}b:` }));
    await a.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    expect(await b.get('u', 'c')).toBeUndefined();
    await b.set({ userId: 'u', campaignKey: 'c', variationName: 'Variation-1' });
    expect((await a.get('u', 'c'))?.variationName).toBe('Control');
    expect((await b.get('u', 'c'))?.variationName).toBe('Variation-1');
    expect((await admin.keys(`${base}*`)).sort()).toEqual([`${base}a:c:u`, `${base}b:c:u`]);
  });

  it('bad options throw at construction, naming the option', () => {
    const url = sharedRedisUrl();
    expect(() => createRedisStorage({ url, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => createRedisStorage({ url, ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
    expect(() => createRedisStorage({ url, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createRedisStorage({})).toThrow(/exactly one of client, url or redisOptions/);
    expect(() => createRedisStorage({ url, redisOptions: {} })).toThrow(/exactly one/);
    expect(() => createRedisStorage({ client: {} as never })).toThrow(/neither an ioredis/);
  });
});

describe('a slow or absent Redis', () => {
  let paused: RedisServer;
  beforeAll(async () => {
    paused = await redisServer();
    await paused.start();
  });
  afterAll(async () => paused.dispose());

  it('while Redis is paused, reads answer a miss and writes give up within timeoutMs, and the outage is logged once', async () => {
    const { lines, logger } = recordingLogger();
    const storage = track(createRedisStorage({ url: paused.url, prefix: uniquePrefix('pause'), timeoutMs: 50, logger }));
    await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    expect(await storage.get('u', 'c')).toBeDefined();

    const pauser = track(inspectorOf(paused));
    await pauser.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const started = performance.now();
    const reads = await Promise.all(Array.from({ length: 20 }, () => storage.get('u', 'c')));
    const readMs = performance.now() - started;
    const writeStarted = performance.now();
    await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Variation-1' });
    const writeMs = performance.now() - writeStarted;
    console.log(
      `paused Redis: 20 parallel reads answered in ${readMs.toFixed(1)} ms, a write gave up after ${writeMs.toFixed(1)} ms (timeoutMs 50)`,
    );

    expect(reads.every((r) => r === undefined)).toBe(true);
    expect(readMs).toBeLessThan(50 + 250); // the bound plus scheduling slack on a busy machine
    expect(writeMs).toBeLessThan(50 + 250);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(lines[0].message).toMatch(/unavailable \(no answer within 50 ms\)/);

    await sleep(1600); // the pause ends; the writes that waited now land
    expect(await storage.get('u', 'c')).toBeDefined();
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(1);
    expect(lines[1].message).toMatch(/answers again after \d+ ms; 20 reads and 1 writes failed meanwhile/);
    expect(storage.stats()).toMatchObject({ reads: 22, failedReads: 20, writes: 2, failedWrites: 1, outages: 1 });
  });

  it('with Redis stopped, calls fail at once (nothing queues), and the storage comes back by itself when Redis does', async () => {
    const { lines, logger } = recordingLogger();
    const storage: RedisStorage = track(createRedisStorage({ url: paused.url, prefix: uniquePrefix('down'), timeoutMs: 50, logger }));
    await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Control' });
    await paused.stop('SIGKILL');
    await sleep(100);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) expect(await storage.get('u', 'c')).toBeUndefined();
    const ms = performance.now() - started;
    const microsEach = (ms * 1000) / 1000; // 1000 reads
    console.log(`Redis stopped: 1000 sequential reads answered a miss in ${ms.toFixed(1)} ms (${microsEach.toFixed(0)} µs each)`);
    expect(ms).toBeLessThan(1000); // far below 1000 × timeoutMs: they never waited for the time-out
    await paused.start();
    const back = Date.now();
    await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Variation-1' });
    while ((await storage.get('u', 'c')) === undefined) {
      if (Date.now() - back > 5000) throw new Error('the storage did not recover within 5 s of Redis restarting');
      await storage.set({ userId: 'u', campaignKey: 'c', variationName: 'Variation-1' });
      await sleep(50);
    }
    console.log(`the storage answered again ${Date.now() - back} ms after Redis restarted`);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(1);
  });

  it('with Redis stopped, FME reads answer a miss and writes resolve at once, counted in the same stats', async () => {
    const server = await redisServer();
    await server.start();
    try {
      const storage: RedisStorage = track(
        createRedisStorage({ url: server.url, prefix: uniquePrefix('fme-down'), timeoutMs: 50, logger: recordingLogger().logger }),
      );
      const fme = storage.fme({ accountId: 1 });
      const decision = {
        featureKey: 'f',
        userId: 'u',
        rolloutId: 10,
        rolloutKey: 'f_r',
        rolloutVariationId: 1,
        experimentId: undefined,
        experimentKey: undefined,
        experimentVariationId: undefined,
      };
      await fme.set(decision);
      expect(await fme.get('f', 'u')).toEqual(decision);
      await server.stop('SIGKILL');
      await sleep(100);
      const started = performance.now();
      for (let i = 0; i < 100; i++) {
        expect(await fme.get('f', 'u')).toBeUndefined();
        await fme.set(decision);
      }
      expect(performance.now() - started).toBeLessThan(1000); // never waited 100 × timeoutMs
      expect(storage.stats()).toMatchObject({ reads: 101, hits: 1, failedReads: 100, writes: 101, failedWrites: 100, outages: 1 });
    } finally {
      await server.dispose();
    }
  });

  it('close() quits a client it created and leaves a client it was given open', async () => {
    const created = createRedisStorage({ url: sharedRedisUrl() });
    await created.get('u', 'c');
    await created.close();
    await eventually(() => (created.client as Redis).status === 'end', 2000, 'the created client ended');

    const given = inspector();
    const storage = createRedisStorage({ client: given });
    await storage.close();
    expect(await given.ping()).toBe('PONG');
    await given.quit();
  });
});

describe('createRedisSettingsCache', () => {
  it('holds a settings file under its key and gives it back; an empty key is undefined', async () => {
    const key = `${uniquePrefix('settings')}settings`;
    const cache = track(createRedisSettingsCache({ url: sharedRedisUrl(), key }));
    expect(await cache.get()).toBeUndefined();
    const file = contractSettings(30);
    await cache.set(file);
    expect(await cache.get()).toEqual(file);
    expect(JSON.parse((await admin.get(key))!)).toEqual(file);
    expect(await admin.ttl(key)).toBe(-1);
  });

  it('rejects, naming the key and the reason, when Redis is down or holds something that is not JSON', async () => {
    const server = await redisServer();
    await server.start();
    try {
      const key = 'vwo:settings';
      const { logger } = recordingLogger();
      const cache = track(createRedisSettingsCache({ url: server.url, key, logger }));
      await track(inspectorOf(server)).set(key, '{not json');
      await expect(cache.get()).rejects.toThrow(/"vwo:settings": the value is not JSON/);
      await server.stop('SIGKILL');
      await sleep(100);
      // "not connected" while the client waits to reconnect, or the connection error during an attempt.
      await expect(cache.get()).rejects.toThrow(/^Redis settings cache "vwo:settings": /);
      await expect(cache.set({})).rejects.toThrow(/^Redis settings cache "vwo:settings": /);
    } finally {
      await server.dispose();
    }
  });
});

function inspectorOf(server: RedisServer) {
  const client = inspector(server.url);
  client.on('error', () => {});
  return Object.assign(client, { close: async () => client.disconnect() });
}
