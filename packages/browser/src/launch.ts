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
import { localStorageOutbox, pageLocalStorage } from './outbox.js';
import { watchPage } from './page-lifecycle.js';
import { pageSender } from './page-sender.js';

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
  const page = pageParts(config);
  const file =
    config.settingsFile ??
    (await page.fetcher.atLaunch(config.accountId as string | number, config.sdkKey as string).catch((error: unknown) => {
      page.watch.stop();
      throw settingsFetchFailed(config.accountId, error);
    }));
  return startClient(config, page, file);
}

/**
 * `launch` from a settings file the caller already has, synchronously: the bootstrap's start
 * (bootstrap.ts), kept out of `launch` so that apps not using a bootstrap do not ship it.
 * Throws a {@link VWOConfigError} as `launch` rejects.
 *
 * @internal
 */
export function launchFromSettingsFile(config: LaunchConfig, file: unknown): VWOClient {
  return startClient(config, pageParts(config), file);
}

/** What a launch needs before it has settings: the page watch, the transport, the settings fetcher. */
interface PageParts {
  readonly watch: ReturnType<typeof watchPage>;
  readonly transport: Transport;
  readonly fetcher: ReturnType<typeof settingsFetcher>;
  client?: VWOClient;
}

/** Checks the options, then builds what the launch needs before it has settings. */
function pageParts(config: LaunchConfig): PageParts {
  checkLaunchOptions(config);
  const { requestTimeout, transport: given } = config;
  // The page may never come back once hidden: send what is queued, and retries due later, while it still can.
  const parts: { -readonly [K in keyof PageParts]: PageParts[K] } = {} as PageParts;
  parts.watch = watchPage(() => void parts.client?.flushEvents({ retryWaiting: true }));
  parts.transport = given ?? pageSender(parts.watch, requestTimeout);
  parts.fetcher = settingsFetcher(parts.transport, config.collectorUrl, requestTimeout);
  return parts;
}

function startClient(config: LaunchConfig, page: PageParts, file: unknown): VWOClient {
  // Whatever fails from here on leaves no listener behind.
  try {
    const { pollingInterval, storageNamespace } = config;
    const log = safeLogger(config.logger, config.logLevel);
    const settings: Settings = settingsForLaunch(file, log);

    let eventOutbox: ClientConfig['eventOutbox'];
    if (config.persistEvents !== false && config.isDevelopmentMode !== true) {
      const storage = pageLocalStorage();
      if (storage === undefined) log.warn('localStorage is unavailable: unsent events will not survive a reload');
      else eventOutbox = localStorageOutbox(storage, `${storageNamespace ?? 'vwo'}:outbox:`);
    }

    let stopPolling: (() => void) | undefined;
    // The launch-only options (the settings source, polling, the outbox's) mean nothing to the
    // client, which reads only the options it knows: the config goes in as it is.
    const client = createClient({
      ...config,
      settings,
      transport: page.transport,
      eventOutbox,
      fetchSettings: page.fetcher.refresh,
      onClose: () => {
        stopPolling?.();
        page.watch.stop();
      },
      usage: launchUsage(config),
    });
    page.client = client;
    if (pollingInterval !== undefined) {
      const timer = setInterval(() => void client.getAndUpdateSettingsFile(), pollingInterval);
      stopPolling = () => clearInterval(timer);
    }
    return client;
  } catch (error) {
    page.watch.stop();
    throw error;
  }
}

function checkLaunchOptions(config: LaunchConfig): void {
  checkSettingsSource(config);
  const { persistEvents, storageNamespace } = config;
  if (persistEvents !== undefined && typeof persistEvents !== 'boolean') throw new VWOConfigError('persistEvents', 'expected a boolean');
  if (storageNamespace !== undefined && (typeof storageNamespace !== 'string' || storageNamespace === ''))
    throw new VWOConfigError('storageNamespace', 'expected a non-empty string');
}
