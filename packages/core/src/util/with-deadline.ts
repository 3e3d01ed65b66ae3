/**
 * The bounded wait of deadline.ts, a module of its own so that the browser build can take
 * with-deadline.compact.ts instead.
 */
import { startTimer, stopTimer } from './timers.js';

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
