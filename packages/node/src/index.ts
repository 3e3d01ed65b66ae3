/**
 * `@vwo/node`: VWO FullStack A/B tests and feature flags on Node.js.
 *
 * @packageDocumentation
 */

export {
  type ApiOptions,
  type BatchEventsConfig,
  type DecisionProperties,
  type DecisionTrace,
  type EventStats,
  type FeatureVariableValue,
  type FlushResult,
  type Logger,
  type LogLevel,
  SettingsFetchError,
  type StoredAssignment,
  type Transport,
  type TransportResponse,
  type UserStorage,
  type VWOClient,
  VWOConfigError,
} from '@vwo/core';
export { type LaunchConfig, launch } from './launch.js';
export type { PollingSource, SettingsCache } from './settings-cache.js';
