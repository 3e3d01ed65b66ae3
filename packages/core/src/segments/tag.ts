/**
 * The text 1.73.0 compares a custom variable's value as (segmentation.md §3 step 2): a string,
 * `null` for `null`, or, from a value with its own `toString`, whatever that returns. Throws
 * where 1.73.0 throws (an object without a callable `toString`), failing the evaluation.
 */
export function tagOf(value: unknown): unknown {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (value === null) return null;
  if (typeof value !== 'object' && typeof value !== 'function') return String(value);
  // Booleans are recognised by their [object Boolean] tag and re-read by truthiness, so a boxed
  // `false`, being an object, reads as "true".
  if (Object.prototype.toString.call(value) === '[object Boolean]') return 'true';
  // Called as a method, as 1.73.0 does: a missing toString must throw rather than fall back to
  // valueOf the way String() would.
  return (value as { toString(): unknown }).toString();
}
