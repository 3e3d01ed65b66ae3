import { startTimer, stopTimer } from './timers.js';

/**
 * The API calls of a client that wait (on a storage, a gateway, an alias lookup) before they
 * send their events. `close()` lets them finish first: otherwise an impression decided a moment
 * after `close()` was called would find the delivery closed and be dropped.
 */
export interface CallsInProgress {
  /** Counts `call` as in progress until it settles; returns it. */
  track<T>(call: Promise<T>): Promise<T>;
  /** Resolves once every call in progress has settled, or after `ms`, whichever comes first. */
  finished(ms: number): Promise<void>;
}

export function callsInProgress(): CallsInProgress {
  const calls = new Set<Promise<unknown>>();
  return {
    track(call) {
      calls.add(call);
      const done = () => calls.delete(call);
      call.then(done, done);
      return call;
    },
    finished(ms) {
      if (calls.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = startTimer(resolve, ms);
        void Promise.allSettled([...calls]).then(() => {
          stopTimer(timer);
          resolve();
        });
      });
    },
  };
}
