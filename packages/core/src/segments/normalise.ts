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

// Powers of ten that doubles hold exactly (10^22 is the last).
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * `Number.parseFloat(text)`. V8 parses in its runtime, a call that costs more than a whole
 * comparison, unless the text is a small integer. Most texts segments compare cannot start a
 * number at all, and are told apart by their first character; plain decimals of up to 15 digits
 * (`12.0`, `3.25`, `120abc`) are read here, exactly: their digits make an integer below 2^53 and
 * one division by an exact power of ten rounds correctly (Clinger's fast path).
 */
export function parseNumber(text: string): number {
  const first = text.charCodeAt(0);
  // Only white space, a sign, a dot, a digit or the "I" of "Infinity" can start a number (any
  // code from 0x80 up goes to parseFloat: some are white space).
  if (first >= 0x30 ? first > 0x39 && first !== 0x49 && first < 0x80 : first > 0x20 && first !== 0x2b && first !== 0x2d && first !== 0x2e) {
    return Number.NaN;
  }
  let digits = 0;
  let fractionDigits = -1;
  let mantissa = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      mantissa = mantissa * 10 + (code - 0x30);
      digits++;
      if (fractionDigits >= 0) fractionDigits++;
    } else if (code === 0x2e && fractionDigits < 0) {
      fractionDigits = 0;
    } else {
      break;
    }
  }
  // Anything else (white space or a sign first, an exponent, long digit strings, no digit at
  // all) is parseFloat's.
  // (Read within the text: past its end, charCodeAt leaves optimised code for a builtin call.)
  const next = i < text.length ? text.charCodeAt(i) : 0;
  if (digits === 0 || digits > 15 || next === 0x65 || next === 0x45) return Number.parseFloat(text);
  return fractionDigits > 0 ? mantissa / EXACT_POWERS_OF_TEN[fractionDigits] : mantissa;
}
