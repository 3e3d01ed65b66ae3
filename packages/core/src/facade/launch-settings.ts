/**
 * What every facade's `launch` does with the settings file it got or fetched, and what it reports
 * of its options in the usage statistics.
 */
import { VWOConfigError } from '../client/errors.js';
import type { Logger, LogLevel } from '../client/types.js';
import type { UsageStatsInput } from '../events/usage-stats.js';
import type { Settings } from '../settings/model.js';
import { parseSettings } from '../settings/parse.js';
import { errorMessage } from '../util/types.js';

/** The error `launch` rejects with when the settings file could not be fetched. */
export function settingsFetchFailed(accountId: string | number | undefined, error: unknown): VWOConfigError {
  const reason = errorMessage(error);
  return new VWOConfigError('settingsFile', `could not be fetched for account ${String(accountId)}: ${reason}`, { cause: error });
}

/**
 * Parses the settings file `launch` got or fetched: the parsed settings, with one warning line
 * logged per oddity, or a {@link VWOConfigError} naming the first bad settings path
 * (`settingsFile.campaigns[0].percentTraffic`).
 */
export function settingsForLaunch(file: unknown, log: Pick<Logger, 'warn'>): Settings {
  const parsed = parseSettings(file);
  if (!parsed.ok)
    throw new VWOConfigError(`settingsFile.${parsed.error.issues[0]?.path ?? ''}`.replace(/\.$/, ''), parsed.error.message, {
      cause: parsed.error,
    });
  for (const warning of parsed.warnings) log.warn(`settings file: ${warning.path}: ${warning.message}`);
  return parsed.settings;
}

/** The launch options 1.73.0's usage statistics report (`ClientConfig.usage`): polling, and the log level as a number (`ll`). */
export function launchUsage(options: { readonly pollingInterval?: number; readonly logLevel?: LogLevel }): UsageStatsInput {
  const { pollingInterval, logLevel } = options;
  return {
    pollingInterval: pollingInterval !== undefined,
    logLevel: logLevel === undefined ? undefined : { debug: 1, info: 2, warn: 3, error: 4, silent: 4 }[logLevel],
  };
}
