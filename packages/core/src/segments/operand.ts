/**
 * How a `custom_variable` operand compares (segmentation.md §3 step 3). The wildcard forms are
 * named after what they test: a leading star means "ends with", a trailing one "starts with".
 */
export type OperandKind = 'equals' | 'lower' | 'contains' | 'startsWith' | 'endsWith' | 'regex' | 'gt' | 'gte' | 'lt' | 'lte';

/** An operand split into its kind and the text it compares with. */
export interface ParsedOperand {
  readonly kind: OperandKind;
  /** A string, except for `equals` with a non-string operand in the DSL, kept as it is. */
  readonly value: unknown;
}

// 1.73.0 tries these in this order. They are anchored at the start only and greedy, so
// `lower(ABC)xyz` is `lower` of `ABC` and `lower(a)b)` is `lower` of `a)b`; `.` stops at line
// breaks. The comparators take unsigned decimals only: `gt(-5)` is an equality with that text.
const PREFIXED: ReadonlyArray<readonly [RegExp, OperandKind | 'wildcard']> = [
  [/^lower\((.*)\)/, 'lower'],
  [/^wildcard\((.*)\)/, 'wildcard'],
  [/^regex\((.*)\)/, 'regex'],
  [/^gt\(((\d+\.?\d*)|(\.\d+))\)/, 'gt'],
  [/^gte\(((\d+\.?\d*)|(\.\d+))\)/, 'gte'],
  [/^lt\(((\d+\.?\d*)|(\.\d+))\)/, 'lt'],
  [/^lte\(((\d+\.?\d*)|(\.\d+))\)/, 'lte'],
];

/** Reads a `custom_variable` operand the way 1.73.0 does; never throws. */
export function parseOperand(operand: unknown): ParsedOperand {
  // 1.73.0 calls `operand.match(...)` and swallows the error for non-strings, so a number,
  // boolean, null, array or object in the DSL is always compared by equality.
  if (typeof operand !== 'string') return { kind: 'equals', value: operand };
  for (const [pattern, kind] of PREFIXED) {
    const match = pattern.exec(operand);
    if (match === null) continue;
    return kind === 'wildcard' ? parseWildcard(match[1]) : { kind, value: match[1] };
  }
  return { kind: 'equals', value: operand };
}

function parseWildcard(inner: string): ParsedOperand {
  const leading = inner.startsWith('*');
  const trailing = inner.endsWith('*');
  // One star at most is stripped from each end (`**a**` contains `*a*`); the ends are judged on
  // the text before stripping, so `*` alone is "contains the empty string".
  const value = inner.replace(/^\*/, '').replace(/\*$/, '');
  if (leading && trailing) return { kind: 'contains', value };
  if (leading) return { kind: 'endsWith', value };
  if (trailing) return { kind: 'startsWith', value };
  // No star at either end: an inner star is literal and the operand is a plain equality.
  return { kind: 'equals', value };
}
