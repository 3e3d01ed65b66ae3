/**
 * Timers that never keep a Node process alive, without Node's types: the core targets every
 * runtime, so the globals are looked up on `globalThis` at call time (which also lets tests
 * install fake timers after this module loaded).
 */

/** An opaque timer handle. */
export type TimerHandle = unknown;

interface TimerHost {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

const host = globalThis as unknown as TimerHost;

// setTimeout fires at once for delays above 2^31 - 1 ms in Node and browsers.
const MAX_DELAY_MS = 2_147_483_647;

/** Calls `callback` after `ms`; the handle is unref'd where the runtime supports it. */
export function startTimer(callback: () => void, ms: number): TimerHandle {
  const delay = Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_DELAY_MS) : ms > 0 ? MAX_DELAY_MS : 0;
  const handle = host.setTimeout(callback, delay);
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}

export function stopTimer(handle: TimerHandle | undefined): void {
  if (handle !== undefined) host.clearTimeout(handle);
}
