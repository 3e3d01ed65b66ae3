/**
 * Bounds on waits for the user's plug-ins: a transport or settings source that never answers must
 * not hang the host. Events are bounded by the delivery's deadline sweep (`delivery/delivery.ts`),
 * which costs no timer per request; this file bounds the rare calls (settings fetches), where one
 * timer per call is nothing.
 */
import { startTimer, stopTimer } from './timers.js';

/**
 * The default `requestTimeout` (ms): the time-out of `@vwo/transport-fetch`, so that the SDK and
 * its default transport give up on a request together.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A positive, finite number of ms, or `undefined`. */
export function positiveMs(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : undefined;
}

/**
 * Settles as `work()` does, or rejects with `Error(\`${what}: no answer within ${ms} ms\`)` once
 * `ms` have passed; what `work` settles with later is ignored. `work` may throw or return a
 * non-promise; both are handled. The timer never keeps a process alive.
 *
 * @example
 * const response = await withDeadline(() => transport.send(request), 10_000, 'GET /server-side/settings');
 */
export function withDeadline<T>(work: () => T | PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = startTimer(() => reject(new Error(`${what}: no answer within ${ms} ms (requestTimeout)`)), ms);
    const settle = (fn: () => void) => {
      stopTimer(timer);
      fn();
    };
    try {
      Promise.resolve(work()).then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(error)),
      );
    } catch (error) {
      settle(() => reject(error));
    }
  });
}
