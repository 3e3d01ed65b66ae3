import { type Awaitable, type Logger, parseSettings } from '@vwo/core';

/**
 * Where a fleet shares its settings file, so that VWO is asked once rather than by every process
 * (`createRedisSettingsCache` of `@vwo/storage-redis` is one). `get` answers `undefined` (or
 * `null`) when the cache holds nothing; it may throw or reject when the cache is unreachable.
 */
export interface SettingsCache {
  /** The cached settings file; `undefined` or `null` when there is none. */
  get(): Awaitable<unknown>;
  /** Stores a settings file fetched from VWO (already validated). */
  set(file: unknown): Awaitable<void>;
}

/** Where `launch` and polling read the settings from: VWO (default) or the `settingsCache`. */
export type PollingSource = 'network' | 'cache';

/** A cache that does not answer within this bound (ms) counts as unreachable: launch must not hang on it. */
export const SETTINGS_CACHE_TIMEOUT_MS = 2000;

/** The cached settings file, or `undefined` (logged) when there is none, it fails, or it is too slow. */
export async function readSettingsCache(cache: SettingsCache, log: Logger): Promise<unknown> {
  try {
    const file = await bounded(() => cache.get(), 'read');
    return file ?? undefined;
  } catch (error) {
    log.warn(`settings cache: ${describe(error)}`);
    return undefined;
  }
}

/** The cached settings file if it is valid; `undefined` (logged) when there is none or it is invalid. */
export async function readValidSettingsCache(cache: SettingsCache, log: Logger): Promise<unknown> {
  const file = await readSettingsCache(cache, log);
  if (file === undefined) return undefined;
  const parsed = parseSettings(file);
  if (parsed.ok) return file;
  log.error(`settings cache: the cached settings are invalid and were not used: ${parsed.error.message}`);
  return undefined;
}

/** One poll of the cache: the file, or a rejection that polling logs (it then keeps the last good settings). */
export async function pollSettingsCache(cache: SettingsCache): Promise<unknown> {
  const file = await bounded(() => cache.get(), 'settings cache read');
  if (file === undefined || file === null) throw new Error('the settings cache is empty');
  return file;
}

/** Writes a settings file fetched from VWO; a failure is logged, never thrown. */
export async function writeSettingsCache(cache: SettingsCache, file: unknown, log: Logger): Promise<void> {
  try {
    await bounded(() => cache.set(file), 'write');
  } catch (error) {
    log.warn(`settings cache: could not store the settings fetched from VWO: ${describe(error)}`);
  }
}

async function bounded<T>(call: () => Awaitable<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${SETTINGS_CACHE_TIMEOUT_MS} ms`)), SETTINGS_CACHE_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(call), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
