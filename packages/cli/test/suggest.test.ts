import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from '../src/index.js';

describe('suggesting a close name', () => {
  it('counts edits, with a swap of neighbours as one', () => {
    expect(editDistance('pricing-page', 'pricing-page')).toBe(0);
    expect(editDistance('pricng-page', 'pricing-page')).toBe(1);
    expect(editDistance('pirc', 'pric')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests typos, case slips and fragments, best first', () => {
    const keys = ['checkout-button', 'pricing-page', 'new-search', 'hero-a', 'hero-b'];
    expect(closestNames('pricng-page', keys)).toEqual(['pricing-page']);
    expect(closestNames('Checkout-Button', keys)).toEqual(['checkout-button']);
    expect(closestNames('search', keys)).toEqual(['new-search']);
    expect(closestNames('hero-c', keys)).toEqual(['hero-a', 'hero-b']);
    expect(closestNames('zzzzzz', keys)).toEqual([]);
  });
});
