/**
 * Fetching the settings file over a `Transport`, shared by the facades: the core does no I/O of
 * its own, the transport the user or facade gives does.
 */
import type { Transport, TransportResponse } from '../client/types.js';
import { DEFAULT_COLLECTOR_URL, SDK_NAME, SDK_VERSION } from '../events/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../util/deadline.js';
import { startTimer } from '../util/timers.js';
import { errorMessage } from '../util/types.js';

/** `settings` is the launch/polling endpoint, `pull` the webhook refresh (events.md §12). */
export type SettingsEndpoint = 'settings' | 'pull';

/** A settings fetch that did not yield a JSON document. */
export class SettingsFetchError extends Error {
  /** Always `'SettingsFetchError'`. */
  override readonly name = 'SettingsFetchError';
}

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

/**
 * One GET of the settings file, bounded by `timeoutMs` whatever the transport does; rejects with a
 * {@link SettingsFetchError} naming the reason (status, no answer in time, bad JSON, no status).
 */
export async function fetchSettingsFile(transport: Transport, url: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<unknown> {
  const where = url.split('?')[0];
  let response: TransportResponse | undefined;
  try {
    response = await withDeadline(() => transport.send({ method: 'GET', url }), timeoutMs, `GET ${where}`);
  } catch (error) {
    throw new SettingsFetchError(`GET ${where} failed: ${errorMessage(error)}`);
  }
  let status: unknown;
  let body: unknown;
  try {
    status = response?.status;
    body = response?.body;
  } catch {
    // A hostile answer is no answer; the check below says so.
  }
  if (typeof status !== 'number') throw new SettingsFetchError(`GET ${where}: the transport resolved no HTTP status`);
  if (status < 200 || status >= 300) throw new SettingsFetchError(`GET ${where} answered HTTP ${status}`);
  try {
    return JSON.parse(typeof body === 'string' ? body : '');
  } catch {
    throw new SettingsFetchError(`GET ${where} answered something that is not JSON`);
  }
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
