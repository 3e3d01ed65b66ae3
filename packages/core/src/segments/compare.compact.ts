/**
 * compare.ts for the browser build: every comparison made step by step, as compare.ts makes
 * those of tags that are neither strings nor null, instead of compiled per operand kind. The
 * same outcomes (the segment fuzz test against vwo-node-sdk 1.73.0 runs on this build too);
 * a page evaluates few segments, so the compiled closures are not worth their bytes there.
 */
import { isNormalisable, normalisedText } from './normalise.js';
import type { OperandKind, ParsedOperand } from './operand.js';
import type { SegmentOutcome } from './types.js';

export interface Comparison {
  /** Compares a string or `null` tag, the only tags that data (as opposed to code) produces. */
  readonly compare: (tag: string | null) => SegmentOutcome;
  /**
   * Compares any other tag (from a value whose own `toString` returns a non-string) step by
   * step as 1.73.0 does, throwing where it throws.
   */
  readonly compareOther: (tag: unknown) => SegmentOutcome;
}

type OrderTest = (operand: number, tag: number) => boolean;

const ORDER_TESTS: Readonly<Record<'gt' | 'gte' | 'lt' | 'lte', OrderTest>> = {
  gt: (operand, tag) => operand < tag,
  gte: (operand, tag) => operand <= tag,
  lt: (operand, tag) => operand > tag,
  lte: (operand, tag) => operand >= tag,
};

/** The comparison of a custom variable's tag with a parsed operand (compare.ts). */
export function compileComparison({ kind, value }: ParsedOperand): Comparison {
  let operandNumber: number;
  try {
    operandNumber = Number.parseFloat(value as string);
  } catch (error) {
    const fail = (): never => {
      throw error;
    };
    return { compare: fail, compareOther: fail };
  }
  const compare = (tag: unknown): SegmentOutcome => compareStepByStep(kind, value, operandNumber, tag);
  return { compare, compareOther: compare };
}

function compareStepByStep(kind: OperandKind, value: unknown, operandNumber: number, tag: unknown): SegmentOutcome {
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
