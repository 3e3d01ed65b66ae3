import { VWOConfigError } from '../client/errors.js';
import type { LogLevel } from '../client/types.js';

/** The launch options every facade reads the same way. */
export interface SettingsSourceOptions {
  /** The settings file as an object, or undefined to fetch it. */
  readonly settingsFile?: unknown;
  /** With `sdkKey`, where the settings file is fetched from. */
  readonly accountId?: string | number;
  /** The SDK key of the FullStack project. */
  readonly sdkKey?: string;
  /** Re-fetch interval in ms. */
  readonly pollingInterval?: number;
  /** Time-out of each request of the facade's default transport (ms). */
  readonly requestTimeout?: number;
}

/**
 * Throws a {@link VWOConfigError} naming the first bad option of where the settings come from.
 * `pollingNeedsSdkKey` is false when a facade polls something other than VWO (a settings cache).
 */
export function checkSettingsSource(options: SettingsSourceOptions, pollingNeedsSdkKey = true): void {
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
  if (requestTimeout !== undefined && !(typeof requestTimeout === 'number' && requestTimeout > 0)) {
    throw new VWOConfigError('requestTimeout', 'expected a positive number of milliseconds');
  }
}

/** 1.73.0's numeric log levels, as its usage statistics send them (`ll`). */
export function numericLogLevel(level: LogLevel | undefined): number | undefined {
  return level === undefined ? undefined : { debug: 1, info: 2, warn: 3, error: 4, silent: 4 }[level];
}
