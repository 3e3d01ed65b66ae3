/**
 * `settingsCache` and `pollingSource: 'cache'`: a fleet fetches its settings once. Settings
 * fetched from VWO are written to the cache; VWO unreachable at launch → launch from the cache;
 * followers launch from and poll the cache. The cache here is an object in memory (the Redis
 * one is tested in @vwo/storage-redis, with real processes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LaunchConfig, launch, type SettingsCache, VWOConfigError } from '../src/index.js';
import { eventually, recordingLogger, useCollector } from './fixtures/collector.js';
import { ACCOUNT_ID, abCampaign, SDK_KEY, settingsFile } from './fixtures/settings.js';

const collector = useCollector(settingsFile());
afterEach(() => collector().setSettings(settingsFile())); // reset() keeps the settings a test swapped in
// Port 9 on loopback (discard) refuses connections here; nothing leaves the machine.
const UNREACHABLE = 'http://127.0.0.1:9';

function memoryCache(initial?: unknown) {
  const cache = { file: initial, reads: 0, writes: 0 };
  const api: SettingsCache = {
    get: async () => {
      cache.reads++;
      return cache.file;
    },
    set: async (file) => {
      cache.writes++;
      cache.file = structuredClone(file);
    },
  };
  return Object.assign(cache, { api });
}

/** A file that puts every user into one variation: which file a client runs on shows in its answers. */
const everyoneIn = (name: 'Control' | 'Variation-1') => () =>
  settingsFile([
    abCampaign({
      variations: [
        { id: 1, name: 'Control', weight: name === 'Control' ? 100 : 0 },
        { id: 2, name: 'Variation-1', weight: name === 'Control' ? 0 : 100 },
      ],
    }),
  ]);
const allControl = everyoneIn('Control');
const allVariation = everyoneIn('Variation-1');
const fetches = () =>
  collector()
    .received()
    .filter((r) => r.endpoint === 'settings').length;

describe('settingsCache', () => {
  it('settings fetched from VWO at launch are written to the cache', async () => {
    const cache = memoryCache();
    const vwo = await launch({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: collector().url,
      settingsCache: cache.api,
      logLevel: 'silent',
    });
    expect(cache.file).toEqual(settingsFile());
    await vwo.close();
  });

  it('when VWO is unreachable at launch, launch resolves from the cached settings and logs a warning', async () => {
    const cache = memoryCache(allVariation());
    const { lines, logger } = recordingLogger();
    const vwo = await launch({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: UNREACHABLE,
      settingsCache: cache.api,
      logger,
      logLevel: 'warn',
    });
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Variation-1');
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(/the settings could not be fetched \(.*127\.0\.0\.1:9.*\): launched from the cached settings$/),
    ]);
    expect(cache.writes).toBe(0);
    await vwo.close();
  });

  it('when VWO is unreachable and the cache is empty, unreachable, or holds invalid settings, launch rejects naming settingsFile', async () => {
    const failing: SettingsCache = { get: () => Promise.reject(new Error('cache down')), set: async () => {} };
    for (const cache of [memoryCache().api, failing, memoryCache({ accountId: 1 }).api]) {
      const failure = await launch({
        accountId: ACCOUNT_ID,
        sdkKey: SDK_KEY,
        collectorUrl: UNREACHABLE,
        settingsCache: cache,
        logLevel: 'silent',
      }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(VWOConfigError);
      expect((failure as VWOConfigError).field).toBe('settingsFile');
    }
  });

  it('a cache that fails to store does not fail launch: it is logged', async () => {
    const { lines, logger } = recordingLogger();
    const cache: SettingsCache = { get: async () => undefined, set: () => Promise.reject(new Error('read-only replica')) };
    const vwo = await launch({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: collector().url,
      settingsCache: cache,
      logger,
      logLevel: 'warn',
    });
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Control');
    expect(lines.map((l) => l.message)).toEqual([
      expect.stringContaining('could not store the settings fetched from VWO: read-only replica'),
    ]);
    await vwo.close();
  });

  it('the poller writes every valid settings file it fetches to the cache', async () => {
    const cache = memoryCache();
    const vwo = await launch({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: collector().url,
      settingsCache: cache.api,
      pollingInterval: 1000,
      logLevel: 'silent',
    });
    expect(cache.writes).toBe(1);
    collector().setSettings(allVariation());
    await eventually(() => JSON.stringify(cache.file) === JSON.stringify(allVariation()), 3000);
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Variation-1');
    cache.file = undefined; // say Redis restarted empty: the next poll fills it again, though nothing changed
    await eventually(() => cache.file !== undefined, 3000);
    await vwo.close();
  });
});

describe("pollingSource: 'cache'", () => {
  const follower = (cache: SettingsCache, extra: Partial<LaunchConfig> = {}) =>
    launch({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: collector().url,
      settingsCache: cache,
      pollingSource: 'cache',
      pollingInterval: 1000,
      logLevel: 'silent',
      ...extra,
    });

  it('launches from the cache without asking VWO, and takes up new settings from the cache at the next poll', async () => {
    const cache = memoryCache(allControl());
    const vwo = await follower(cache.api);
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Control');
    cache.file = allVariation();
    await eventually(() => vwo.settings.campaignsByKey.get('K')!.variations[1].weight === 100, 3000);
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Variation-1');
    expect(fetches()).toBe(0);
    expect(cache.writes).toBe(0);
    await vwo.close();
  });

  it('with an empty cache it launches from VWO (and fills the cache); an emptied cache keeps the last good settings', async () => {
    const cache = memoryCache();
    const { lines, logger } = recordingLogger();
    const vwo = await follower(cache.api, { logger, logLevel: 'warn' });
    expect(fetches()).toBe(1);
    expect(cache.file).toEqual(settingsFile());
    cache.file = undefined;
    await eventually(() => lines.some((l) => l.message.includes('the settings cache is empty')), 3000);
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Control');
    expect(fetches()).toBe(1); // followers never poll VWO
    await vwo.close();
  });

  it('a cache that never answers costs launch a bounded wait, then VWO is asked', async () => {
    const hanging: SettingsCache = { get: () => new Promise(() => {}), set: async () => {} };
    const started = Date.now();
    const vwo = await follower(hanging, { pollingInterval: undefined });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fetches()).toBe(1);
    await vwo.close();
  });

  it('bad options are named: a settingsCache without get/set, an unknown pollingSource, a cache source without a cache', async () => {
    const cases: Array<[Partial<LaunchConfig>, string]> = [
      [{ settingsCache: {} as SettingsCache }, 'settingsCache'],
      [{ pollingSource: 'redis' as never }, 'pollingSource'],
      [{ pollingSource: 'cache' }, 'pollingSource'],
    ];
    for (const [extra, field] of cases) {
      const failure = await launch({ settingsFile: settingsFile(), isDevelopmentMode: true, logLevel: 'silent', ...extra }).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(VWOConfigError);
      expect((failure as VWOConfigError).field).toBe(field);
    }
  });
});
