/**
 * What every facade's `launch` shares: reading where the settings come from, and fetching them
 * over the facade's transport.
 */
export {
  checkSettingsSource,
  LAUNCH_FETCH_RETRY_WAITS_MS,
  numericLogLevel,
  type SettingsSourceOptions,
  settingsFetchFailed,
  settingsForLaunch,
} from './launch-options.js';
export { fetchSettingsFile, fetchWithRetries, type SettingsEndpoint, SettingsFetchError, settingsUrl } from './settings-source.js';
