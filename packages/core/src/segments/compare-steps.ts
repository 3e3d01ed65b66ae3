/**
 * The server build's comparisons beside compare.ts: 1.73.0's order tests, and its steps 4–5 made
 * one by one on any tag (the fallback for tags that are neither strings nor null). The browser
 * build compares in nodes.compact.ts, without this module or operand.ts.
 */
import { isNormalisable, normalisedText } from './normalise.js';
import type { OperandKind } from './operand.js';
import type { SegmentOutcome } from './types.js';

type OrderTest = (operand: number, tag: number) => boolean;

// `gt(10)` holds when the tag is greater than 10; NaN on either side makes every test false.
export const ORDER_TESTS: Readonly<Record<'gt' | 'gte' | 'lt' | 'lte', OrderTest>> = {
  gt: (operand, tag) => operand < tag,
  gte: (operand, tag) => operand <= tag,
  lt: (operand, tag) => operand > tag,
  lte: (operand, tag) => operand >= tag,
};

/**
 * 1.73.0's steps 4–5 on an arbitrary tag, without shortcuts: clarity wins over speed here. The
 * server build reaches it only for values whose own `toString` returns a non-string.
 */
export function compareStepByStep(kind: OperandKind, value: unknown, operandNumber: number, tag: unknown): SegmentOutcome {
  const tagNumber = Number.parseFloat(tag as string);
  const normalise = isNormalisable(operandNumber) && isNormalisable(tagNumber);
  const t = (normalise ? normalisedText(tagNumber) : tag) as string | null;
  const v = (normalise ? normalisedText(operandNumber) : value) as string;
  switch (kind) {
    case 'equals':
      return t === v;
    case 'lower':
      return t === null ? undefined : v.toLowerCase() === t.toLowerCase();
    case 'contains':
      return t === null ? undefined : t.indexOf(v) > -1;
    case 'startsWith':
      return t === null ? undefined : t.startsWith(v);
    case 'endsWith':
      return t === null ? undefined : t.endsWith(v);
    case 'regex':
      try {
        return new RegExp(v).test(t as string);
      } catch {
        return false;
      }
    default:
      if (t === null) return undefined;
      try {
        return ORDER_TESTS[kind](Number.parseFloat(v), Number.parseFloat(t));
      } catch {
        return false;
      }
  }
}
