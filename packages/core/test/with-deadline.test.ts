/**
 * The bounded wait for the user's plug-ins (settings fetches, FME storage reads), on the server's
 * util/with-deadline.ts and, in vitest.browser-build.config.ts, on its compact variant.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from '../src/util/deadline.js';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles as the work does, a value or a non-promise, and leaves no timer behind', async () => {
    await expect(withDeadline(() => Promise.resolve('answer'), 1000, 'GET settings')).resolves.toBe('answer');
    await expect(withDeadline(() => 42, 1000, 'GET settings')).resolves.toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with what the work rejects or throws, and leaves no timer behind', async () => {
    const refused = new Error('refused');
    await expect(withDeadline(() => Promise.reject(refused), 1000, 'GET settings')).rejects.toBe(refused);
    const thrown = new TypeError('not a function');
    await expect(
      withDeadline(
        () => {
          throw thrown;
        },
        1000,
        'storage.get(k)',
      ),
    ).rejects.toBe(thrown);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at the deadline naming the call, and ignores what the work settles with later', async () => {
    let answer: (value: string) => void = () => {};
    const waiting = withDeadline(() => new Promise<string>((resolve) => (answer = resolve)), 500, 'GET /settings');
    const outcome = waiting.then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    );
    await vi.advanceTimersByTimeAsync(499);
    answer('too late?');
    await vi.advanceTimersByTimeAsync(0);
    // Answered within the deadline: the value.
    expect(await outcome).toEqual({ value: 'too late?' });

    let late: (value: string) => void = () => {};
    const expired = withDeadline(() => new Promise<string>((resolve) => (late = resolve)), 500, 'GET /settings');
    const expiredOutcome = expired.catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(500);
    late('after the deadline');
    expect(await expiredOutcome).toBe('GET /settings: no answer within 500 ms (requestTimeout)');
  });
});
