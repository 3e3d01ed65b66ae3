/**
 * `@vwo/browser`: VWO FullStack A/B tests and feature flags in the browser, with the same API as
 * `@vwo/node`.
 *
 * @packageDocumentation
 */

export {
  type ApiOptions,
  type BatchEventsConfig,
  BOOTSTRAP_ELEMENT_ID,
  type Bootstrap,
  type BootstrapCheck,
  type BootstrapEnvelope,
  type DecisionProperties,
  type DecisionTrace,
  type EventStats,
  type FeatureVariableValue,
  type FlushOptions,
  type FlushResult,
  type FmeBootstrap,
  type FmeClient,
  type FmeFlag,
  type FmeUserContext,
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
export { type BootstrapLaunchConfig, type BootstrappedLaunch, launchFromBootstrap } from './bootstrap.js';
export { readBootstrap } from './bootstrap-read.js';
export { type BootstrapInitConfig, type BootstrappedInit, initFromBootstrap } from './fme-bootstrap.js';
export { type FmeClientStorageOptions, fmeBrowserStorage } from './fme-storage.js';
export { type InitConfig, init } from './init.js';
export { type LaunchConfig, launch } from './launch.js';
export { localStorageOutbox, type OutboxStorage, pageLocalStorage } from './outbox.js';
export { type PageWatch, watchPage } from './page-lifecycle.js';
export { pageAwareTransport } from './page-transport.js';
