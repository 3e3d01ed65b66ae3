/** A half-built range: where an item of a weighted list sits in 1…10000. */
export interface Range {
  /** First bucket of the range, 1…10000 (`-1` when the item is unreachable). */
  readonly start: number;
  /** Last bucket of the range, inclusive (`-1` when the item is unreachable). */
  readonly end: number;
}

/**
 * The width of a weight's range: `min(ceil(weight * 100), 10000)` in IEEE doubles, 0 for a
 * falsy weight. Never rounded or normalised: 16.67 → 1668, 0.07 → 8 (bucketing.md §4).
 * A numeric string multiplies like a number, as it does in JavaScript.
 */
export function rangeStep(weight: unknown): number {
  if (!weight) return 0;
  // Math.min keeps NaN (a non-numeric string weight): 1.73.0 then adds NaN to the running
  // total, which leaves every later item unreachable too. We reproduce that, not fix it.
  return Math.min(Math.ceil((weight as number) * 100), 10000);
}

/**
 * Ranges for weights in list order; unreachable items get `-1..-1` and do not advance the
 * running total, and the total is not capped, so weights above 100 in sum reach past 10000.
 */
export function allocateRanges(weights: readonly unknown[]): Range[] {
  const ranges: Range[] = [];
  let current = 0;
  for (const weight of weights) {
    const step = rangeStep(weight);
    ranges.push(step ? { start: current + 1, end: current + step } : { start: -1, end: -1 });
    current += step;
  }
  return ranges;
}

/** Index of the first range that holds `bucket`, or -1. */
export function findRange(ranges: readonly Range[], bucket: number): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as Range;
    if (bucket >= range.start && bucket <= range.end) return i;
  }
  return -1;
}

/**
 * The first item whose range holds `bucket`, or `undefined`: for a caller that wants the item,
 * {@link findRange} and an indexed read would read a frozen list twice (a slow path on Node 20).
 */
export function itemInRange<T extends Range>(ranges: readonly T[], bucket: number): T | undefined {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as T;
    if (bucket >= range.start && bucket <= range.end) return range;
  }
  return undefined;
}
