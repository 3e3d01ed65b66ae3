/**
 * What every facade's `launch` shares: reading where the settings come from, and fetching them
 * over the facade's transport.
 */
export {
  checkSettingsSource,
  launchUsage,
  type SettingsSourceOptions,
  settingsFetchFailed,
  settingsForLaunch,
} from './launch-options.js';
export {
  fetchSettingsFile,
  fetchWithRetries,
  type SettingsEndpoint,
  SettingsFetchError,
  type SettingsFetcher,
  settingsFetcher,
  settingsUrl,
} from './settings-source.js';
