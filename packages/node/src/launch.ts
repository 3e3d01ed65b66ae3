import { type ClientConfig, createClient, parseSettings, safeLogger, type Transport, type VWOClient, VWOConfigError } from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';
import { startPolling } from './polling.js';
import { fetchSettingsFile, fetchWithRetries, type SettingsEndpoint, settingsUrl } from './settings-source.js';

/** Everything `launch` takes: the client's options plus where the settings come from. */
export interface LaunchConfig extends Omit<ClientConfig, 'settings' | 'transport' | 'fetchSettings' | 'onClose' | 'usage'> {
  /** The settings file as an object. Or leave it out and give `accountId` + `sdkKey` to fetch it. */
  readonly settingsFile?: unknown;
  readonly accountId?: string | number;
  readonly sdkKey?: string;
  /** Re-fetch the settings every this many ms and swap them in atomically (needs `sdkKey`). */
  readonly pollingInterval?: number;
  /** Sends events and fetches settings; default `fetch` with `requestTimeout`. */
  readonly transport?: Transport;
  /** Time-out of each HTTP request of the default transport (ms, default 10,000). */
  readonly requestTimeout?: number;
}

const LAUNCH_FETCH_RETRY_WAITS_MS = [500, 1000];
const NUMERIC_LOG_LEVEL = { debug: 1, info: 2, warn: 3, error: 4, silent: 4 } as const;

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
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new VWOConfigError('config', 'expected an object of options');
  const { settingsFile, accountId, sdkKey, pollingInterval, requestTimeout, transport: given, ...clientOptions } = config;
  checkLaunchOptions(config);
  const transport = given ?? createFetchTransport(requestTimeout === undefined ? {} : { timeoutMs: requestTimeout });
  const fetchFrom = (endpoint: SettingsEndpoint, account: string | number, key: string) =>
    fetchSettingsFile(transport, settingsUrl(config.collectorUrl, endpoint, account, key, Math.random()));

  let file = settingsFile;
  if (file === undefined) {
    try {
      file = await fetchWithRetries(
        () => fetchFrom('settings', accountId as string | number, sdkKey as string),
        LAUNCH_FETCH_RETRY_WAITS_MS,
      );
    } catch (error) {
      throw new VWOConfigError('settingsFile', `could not be fetched for account ${String(accountId)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const parsed = parseSettings(file);
  if (!parsed.ok)
    throw new VWOConfigError(`settingsFile.${parsed.error.issues[0]?.path ?? ''}`.replace(/\.$/, ''), parsed.error.message, {
      cause: parsed.error,
    });

  const log = safeLogger(config.logger, config.logLevel);
  for (const warning of parsed.warnings) log.warn(`settings file: ${warning.path}: ${warning.message}`);

  let client: VWOClient | undefined;
  let stopPolling: (() => void) | undefined;
  client = createClient({
    ...clientOptions,
    settings: parsed.settings,
    transport,
    fetchSettings: (account, key) => {
      if (!key) return Promise.reject(new Error('no sdkKey to fetch the settings with'));
      return fetchFrom('pull', account, key);
    },
    onClose: () => stopPolling?.(),
    usage: {
      pollingInterval: pollingInterval !== undefined,
      logLevel: config.logLevel === undefined ? undefined : NUMERIC_LOG_LEVEL[config.logLevel],
    },
  });
  if (pollingInterval !== undefined) {
    const pollKey = sdkKey ?? parsed.settings.sdkKey;
    const pollAccount = parsed.settings.accountId;
    stopPolling = startPolling(
      () => client,
      () => fetchFrom('settings', pollAccount, pollKey as string),
      pollingInterval,
      log,
      parsed.settings.raw,
    );
  }
  return client;
}

function checkLaunchOptions(config: LaunchConfig): void {
  const { settingsFile, accountId, sdkKey, pollingInterval, requestTimeout } = config;
  if (settingsFile === undefined) {
    if (accountId === undefined)
      throw new VWOConfigError('accountId', 'is required to fetch the settings file when no settingsFile is given');
    if (typeof sdkKey !== 'string' || sdkKey === '')
      throw new VWOConfigError('sdkKey', 'is required to fetch the settings file when no settingsFile is given');
  } else if (typeof settingsFile === 'string') {
    throw new VWOConfigError('settingsFile', 'expected the parsed settings object, got a string (use JSON.parse first)');
  }
  if (
    accountId !== undefined &&
    !((typeof accountId === 'number' && Number.isFinite(accountId)) || (typeof accountId === 'string' && accountId !== ''))
  ) {
    throw new VWOConfigError('accountId', 'expected a number or a non-empty string');
  }
  if (sdkKey !== undefined && typeof sdkKey !== 'string') throw new VWOConfigError('sdkKey', 'expected a string');
  if (pollingInterval !== undefined) {
    if (typeof pollingInterval !== 'number' || !(pollingInterval >= 1000) || !Number.isFinite(pollingInterval)) {
      throw new VWOConfigError('pollingInterval', 'expected a number of milliseconds ≥ 1000');
    }
    const key = sdkKey ?? (settingsFile as { sdkKey?: unknown } | undefined)?.sdkKey;
    if (typeof key !== 'string' || key === '') throw new VWOConfigError('sdkKey', 'is required for polling');
  }
  if (requestTimeout !== undefined && !(typeof requestTimeout === 'number' && requestTimeout > 0)) {
    throw new VWOConfigError('requestTimeout', 'expected a positive number of milliseconds');
  }
}
