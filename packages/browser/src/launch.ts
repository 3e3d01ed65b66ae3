import {
  type ClientConfig,
  checkSettingsSource,
  createClient,
  launchUsage,
  type Settings,
  type SettingsSourceOptions,
  safeLogger,
  settingsFetcher,
  settingsFetchFailed,
  settingsForLaunch,
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
  checkLaunchOptions(config);
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
  const fetcher = settingsFetcher(transport, config.collectorUrl, requestTimeout);

  let settings: Settings;
  try {
    const file =
      settingsFile ??
      (await fetcher.atLaunch(accountId as string | number, sdkKey as string).catch((error: unknown) => {
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
    requestTimeout,
    fetchSettings: fetcher.refresh,
    onClose: () => {
      stopPolling?.();
      page.stop();
    },
    usage: launchUsage(config),
  });
  if (pollingInterval !== undefined) {
    const polled = client;
    const timer = setInterval(() => void polled.getAndUpdateSettingsFile(), pollingInterval);
    stopPolling = () => clearInterval(timer);
  }
  return client;
}

function checkLaunchOptions(config: LaunchConfig): void {
  checkSettingsSource(config);
  const { persistEvents, storageNamespace } = config;
  if (persistEvents !== undefined && typeof persistEvents !== 'boolean') throw new VWOConfigError('persistEvents', 'expected a boolean');
  if (storageNamespace !== undefined && (typeof storageNamespace !== 'string' || storageNamespace === ''))
    throw new VWOConfigError('storageNamespace', 'expected a non-empty string');
}
