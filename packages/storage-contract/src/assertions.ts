import { expect } from 'vitest';

/** A miss is `undefined` or `null` (both are "no record" to the clients). */
export function expectMiss(value: unknown): void {
  expect(value === undefined || value === null, `expected a miss (undefined or null), got ${JSON.stringify(value)}`).toBe(true);
}
