import type { FmeSettingsCacheConnector, FmeSettingsData, FmeStorageRecord, Logger } from '@vwo/core';
import { pageLocalStorage } from './outbox.js';

/** vwo-fme-node-sdk 1.35.0's `clientStorage` option (its browser build): where `init` keeps its data in the page. */
export interface FmeClientStorageOptions {
  /** The `localStorage` key holding the decisions and the settings (default `'vwo_fme_data'`, as 1.35.0). */
  readonly key?: string;
  /** A Web Storage to use instead of `localStorage` (`sessionStorage`, for example). */
  readonly provider?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Keep nothing: no decisions remembered, no settings cached. */
  readonly isDisabled?: boolean;
  /** Use the cached settings whatever their age (default `false`). */
  readonly alwaysUseCachedSettings?: boolean;
  /** How long cached settings count as fresh, in ms (at least 60,000; default 7,200,000). */
  readonly ttl?: number;
}

const DATA_KEY = 'vwo_fme_data';
const SETTINGS_KEY = 'vwo_fme_settings';
const MIN_TTL_MS = 60_000;
const DEFAULT_TTL_MS = 7_200_000;

/**
 * The storage 1.35.0's browser build uses when `init` is given no `storage`: one JSON object in
 * `localStorage` (`vwo_fme_data`) holding each decision under `<featureKey>_<userId>` and the
 * settings file, with the time it was fetched, under `vwo_fme_settings` (its `sdkKey` base64
 * encoded, as 1.35.0 writes it, so either SDK reads the other's cache). `undefined` where
 * `localStorage` is unavailable. Never throws: a failed read answers nothing, a failed write is
 * logged.
 *
 * @example
 * const storage = fmeBrowserStorage({ ttl: 600_000 }, log);
 */
export function fmeBrowserStorage(options: FmeClientStorageOptions | undefined, log: Logger): FmeSettingsCacheConnector | undefined {
  const store = options?.provider ?? pageLocalStorage();
  if (store === undefined) return undefined;
  const key = typeof options?.key === 'string' && options.key !== '' ? options.key : DATA_KEY;
  const disabled = options?.isDisabled === true;
  const read = (): Record<string, unknown> => {
    try {
      const text = store.getItem(key);
      const data: unknown = text ? JSON.parse(text) : {};
      return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    } catch (error) {
      log.error(`clientStorage: could not read ${key} (${String(error)}); nothing stored is used`);
      return {};
    }
  };
  const write = (name: string, value: unknown): void => {
    if (disabled) return;
    try {
      const data = read();
      data[name] = value;
      store.setItem(key, JSON.stringify(data));
    } catch (error) {
      log.error(`clientStorage: could not write ${key} (${String(error)})`);
    }
  };
  const ttl = typeof options?.ttl === 'number' && options.ttl >= MIN_TTL_MS ? options.ttl : DEFAULT_TTL_MS;
  return {
    ttl,
    alwaysUseCachedSettings: options?.alwaysUseCachedSettings === true,
    get(featureKey, userId) {
      return disabled ? undefined : read()[`${featureKey}_${userId}`];
    },
    set(record: FmeStorageRecord) {
      write(`${String(record.featureKey)}_${String(record.userId)}`, record);
    },
    getSettings() {
      const data = disabled ? undefined : (read()[SETTINGS_KEY] as FmeSettingsData | undefined);
      if (typeof data?.settings?.sdkKey !== 'string') return data;
      try {
        return { ...data, settings: { ...data.settings, sdkKey: atob(data.settings.sdkKey) } };
      } catch {
        return undefined; // Not base64: not a cache 1.35.0 or this SDK wrote.
      }
    },
    setSettings(data: FmeSettingsData) {
      const sdkKey = data.settings?.sdkKey;
      try {
        write(SETTINGS_KEY, typeof sdkKey === 'string' ? { ...data, settings: { ...data.settings, sdkKey: btoa(sdkKey) } } : data);
      } catch (error) {
        log.error(`clientStorage: the settings were not cached (${String(error)})`);
      }
    },
  };
}
