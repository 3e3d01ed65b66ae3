/**
 * What every facade's `launch` shares: reading where the settings come from, and fetching them
 * over the facade's transport.
 */
export { checkSettingsSource, type SettingsSourceOptions } from './launch-options.js';
export { launchUsage, settingsFetchFailed, settingsForLaunch } from './launch-settings.js';
export {
  fetchSettingsFile,
  fetchWithRetries,
  type SettingsEndpoint,
  SettingsFetchError,
  type SettingsFetcher,
  settingsFetcher,
  settingsUrl,
} from './settings-source.js';
