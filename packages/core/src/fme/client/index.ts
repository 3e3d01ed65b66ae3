export { createFmeClient, startFmeClient } from './client.js';
export { type FmeSettingsData, getUUID, LogLevelEnum, StorageConnector } from './compat.js';
export {
  FME_SETTINGS_TTL_MS,
  type FmeInitOptionsRead,
  type FmeLoadedSettings,
  type FmeSettingsCacheConnector,
  type FmeSettingsLoad,
  fmeGatewayOf,
  fmeSettingsRetryWaits,
  fmeStorageOf,
  fmeUsageStats,
  loadFmeSettings,
  normaliseFetchedFmeSettings,
  storeFmeSettings,
} from './init-support.js';
export { type FmeLoggerOptions, type FmeLogTransport, fmeLogger } from './logger.js';
export { type FmeSettingsApi, type FmeSettingsFetchOptions, type FmeSettingsFetchOutcome, fetchFmeSettings } from './settings-fetch.js';
export { fmeSettingsUrl } from './settings-url.js';
export type {
  FmeBatchEventData,
  FmeClient,
  FmeClientConfig,
  FmeExplanation,
  FmeFlag,
  FmeFlushResult,
  FmeGateway,
  FmeIntegrationsPayload,
  FmeRetryConfig,
  FmeStorageConnector,
  FmeUserContext,
} from './types.js';
