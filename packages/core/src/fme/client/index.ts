export { createFmeClient, startFmeClient } from './client.js';
export { type FmeSettingsData, getUUID, LogLevelEnum, StorageConnector } from './compat.js';
export {
  commonClientOptions,
  FME_SETTINGS_TTL_MS,
  type FmeCommonClientWiring,
  type FmeInitClientOptions,
  type FmeInitFetchReport,
  type FmeInitOptionsRead,
  type FmeInitSettings,
  type FmeInitSettingsWiring,
  type FmeLoadedSettings,
  type FmeSettingsCacheConnector,
  type FmeSettingsLoad,
  fmeGatewayOf,
  fmeInitSettings,
  fmeSettingsRetryWaits,
  fmeStorageOf,
  fmeUsageStats,
  loadFmeSettings,
  normaliseFetchedFmeSettings,
  storeFmeSettings,
} from './init-support.js';
export { type FmeLoggerOptions, type FmeLogTransport, fmeLogger } from './logger.js';
export {
  FME_NODE_HTTP_CLIENT,
  type FmeSettingsAnswer,
  type FmeSettingsApi,
  type FmeSettingsAttempt,
  type FmeSettingsFetchOptions,
  type FmeSettingsFetchOutcome,
  type FmeSettingsHttpClient,
  fetchFmeSettings,
} from './settings-fetch.js';
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
