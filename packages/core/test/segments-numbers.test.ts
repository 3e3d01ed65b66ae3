/**
 * The numbers of variables are parsed only for the slots whose conditions read them (a bit per
 * slot, slots from 32 up always): segments past 32 variables, and a variable read both as text
 * and as a number, still compare every number.
 */
import { describe, expect, it } from 'vitest';
import { compileSegment } from '../src/segments/index.js';

function condition(name: string, operand: string): unknown {
  return { custom_variable: { [name]: operand } };
}

describe('numbers read per slot', () => {
  it('compares the numbers of the slots past 32', () => {
    const segment = compileSegment({ and: Array.from({ length: 40 }, (_, i) => condition(`v${i}`, 'gt(1)')) });
    const variables: Record<string, string> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`v${i}`, '2']));
    expect(segment(variables)).toBe(true);
    for (const slot of [0, 31, 32, 39]) expect(segment({ ...variables, [`v${slot}`]: '1' }), `v${slot}`).toBe(false);
  });

  it('parses a variable compared as text when another condition reads its number', () => {
    const segment = compileSegment({ and: [condition('plan', 'wildcard(1*)'), condition('other', 'x'), condition('plan', 'lt(20)')] });
    expect(segment({ plan: '12', other: 'x' })).toBe(true);
    expect(segment({ plan: '120', other: 'x' })).toBe(false);
    // A text-only variable holding a number still compares as text.
    expect(compileSegment(condition('other', 'wildcard(1*)'))({ other: '12' })).toBe(true);
  });
});
