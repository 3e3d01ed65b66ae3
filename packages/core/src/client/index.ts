export { DEFAULT_REQUEST_TIMEOUT_MS } from '../util/deadline.js';
export type { ApiAnswer } from './answers.js';
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
  EventOutbox,
  EventStats,
  ExplainOptions,
  FeatureVariableValue,
  FlushOptions,
  FlushResult,
  Logger,
  LogLevel,
  OutboxEntry,
  RetryConfig,
  StoredAssignment,
  TraceOutcome,
  Transport,
  TransportResponse,
  UserStorage,
  VWOClient,
} from './types.js';
