import {
  type ClientConfig,
  checkSettingsSource,
  createClient,
  launchUsage,
  type SettingsSourceOptions,
  safeLogger,
  settingsFetcher,
  settingsFetchFailed,
  settingsForLaunch,
  type Transport,
  type VWOClient,
  VWOConfigError,
} from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';
import { startPolling } from './polling.js';
import { type PollingSource, pollSettingsCache, readValidSettingsCache, type SettingsCache, writeSettingsCache } from './settings-cache.js';

/** Everything `launch` takes: the client's options plus where the settings come from. */
export interface LaunchConfig
  extends Omit<ClientConfig, 'settings' | 'transport' | 'fetchSettings' | 'onClose' | 'usage'>,
    SettingsSourceOptions {
  /** Sends events and fetches settings; default `fetch` with `requestTimeout`. Every call is bounded by `requestTimeout`, yours included. */
  readonly transport?: Transport;
  /**
   * Settings shared by a fleet (e.g. `createRedisSettingsCache` of `@vwo/storage-redis`): settings
   * fetched from VWO, at launch or by polling, are written to it; when VWO cannot be reached at
   * launch, the SDK launches from it (and logs a warning).
   */
  readonly settingsCache?: SettingsCache;
  /**
   * `'cache'`: launch from the `settingsCache` (VWO is asked only when it is empty or unreachable)
   * and poll the cache, not VWO: every process but one poller of a fleet. Default `'network'`.
   */
  readonly pollingSource?: PollingSource;
}

/**
 * Starts the SDK with Node defaults: the fetch transport, a console logger at `error`,
 * settings given or fetched, optional polling. No user storage unless you pass one, exactly as
 * vwo-node-sdk: with a storage, `getVariationName`, `getFeatureVariableValue` and `track`
 * answer only for users who were activated before.
 *
 * Rejects with a {@link VWOConfigError} naming the bad option, or the settings path at fault.
 *
 * @example
 * import { launch } from '@vwo/node';
 * const vwo = await launch({ settingsFile });
 * const variation = await vwo.activate('checkout-button', 'user-42');
 * await vwo.track('checkout-button', 'user-42', 'purchase', { revenueValue: 49.9 });
 * await vwo.close();
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
    settingsCache,
    pollingSource,
    ...clientOptions
  } = config;
  const log = safeLogger(config.logger, config.logLevel);
  const fromCache = pollingSource === 'cache';
  const transport = given ?? createFetchTransport(requestTimeout === undefined ? {} : { timeoutMs: requestTimeout });
  const fetcher = settingsFetcher(transport, config.collectorUrl, requestTimeout);

  let file = settingsFile;
  let fetched = false;
  if (file === undefined && fromCache) file = await readValidSettingsCache(settingsCache!, log);
  if (file === undefined) {
    try {
      file = await fetcher.atLaunch(accountId as string | number, sdkKey as string);
      fetched = true;
    } catch (error) {
      const cached = settingsCache && !fromCache ? await readValidSettingsCache(settingsCache, log) : undefined;
      if (cached === undefined) throw settingsFetchFailed(accountId, error);
      log.warn(`the settings could not be fetched (${(error as Error).message}): launched from the cached settings`);
      file = cached;
    }
  }
  const settings = settingsForLaunch(file, log);
  if (fetched && settingsCache) await writeSettingsCache(settingsCache, file, log);

  let client: VWOClient | undefined;
  let stopPolling: (() => void) | undefined;
  client = createClient({
    ...clientOptions,
    settings,
    transport,
    requestTimeout,
    fetchSettings: fetcher.refresh,
    onClose: () => stopPolling?.(),
    usage: launchUsage(config),
  });
  if (pollingInterval !== undefined) {
    const pollKey = sdkKey ?? settings.sdkKey;
    const pollAccount = settings.accountId;
    stopPolling = startPolling(
      () => client,
      fromCache ? () => pollSettingsCache(settingsCache!) : () => fetcher.fetch('settings', pollAccount, pollKey as string),
      pollingInterval,
      log,
      settings.raw,
      settingsCache && !fromCache ? (fetchedFile) => writeSettingsCache(settingsCache, fetchedFile, log) : undefined,
    );
  }
  return client;
}

function checkLaunchOptions(config: LaunchConfig): void {
  checkSettingsSource(config, config?.pollingSource !== 'cache');
  const { settingsCache, pollingSource } = config;
  if (
    settingsCache !== undefined &&
    !(
      typeof settingsCache === 'object' &&
      settingsCache !== null &&
      typeof settingsCache.get === 'function' &&
      typeof settingsCache.set === 'function'
    )
  ) {
    throw new VWOConfigError('settingsCache', 'expected an object with get() and set(file)');
  }
  if (pollingSource !== undefined && pollingSource !== 'network' && pollingSource !== 'cache') {
    throw new VWOConfigError('pollingSource', "expected 'network' or 'cache'");
  }
  if (pollingSource === 'cache' && settingsCache === undefined) throw new VWOConfigError('pollingSource', "'cache' needs a settingsCache");
}
