/**
 * Numeric normalisation of segmentation.md §3 step 4, done on numbers instead of the texts
 * 1.73.0 builds, so the hot path allocates nothing.
 *
 * 1.73.0 rewrites both sides only when both `parseFloat` results are truthy, as
 * `String(parseInt(String(x), 10))` for an integral `x` and `String(x)` otherwise. Below 1e21
 * both spellings are `String(x)`; from 1e21 up `String(x)` is exponent notation, whose integer
 * prefix is its first digit (`1e21` → `"1"`), and ±Infinity becomes `"NaN"`. {@link canonical}
 * is the number that text spells, so comparing canonical numbers compares the texts.
 */

/** Whether a `parseFloat` result takes part in normalisation (0, -0 and NaN switch it off). */
export function isNormalisable(parsed: number): boolean {
  return parsed !== 0 && !Number.isNaN(parsed);
}

/** The number whose `String()` is 1.73.0's normalised text of `parsed` (never 0). */
export function canonical(parsed: number): number {
  return parsed >= 1e21 || parsed <= -1e21 ? Number.parseInt(String(parsed), 10) : parsed;
}

/** 1.73.0's normalised text of a normalisable `parseFloat` result. */
export function normalisedText(parsed: number): string {
  return String(canonical(parsed));
}

/**
 * Equality of two canonical numbers as texts: `"NaN"` equals `"NaN"`, and 0 (where `Object.is`
 * would tell -0 apart) is never canonical.
 */
export function sameText(a: number, b: number): boolean {
  return Object.is(a, b);
}
