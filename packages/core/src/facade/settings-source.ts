/**
 * Fetching the settings file over a `Transport`, shared by the facades: the core does no I/O of
 * its own, the transport the user or facade gives does.
 */
import type { Transport } from '../client/types.js';
import { DEFAULT_COLLECTOR_URL, SDK_NAME, SDK_VERSION } from '../events/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../util/deadline.js';
import { startTimer } from '../util/timers.js';
import { fetchSettingsFile } from './settings-fetch.js';
import { SettingsFetchError } from './settings-fetch-error.js';

export { fetchSettingsFile, SettingsFetchError };

/** `settings` is the launch/polling endpoint, `pull` the webhook refresh (events.md §12). */
export type SettingsEndpoint = 'settings' | 'pull';

/**
 * The URL 1.73.0 fetches the settings file from.
 *
 * @example
 * settingsUrl(undefined, 'settings', 123456, 'sdk-key', Math.random());
 * // 'https://dev.visualwebsiteoptimizer.com/server-side/settings?a=123456&i=sdk-key&r=0.42&platform=server&sdk=vwo-node-sdk&sdk-v=1.73.0'
 */
export function settingsUrl(
  base: string | undefined,
  endpoint: SettingsEndpoint,
  accountId: string | number,
  sdkKey: string,
  random: number,
): string {
  const root = (base ?? DEFAULT_COLLECTOR_URL).replace(/\/+$/, '');
  const query = `a=${encodeURIComponent(String(accountId))}&i=${encodeURIComponent(sdkKey)}&r=${random}&platform=server&sdk=${SDK_NAME}&sdk-v=${SDK_VERSION}`;
  return `${root}/server-side/${endpoint}?${query}`;
}

/** Retries a fetch after each of `waitsMs`: launch should not hang for 1.73.0's 31 s. */
export async function fetchWithRetries(fetchOnce: () => Promise<unknown>, waitsMs: readonly number[]): Promise<unknown> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= waitsMs.length; attempt++) {
    try {
      return await fetchOnce();
    } catch (error) {
      lastError = error;
      const wait = waitsMs[attempt];
      if (wait !== undefined) await new Promise<void>((resolve) => startTimer(resolve, wait));
    }
  }
  throw lastError;
}

/** Waits between the attempts of the settings fetch at launch: launch should not hang for 1.73.0's 31 s. */
const LAUNCH_FETCH_RETRY_WAITS_MS: readonly number[] = [500, 1000];

/** The settings fetches of one facade's client, over its transport. */
export interface SettingsFetcher {
  /** One GET of `endpoint`; rejects with a {@link SettingsFetchError}. */
  fetch(endpoint: SettingsEndpoint, accountId: string | number, sdkKey: string): Promise<unknown>;
  /** The fetch at launch: `settings`, tried again after 0.5 and 1 s; rejects with the last error. */
  atLaunch(accountId: string | number, sdkKey: string): Promise<unknown>;
  /** `ClientConfig.fetchSettings` (`getAndUpdateSettingsFile`): the `pull` endpoint; rejects without an SDK key. */
  refresh(accountId: string | number, sdkKey: string | undefined): Promise<unknown>;
}

/**
 * The settings fetches a facade's `launch` makes, all through `transport`, from `collectorUrl`
 * (default VWO's), each attempt bounded by `requestTimeout` (default 10,000 ms).
 *
 * @example
 * const settings = settingsFetcher(transport, config.collectorUrl, config.requestTimeout);
 * const file = await settings.atLaunch(123456, 'your-sdk-key');
 * createClient({ settings: parseSettings(file).settings, transport, fetchSettings: settings.refresh });
 */
export function settingsFetcher(transport: Transport, collectorUrl: string | undefined, requestTimeout?: number): SettingsFetcher {
  const timeoutMs = requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const fetch = (endpoint: SettingsEndpoint, accountId: string | number, sdkKey: string) =>
    fetchSettingsFile(transport, settingsUrl(collectorUrl, endpoint, accountId, sdkKey, Math.random()), timeoutMs);
  return {
    fetch,
    atLaunch: (accountId, sdkKey) => fetchWithRetries(() => fetch('settings', accountId, sdkKey), LAUNCH_FETCH_RETRY_WAITS_MS),
    refresh: (accountId, sdkKey) =>
      sdkKey ? fetch('pull', accountId, sdkKey) : Promise.reject(new Error('no sdkKey to fetch the settings with')),
  };
}
