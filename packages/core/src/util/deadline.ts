/**
 * Bounds on waits for the user's plug-ins: a transport or settings source that never answers must
 * not hang the host. Events are bounded by the delivery's deadline sweep (`delivery/delivery.ts`),
 * which costs no timer per request; this file bounds the rare calls (settings fetches), where one
 * timer per call is nothing.
 */

export { withDeadline } from './with-deadline.js';

/**
 * The default `requestTimeout` (ms): the time-out of `@vwo/transport-fetch`, so that the SDK and
 * its default transport give up on a request together.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A positive, finite number of ms, or `undefined`. */
export function positiveMs(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : undefined;
}
