import { VWOConfigError } from '../client/errors.js';

/** The launch options every facade reads the same way: where the settings come from. */
export interface SettingsSourceOptions {
  /** The settings file as an object. Or leave it out and give `accountId` + `sdkKey` to fetch it. */
  readonly settingsFile?: unknown;
  /** Your VWO account id: with `sdkKey`, the settings file is fetched at launch. */
  readonly accountId?: string | number;
  /** The SDK key of the FullStack project (VWO app → FullStack → project settings). */
  readonly sdkKey?: string;
  /** Re-fetch the settings every this many ms and swap them in atomically (needs `sdkKey`). */
  readonly pollingInterval?: number;
  /**
   * Bounds every transport call (ms, default 10,000): events, settings fetches, polling and
   * `getAndUpdateSettingsFile`, your own transport included; also the default transport's time-out.
   */
  readonly requestTimeout?: number;
}

/**
 * Throws a {@link VWOConfigError} naming the first bad option of where the settings come from
 * (`config` itself when it is not an object of options). `pollingNeedsSdkKey` is false when a
 * facade polls something other than VWO (a settings cache).
 */
export function checkSettingsSource(options: SettingsSourceOptions, pollingNeedsSdkKey = true): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new VWOConfigError('config', 'expected an object of options');
  const { settingsFile, accountId, sdkKey, pollingInterval, requestTimeout } = options;
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
    if (pollingNeedsSdkKey && (typeof key !== 'string' || key === '')) throw new VWOConfigError('sdkKey', 'is required for polling');
  }
  if (requestTimeout !== undefined && !(typeof requestTimeout === 'number' && requestTimeout > 0 && Number.isFinite(requestTimeout))) {
    throw new VWOConfigError('requestTimeout', 'expected a positive number of milliseconds');
  }
}
