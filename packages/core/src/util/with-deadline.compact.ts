/**
 * The browser build's {@link withDeadline} (tsup.config.ts takes it for with-deadline.ts): the
 * same outcomes and error, with the timer cleared a microtask after the work settles instead of
 * before; a page makes a few such calls (the settings fetch, FME's storage reads), so it is
 * written for size.
 */
import { startTimer, stopTimer } from './timers.js';

/** Settles as `work()` does, or rejects with a time-out error after `ms` (see with-deadline.ts). */
export function withDeadline<T>(work: () => T | PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = startTimer(() => reject(new Error(`${what}: no answer within ${ms} ms (requestTimeout)`)), ms);
    // A `work` that throws rejects the inner promise; `finally` follows a `then` that never rejects.
    new Promise<T>((settle) => settle(work())).then(resolve, reject).finally(() => stopTimer(timer));
  });
}
