import {
  type ClientConfig,
  checkSettingsSource,
  createClient,
  fetchSettingsFile,
  fetchWithRetries,
  LAUNCH_FETCH_RETRY_WAITS_MS,
  numericLogLevel,
  type Settings,
  type SettingsEndpoint,
  type SettingsSourceOptions,
  safeLogger,
  settingsFetchFailed,
  settingsForLaunch,
  settingsUrl,
  type Transport,
  type VWOClient,
  VWOConfigError,
} from '@vwo/core';
import { createBeaconTransport } from '@vwo/transport-beacon';
import { createFetchTransport } from '@vwo/transport-fetch';
import { localStorageOutbox, pageLocalStorage } from './outbox.js';
import { watchPage } from './page-lifecycle.js';
import { pageAwareTransport } from './page-transport.js';

/** Everything `launch` takes: the client's options, where the settings come from, and the page's defaults. */
export interface LaunchConfig
  extends Omit<ClientConfig, 'settings' | 'transport' | 'fetchSettings' | 'onClose' | 'usage' | 'eventOutbox'>,
    SettingsSourceOptions {
  /**
   * Sends events and fetches settings. Default: `fetch` while the page is visible, and
   * `navigator.sendBeacon` (or `fetch` with `keepalive`) once it is hidden.
   */
  readonly transport?: Transport;
  /**
   * Keep every unsent event in `localStorage` until it is delivered, so that a reload, a crash or
   * a closed tab loses none: the next launch on the site resends it (default `true`; nothing is
   * kept where `localStorage` is unavailable).
   */
  readonly persistEvents?: boolean;
  /** Prefix of the SDK's `localStorage` keys (default `'vwo'`). */
  readonly storageNamespace?: string;
}

/**
 * Starts the SDK with browser defaults: `fetch` (and beacons once the page is hidden), a console
 * logger at `error`, settings given or fetched, optional polling, pending events flushed when
 * the page is hidden, and unsent events kept in `localStorage`. No user storage unless you pass
 * one (`createLocalStorage()` of `@vwo/storage-localstorage`), exactly as vwo-node-sdk.
 *
 * Rejects with a {@link VWOConfigError} naming the bad option, or the settings path at fault.
 *
 * @example
 * import { launch } from '@vwo/browser';
 * const vwo = await launch({ accountId: 123456, sdkKey: 'your-sdk-key' });
 * const variation = await vwo.activate('checkout-button', visitorId);
 * button.onclick = () => vwo.track('checkout-button', visitorId, 'purchase');
 */
export async function launch(config: LaunchConfig): Promise<VWOClient> {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new VWOConfigError('config', 'expected an object of options');
  const {
    settingsFile,
    accountId,
    sdkKey,
    pollingInterval,
    requestTimeout,
    transport: given,
    persistEvents,
    storageNamespace,
    ...clientOptions
  } = config;
  checkLaunchOptions(config);
  const log = safeLogger(config.logger, config.logLevel);
  // The page may never come back once hidden: send what is queued, and retries due later, while it still can.
  let client: VWOClient | undefined;
  const page = watchPage(() => void client?.flushEvents({ retryWaiting: true }));
  const transport =
    given ??
    pageAwareTransport(
      createFetchTransport(requestTimeout === undefined ? {} : { timeoutMs: requestTimeout }),
      createBeaconTransport(),
      page,
    );
  const fetchFrom = (endpoint: SettingsEndpoint, account: string | number, key: string) =>
    fetchSettingsFile(transport, settingsUrl(config.collectorUrl, endpoint, account, key, Math.random()));

  let settings: Settings;
  try {
    const file =
      settingsFile ??
      (await fetchWithRetries(
        () => fetchFrom('settings', accountId as string | number, sdkKey as string),
        LAUNCH_FETCH_RETRY_WAITS_MS,
      ).catch((error: unknown) => {
        throw settingsFetchFailed(accountId, error);
      }));
    settings = settingsForLaunch(file, log);
  } catch (error) {
    page.stop();
    throw error;
  }

  let eventOutbox: ClientConfig['eventOutbox'];
  if (persistEvents !== false && config.isDevelopmentMode !== true) {
    const storage = pageLocalStorage();
    if (storage === undefined) log.warn('localStorage is unavailable: unsent events will not survive a reload');
    else eventOutbox = localStorageOutbox(storage, `${storageNamespace ?? 'vwo'}:outbox:`);
  }

  let stopPolling: (() => void) | undefined;
  client = createClient({
    ...clientOptions,
    settings,
    transport,
    eventOutbox,
    fetchSettings: (account, key) => {
      if (!key) return Promise.reject(new Error('no sdkKey to fetch the settings with'));
      return fetchFrom('pull', account, key);
    },
    onClose: () => {
      stopPolling?.();
      page.stop();
    },
    usage: {
      pollingInterval: pollingInterval !== undefined,
      logLevel: numericLogLevel(config.logLevel),
    },
  });
  if (pollingInterval !== undefined) {
    const polled = client;
    const timer = setInterval(() => void polled.getAndUpdateSettingsFile(), pollingInterval);
    stopPolling = () => clearInterval(timer);
  }
  return client;
}

function checkLaunchOptions(config: LaunchConfig): void {
  const { persistEvents, storageNamespace } = config;
  checkSettingsSource(config);
  if (persistEvents !== undefined && typeof persistEvents !== 'boolean') throw new VWOConfigError('persistEvents', 'expected a boolean');
  if (storageNamespace !== undefined && (typeof storageNamespace !== 'string' || storageNamespace === ''))
    throw new VWOConfigError('storageNamespace', 'expected a non-empty string');
}
