import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareCdf, chiSquarePValue, goodnessOfFit, logGamma, regularizedGammaP, regularizedGammaQ } from '../src/index.js';

/** Critical values from standard chi-square tables (upper-tail probability, df, statistic). */
const CRITICAL: readonly [p: number, df: number, x: number][] = [
  [0.05, 1, 3.841458820694124],
  [0.01, 1, 6.6348966010212145],
  [0.001, 1, 10.827566170662733],
  [0.05, 2, 5.991464547107979],
  [0.01, 2, 9.21034037197618],
  [0.05, 3, 7.814727903251178],
  [0.05, 4, 9.487729036781154],
  [0.05, 5, 11.070497693516351],
  [0.95, 5, 1.1454762260617692],
  [0.5, 7, 6.345811195521448],
  [0.05, 10, 18.307038053275146],
  [0.01, 10, 23.209251158954356],
  [0.05, 30, 43.77297182574219],
  [0.05, 100, 124.34211340400407],
];

describe('chi-square p-values', () => {
  it.each(CRITICAL)('p = %s at df %s for the table statistic %s', (p, df, x) => {
    expect(chiSquarePValue(x, df)).toBeCloseTo(p, 9);
    expect(chiSquareCdf(x, df)).toBeCloseTo(1 - p, 9);
  });

  it('chi2 = 3.84 with df 1 gives p ≈ 0.05, and 5.991 with df 2 gives 0.05', () => {
    expect(chiSquarePValue(3.84, 1)).toBeCloseTo(0.05004, 5);
    expect(chiSquarePValue(5.991, 2)).toBeCloseTo(0.05, 4);
  });

  it('with df 2 the p-value is exp(-x/2) for any statistic', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1400, noNaN: true }), (x) => {
        const exact = Math.exp(-x / 2);
        expect(Math.abs(chiSquarePValue(x, 2) - exact)).toBeLessThanOrEqual(1e-13 + 1e-11 * exact);
      }),
    );
  });

  it('with an even df 2k the p-value is the Poisson sum e^(-x/2) Σ_{i<k} (x/2)^i / i!', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 300, noNaN: true }), (k, x) => {
        const half = x / 2;
        let term = Math.exp(-half);
        let sum = 0;
        for (let i = 0; i < k; i++) {
          sum += term;
          term *= half / (i + 1);
        }
        const p = chiSquarePValue(x, 2 * k);
        expect(Math.abs(p - sum)).toBeLessThanOrEqual(1e-12 + 1e-9 * sum);
      }),
    );
  });

  it('P and Q add up to one and P grows with x', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 200, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (a, x) => {
        const p = regularizedGammaP(a, x);
        const q = regularizedGammaQ(a, x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(Math.abs(p + q - 1)).toBeLessThan(1e-12);
        expect(regularizedGammaP(a, x + 1)).toBeGreaterThanOrEqual(p - 1e-15);
      }),
    );
  });

  it('handles the edges: zero, infinity, and nonsense degrees of freedom', () => {
    expect(chiSquarePValue(0, 3)).toBe(1);
    expect(chiSquarePValue(-1, 3)).toBe(1);
    expect(chiSquarePValue(Number.POSITIVE_INFINITY, 3)).toBe(0);
    expect(chiSquarePValue(10, 0)).toBeNaN();
    expect(chiSquarePValue(Number.NaN, 2)).toBeNaN();
    expect(chiSquareCdf(0, 1)).toBe(0);
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
  });
});

describe('log-gamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [10, Math.log(362880)],
    [3.5, Math.log(3.3233509704478426)],
    [171, 706.5730622457874],
    [0.1, 2.252712651734206],
  ])('lnΓ(%s) = %s', (x, expected) => {
    expect(logGamma(x)).toBeCloseTo(expected, 11);
  });
});

describe('goodness of fit', () => {
  it('a fair coin seen 44/56 times: chi2 1.44, p 0.2301', () => {
    const fit = goodnessOfFit([44, 56], [50, 50]);
    expect(fit.statistic).toBeCloseTo(1.44, 12);
    expect(fit.df).toBe(1);
    expect(fit.pValue).toBeCloseTo(0.230139, 5);
  });

  it('a loaded die (5, 8, 9, 8, 10, 20 in 60 throws): chi2 13.4, df 5, p 0.0199', () => {
    const fit = goodnessOfFit([5, 8, 9, 8, 10, 20], [1, 1, 1, 1, 1, 1]);
    expect(fit.statistic).toBeCloseTo(13.4, 12);
    expect(fit.df).toBe(5);
    expect(fit.pValue).toBeCloseTo(0.019905, 5);
  });

  it('shares are normalised, and expected counts follow them', () => {
    const fit = goodnessOfFit([340, 330, 330], [3400, 3300, 3300]);
    expect(fit.expected).toEqual([340, 330, 330]);
    expect(fit.statistic).toBe(0);
    expect(fit.pValue).toBe(1);
  });

  it('a count in a category with no share is impossible: p = 0', () => {
    const fit = goodnessOfFit([10, 10, 1], [50, 50, 0]);
    expect(fit.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(fit.df).toBe(1);
    expect(fit.pValue).toBe(0);
  });

  it('nothing to test: one category, or no observation', () => {
    expect(goodnessOfFit([100], [100]).pValue).toBeNull();
    expect(goodnessOfFit([0, 0], [50, 50]).pValue).toBeNull();
    expect(goodnessOfFit([3, 1], [50, 50]).lowExpected).toBe(true);
  });
});
