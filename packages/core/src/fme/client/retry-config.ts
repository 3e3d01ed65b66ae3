/**
 * `retryConfig` as 1.35.0 reads it, once for the settings fetch at `init` and once for the
 * client's events (fme/events.md §10): merged over the defaults, and all of it replaced by the
 * defaults when any field is bad.
 */
import { isPlainObject } from '../../util/types.js';

/** A `retryConfig` after 1.35.0's check: every field present and valid. */
export interface FmeRetrySchedule {
  /** Whether failed requests are retried at all. */
  readonly shouldRetry: boolean;
  /** The first wait, in seconds. */
  readonly initialDelay: number;
  /** How many retries follow the first attempt. */
  readonly maxRetries: number;
  /** Each wait is this many times the one before. */
  readonly backoffMultiplier: number;
}

/** 1.35.0's defaults: three retries, after 2, 4 and 8 s. */
const DEFAULT_RETRY_SCHEDULE: FmeRetrySchedule = { shouldRetry: true, initialDelay: 2, maxRetries: 3, backoffMultiplier: 2 };

const isIntegerFrom = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min;

/**
 * The schedule a `retryConfig` option gives; `valid` is false when a field was bad and the
 * defaults replaced it (the client logs that, the fetch at `init` does not). Anything but an
 * object counts as no option.
 */
export function fmeRetrySchedule(given: unknown): { readonly schedule: FmeRetrySchedule; readonly valid: boolean } {
  const merged = { ...DEFAULT_RETRY_SCHEDULE, ...(isPlainObject(given) ? given : {}) };
  const valid =
    typeof merged.shouldRetry === 'boolean' &&
    isIntegerFrom(merged.maxRetries, 1) &&
    isIntegerFrom(merged.initialDelay, 1) &&
    isIntegerFrom(merged.backoffMultiplier, 2);
  return valid ? { schedule: merged, valid } : { schedule: DEFAULT_RETRY_SCHEDULE, valid };
}
