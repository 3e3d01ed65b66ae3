/**
 * Values that are promises only when they have to be. The client stays synchronous inside until
 * something really waits (an asynchronous storage); only its public methods wrap the result in
 * a promise. Each avoided `await` saves a promise and a microtask on the decision path.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromiseLike<T>(value: MaybePromise<T> | PromiseLike<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `next(value)` now if `value` is ready, else when it resolves. */
export function chain<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}
