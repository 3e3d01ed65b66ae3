/**
 * Event delivery: the batch queue, retries with jitter, a bounded backlog, flush and close.
 * The client hands it built requests (`send`) or records to batch (`enqueue`); a `Transport`
 * does the HTTP.
 */
export { createDelivery, FLUSH_MESSAGES } from './delivery.js';
export {
  type AttemptResult,
  classifyError,
  classifyFmeResponse,
  classifyResponse,
  DEFAULT_RETRY_POLICY,
  endpointPath,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
  retryPolicy,
} from './retry.js';
export type { AttemptFailure, Delivery, DeliveryOptions, RetriedRequestReport } from './types.js';
