/**
 * When a failed request is retried and how long to wait: 1.73.0's schedule (events.md §13) with
 * jitter, `Retry-After`, and no retries for requests the collector will never accept.
 */
import type { RetryConfig, TransportResponse } from '../client/types.js';

/** A {@link RetryConfig} with every default filled in and every value usable. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly jitter: number;
  /** Each wait is the previous one times this (2 by default, as 1.73.0). */
  readonly multiplier: number;
}

/** The outcome of one attempt. */
export type AttemptResult =
  | { readonly kind: 'sent' }
  /** Worth another attempt: a network error, 5xx, 408, 429, or an odd status. */
  | { readonly kind: 'retry'; readonly problem: string; readonly retryAfterMs: number | undefined }
  /** A 4xx other than 408/429: the same request will be refused again. */
  | { readonly kind: 'refused'; readonly problem: string };

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, baseDelayMs: 1000, jitter: 0.2, multiplier: 2 };

/** A server's `Retry-After` is honoured up to this many ms, so one answer cannot park events for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

const nonNegative = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;

/**
 * The policy for `config`; a missing, negative or non-finite value takes its default, and so does
 * a `multiplier` below 1 (waits never shrink).
 */
export function retryPolicy(config: (RetryConfig & { readonly multiplier?: number }) | undefined): RetryPolicy {
  if (config === undefined) return DEFAULT_RETRY_POLICY;
  return {
    retries: Math.floor(nonNegative(config.retries, DEFAULT_RETRY_POLICY.retries)),
    baseDelayMs: nonNegative(config.baseDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs),
    jitter: nonNegative(config.jitter, DEFAULT_RETRY_POLICY.jitter),
    multiplier:
      typeof config.multiplier === 'number' && config.multiplier >= 1 && Number.isFinite(config.multiplier)
        ? config.multiplier
        : DEFAULT_RETRY_POLICY.multiplier,
  };
}

/**
 * The wait before retry number `retry` (0 for the first): `baseDelayMs × multiplier^retry`, plus up to
 * `jitter` of it at random so that clients failing together do not retry together; at least
 * the server's `Retry-After` (capped at {@link MAX_RETRY_AFTER_MS}).
 *
 * @example
 * retryDelay(DEFAULT_RETRY_POLICY, 2, () => 0.5); // 4400: 4 s + 10 %
 */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number, retryAfterMs?: number): number {
  let share = 0;
  try {
    const r = random();
    if (r >= 0 && r < 1) share = r;
  } catch {
    // A broken random source costs the jitter, never the retry.
  }
  const scheduled = policy.baseDelayMs * policy.multiplier ** retry * (1 + policy.jitter * share);
  return retryAfterMs === undefined ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

// One object for every success: an unbatched event is one request, and one answer each.
const SENT: AttemptResult = Object.freeze({ kind: 'sent' });

/** Classifies what the transport resolved. Success is any 2xx. */
export function classifyResponse(response: TransportResponse | undefined, now: number): AttemptResult {
  const status = response?.status;
  if (typeof status !== 'number' || !Number.isFinite(status)) {
    return { kind: 'retry', problem: 'the transport resolved no HTTP status', retryAfterMs: undefined };
  }
  if (status >= 200 && status < 300) return SENT;
  const problem = `status ${status}`;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { kind: 'refused', problem };
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfterHeader(response), now) : undefined;
  return { kind: 'retry', problem, retryAfterMs };
}

/**
 * vwo-fme-node-sdk 1.35.0's rule for its event POSTs: only 200 is delivered, 400 is refused, and
 * every other answer (another 2xx, 404, 5xx) is retried on its schedule, without `Retry-After`.
 */
export function classifyFmeResponse(response: TransportResponse | undefined, _now: number): AttemptResult {
  const status = response?.status;
  if (status === 200) return SENT;
  if (status === 400) return { kind: 'refused', problem: 'status 400' };
  const problem = typeof status === 'number' && Number.isFinite(status) ? `status ${status}` : 'the transport resolved no HTTP status';
  return { kind: 'retry', problem, retryAfterMs: undefined };
}

/** Classifies a transport that rejected or threw: a network error, worth a retry. */
export function classifyError(error: unknown): AttemptResult {
  return { kind: 'retry', problem: `network error: ${errorText(error)}`, retryAfterMs: undefined };
}

/**
 * `Retry-After` in ms: delta-seconds, or an HTTP date relative to `now`; `undefined` when
 * absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The path of an event URL, without scheme, host or query: fit for logs, where the query
 * (which carries the SDK key) is not. Parsed only when a log line names it: a failed attempt is
 * rare, and the GET writers no longer hand the path over with every request (apps/bench/README.md).
 *
 * @example
 * endpointPath('https://dev.visualwebsiteoptimizer.com/eu/server-side/track-user?a=1&env=key&'); // '/eu/server-side/track-user'
 */
export function endpointPath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  return path === '' ? '/' : path;
}

/** An error's message for a log line, with any URL's query cut off. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#]\S*/gi, '$1?…');
}

/** `Retry-After` as a transport hands over headers: lower-case (fetch, node:http), or as sent. */
function retryAfterHeader(response: TransportResponse | undefined): string | undefined {
  const headers = response?.headers;
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  return typeof value === 'string' ? value : undefined;
}
