export { createClient } from './create-client.js';
export { VWOConfigError } from './errors.js';
export { castVariable, findVariable } from './feature-variables.js';
export { safeLogger } from './logger.js';
export type {
  ApiOptions,
  Awaitable,
  BatchEventsConfig,
  ClientConfig,
  DecisionProperties,
  DecisionTrace,
  EventStats,
  FeatureVariableValue,
  FlushResult,
  Logger,
  LogLevel,
  RetryConfig,
  StoredAssignment,
  Transport,
  TransportResponse,
  UserStorage,
  VWOClient,
} from './types.js';
