import {
  type Link,
  Outages,
  openLink,
  type RedisClient,
  type RedisConnectionOptions,
  reason,
  TIMED_OUT,
  withTimeout,
} from './connection.js';

/** Options of {@link createRedisSettingsCache}. */
export interface RedisSettingsCacheOptions extends RedisConnectionOptions {
  /** The key that holds the settings file (default `'vwo:settings'`; one key per account and environment). */
  readonly key?: string;
  /** A call that takes longer (ms, default 1000) rejects. */
  readonly timeoutMs?: number;
}

/** The default of {@link RedisSettingsCacheOptions.key}. */
export const DEFAULT_SETTINGS_KEY = 'vwo:settings';

/**
 * A settings file shared by a fleet through Redis: the `settingsCache` of `@vwo/node`'s `launch`.
 * One process polls VWO and writes; the others launch and refresh from here.
 */
export interface RedisSettingsCache {
  /** The cached settings file, or `undefined` when there is none. Rejects when Redis fails, is too slow, or holds something that is not JSON. */
  get(): Promise<unknown>;
  /** Stores the settings file as JSON (no expiry). Rejects when Redis fails or is too slow. */
  set(file: unknown): Promise<void>;
  /** Quits the client if the cache created it; a client you gave is left open. */
  close(): Promise<void>;
  /** The key that holds the settings file. */
  readonly key: string;
  /** The client in use (the one given, or the one the cache created). */
  readonly client: RedisClient;
}

/**
 * The settings file in one Redis key, for a fleet that fetches settings once: pass it as
 * `settingsCache` to `launch` in every process (see the README, "One poller per fleet").
 *
 * @throws TypeError when not exactly one of `client`, `url`, `redisOptions` is given.
 *
 * @example
 * import { launch } from '@vwo/node';
 * import { createRedisSettingsCache } from '@vwo/storage-redis';
 * const settingsCache = createRedisSettingsCache({ url: process.env.REDIS_URL, key: 'vwo:settings:123456' });
 * const vwo = await launch({ accountId: 123456, sdkKey, settingsCache, pollingInterval: 60_000 });
 */
export function createRedisSettingsCache(options: RedisSettingsCacheOptions): RedisSettingsCache {
  const key = options.key ?? DEFAULT_SETTINGS_KEY;
  const timeoutMs = options.timeoutMs ?? 1000;
  if (typeof key !== 'string' || key === '') throw new TypeError('createRedisSettingsCache: key must be a non-empty string');
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs)))
    throw new RangeError(`createRedisSettingsCache: timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  const outages = new Outages(options.logger ?? console, 'Redis settings cache');
  const link: Link = openLink(options, (error) => outages.failed(reason(error), 'client'), 'createRedisSettingsCache');

  const call = async <T>(kind: 'read' | 'write', run: () => Promise<T>): Promise<T> => {
    let why: string;
    if (!link.usable()) why = 'not connected';
    else {
      try {
        const answer = await withTimeout(run(), timeoutMs);
        if (answer !== TIMED_OUT) {
          outages.answered();
          return answer;
        }
        why = `no answer within ${timeoutMs} ms`;
      } catch (error) {
        why = reason(error);
      }
    }
    outages.failed(why, kind);
    throw new Error(`Redis settings cache ${JSON.stringify(key)}: ${why}`);
  };

  return {
    async get() {
      const text = await call('read', () => link.get(key));
      if (text === null) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`Redis settings cache ${JSON.stringify(key)}: the value is not JSON`);
      }
    },
    async set(file) {
      const text = JSON.stringify(file);
      if (text === undefined) throw new TypeError('RedisSettingsCache.set: the settings file must be a JSON value');
      await call('write', () => link.set(key, text, undefined));
    },
    close: () => link.close(),
    key,
    client: link.client,
  };
}
