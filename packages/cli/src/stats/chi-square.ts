import { regularizedGammaP, regularizedGammaQ } from './gamma.js';

/** P(X ≤ x) for X chi-square distributed with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  return regularizedGammaP(df / 2, x / 2);
}

/** P(X ≥ x): the p-value of a chi-square statistic `x` with `df` degrees of freedom. */
export function chiSquarePValue(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** The result of {@link goodnessOfFit}. */
export interface GoodnessOfFit {
  /** Pearson's statistic Σ (observed − expected)² / expected. */
  readonly statistic: number;
  /** Categories with a non-zero expected share, minus one. */
  readonly df: number;
  /** P(X ≥ statistic) under the expected shares; `null` when there is nothing to test (df < 1 or no observations). */
  readonly pValue: number | null;
  /** The observations in all. */
  readonly total: number;
  /** Expected count of each category (`total × share`). */
  readonly expected: readonly number[];
  /** Some expected count is below 5: the chi-square approximation, and so the p-value, is rough. */
  readonly lowExpected: boolean;
}

/**
 * Pearson's chi-square goodness-of-fit test of `observed` counts against expected `shares`
 * (any non-negative numbers; they are normalised). A category with a zero share and a
 * non-zero count makes the statistic infinite (p = 0); categories with a zero share and no
 * count are left out of the degrees of freedom.
 *
 * @example
 * goodnessOfFit([5012, 4988], [50, 50]).pValue; // 0.81
 */
export function goodnessOfFit(observed: readonly number[], shares: readonly number[]): GoodnessOfFit {
  if (observed.length !== shares.length) throw new RangeError('observed and shares must have the same length');
  const total = observed.reduce((sum, n) => sum + n, 0);
  const shareSum = shares.reduce((sum, s) => (s > 0 ? sum + s : sum), 0);
  const expected = shares.map((s) => (shareSum > 0 && s > 0 ? (total * s) / shareSum : 0));
  let statistic = 0;
  let categories = 0;
  let lowExpected = false;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number;
    const o = observed[i] as number;
    if (e > 0) {
      categories++;
      statistic += ((o - e) * (o - e)) / e;
      if (e < 5) lowExpected = true;
    } else if (o > 0) {
      statistic = Number.POSITIVE_INFINITY;
    }
  }
  const df = Math.max(0, categories - 1);
  const pValue = df < 1 || total === 0 ? null : chiSquarePValue(statistic, df);
  return { statistic, df, pValue, total, expected, lowExpected };
}
