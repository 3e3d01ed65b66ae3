/**
 * FME's leaf comparisons (fme/segmentation.md §3, §7): operand parsing, the numeric
 * normalisation that only applies to all-digit tags, and the version-style comparison that
 * replaces legacy's numeric one (`gt(10.5)` is true for `10.49`).
 */

/** How an operand compares; `equal` is also what a star-less `wildcard(…)` means. */
export type FmeOperandType = 'lower' | 'contains' | 'endsWith' | 'startsWith' | 'regex' | 'gt' | 'gte' | 'lt' | 'lte' | 'equal';

/** A parsed operand: how to compare, and with what. */
export interface FmeOperand {
  /** How the value compares. */
  readonly type: FmeOperandType;
  /** What to compare with: the operand without its `lower(…)`/`wildcard(…)`/`regex(…)`/`gt(…)` wrapper and stars. */
  readonly value: unknown;
}

const LOWER = /^lower\((.*)\)/;
const WILDCARD = /^wildcard\((.*)\)/;
const REGEX = /^regex\((.*)\)/;
// Regular expression literals, which bundlers know to be pure: a page that imports only legacy
// `launch` bundles none of the FME modules. Each is a comparison and its number, `gt(12.5)`.
const COMPARISONS: readonly (readonly [RegExp, FmeOperandType])[] = [
  [/^gt\((\d+(?:\.\d+)*|\.\d+)\)/, 'gt'],
  [/^gte\((\d+(?:\.\d+)*|\.\d+)\)/, 'gte'],
  [/^lt\((\d+(?:\.\d+)*|\.\d+)\)/, 'lt'],
  [/^lte\((\d+(?:\.\d+)*|\.\d+)\)/, 'lte'],
];
const STARTING_STAR = /^\*/;
const ENDING_STAR = /\*$/;
const NON_NUMERIC = /[^0-9.]/;
const VERSION = /^(\d+\.)*\d+$/;
const DIGITS = /^\d+$/;

// 1.35.0 calls `operand.match` inside a try: an operand that is not a string (an array) matches nothing.
function match(operand: unknown, pattern: RegExp): RegExpMatchArray | null {
  return typeof operand === 'string' ? operand.match(pattern) : null;
}

/** Parses an operand string; patterns are anchored at the start only, first match wins (§3 step 4). */
export function parseOperand(operand: unknown): FmeOperand {
  let found = match(operand, LOWER);
  if (found) return { type: 'lower', value: found[1] };
  found = match(operand, WILDCARD);
  if (found) {
    const inner = found[1] as string;
    const starts = STARTING_STAR.test(inner);
    const ends = ENDING_STAR.test(inner);
    const type: FmeOperandType = starts && ends ? 'contains' : starts ? 'endsWith' : ends ? 'startsWith' : 'equal';
    return { type, value: inner.replace(STARTING_STAR, '').replace(ENDING_STAR, '') };
  }
  found = match(operand, REGEX);
  if (found) return { type: 'regex', value: found[1] };
  for (const [pattern, type] of COMPARISONS) {
    found = match(operand, pattern);
    if (found) return { type, value: found[1] };
  }
  return { type: 'equal', value: operand };
}

/** The tag of a variable value: `undefined` → `""`, `null` stays `null`, anything else `String()`-ed. */
export function tagOf(value: unknown): string | null {
  if (value === undefined) return '';
  if (value === null) return null;
  return String(value);
}

/**
 * FME's numeric normalisation: only when the tag has nothing but digits and dots, and both
 * sides parse to a non-zero number, are both replaced by `String(parseFloat(…))`.
 */
export function normalise(operandValue: unknown, tag: string | null): { operandValue: unknown; tag: string | null } {
  if (NON_NUMERIC.test(String(tag))) return { operandValue, tag };
  const operandNumber = Number.parseFloat(operandValue as string);
  const tagNumber = Number.parseFloat(tag as string);
  if (!operandNumber || !tagNumber) return { operandValue, tag };
  return { operandValue: String(operandNumber), tag: String(tagNumber) };
}

/** Part-wise comparison of dotted versions; a part that is not all digits counts as 0. */
export function compareVersions(left: string, right: string): number {
  const a = left.split('.').map((part) => (DIGITS.test(part) ? Number.parseInt(part, 10) : 0));
  const b = right.split('.').map((part) => (DIGITS.test(part) ? Number.parseInt(part, 10) : 0));
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Compares a tag with a parsed operand value (§3 step 6); a `null` tag is false for every type. */
export function compareOperand(type: FmeOperandType, operandValue: unknown, tag: string | null): boolean {
  if (tag === null) return false;
  const value = String(operandValue);
  switch (type) {
    case 'lower':
      return value.toLowerCase() === tag.toLowerCase();
    case 'contains':
      return tag.indexOf(value) !== -1;
    case 'endsWith':
      return tag.endsWith(value);
    case 'startsWith':
      return tag.startsWith(value);
    case 'regex':
      try {
        return new RegExp(value).exec(tag) !== null;
      } catch {
        return false;
      }
    case 'gt':
      return compareVersions(tag, value) > 0;
    case 'gte':
      return compareVersions(tag, value) >= 0;
    case 'lt':
      return compareVersions(tag, value) < 0;
    case 'lte':
      return compareVersions(tag, value) <= 0;
    default:
      return VERSION.test(tag) && VERSION.test(value) ? compareVersions(tag, value) === 0 : tag === value;
  }
}
