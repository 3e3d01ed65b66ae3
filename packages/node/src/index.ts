/**
 * `@vwo/node`: VWO FullStack A/B tests and feature flags on Node.js (`launch`, vwo-node-sdk 1.73.0),
 * and VWO FME feature flags (`init`, vwo-fme-node-sdk 1.35.0).
 *
 * @packageDocumentation
 */

export {
  type ApiOptions,
  type BatchEventsConfig,
  BOOTSTRAP_ELEMENT_ID,
  type Bootstrap,
  type BootstrapEnvelope,
  type BootstrapOptions,
  bootstrapScript,
  createBootstrap,
  createFmeBootstrap,
  type DecisionProperties,
  type DecisionTrace,
  type EventStats,
  type FeatureVariableValue,
  type FlushResult,
  type FmeBatchEventData,
  type FmeBootstrap,
  type FmeBootstrapOptions,
  type FmeClient,
  type FmeExplanation,
  type FmeFlag,
  type FmeFlushResult,
  type FmeGateway,
  type FmeIntegrationsPayload,
  type FmeLoggerOptions,
  type FmeLogTransport,
  type FmeRetryConfig,
  type FmeSettingsData,
  type FmeStorageConnector,
  type FmeStorageRecord,
  type FmeUserContext,
  type FmeVariable,
  getUUID,
  type Logger,
  type LogLevel,
  LogLevelEnum,
  SettingsFetchError,
  StorageConnector,
  type StoredAssignment,
  serializeBootstrap,
  type Transport,
  type TransportResponse,
  type UserStorage,
  type VWOClient,
  VWOConfigError,
} from '@vwo/core';
export type { EdgeConfig } from './edge-config.js';
export { type InitOptions, init, onInit } from './init.js';
export { type LaunchConfig, launch } from './launch.js';
export type { PollingSource, SettingsCache } from './settings-cache.js';
