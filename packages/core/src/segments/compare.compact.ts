/**
 * compare.ts for the browser build: every comparison made step by step, as compare.ts makes
 * those of tags that are neither strings nor null, instead of compiled per operand kind. The
 * same outcomes (the segment fuzz test against vwo-node-sdk 1.73.0 runs on this build too);
 * a page evaluates few segments, so the compiled closures are not worth their bytes there.
 */
import { compareStepByStep } from './compare-steps.js';
import type { ParsedOperand } from './operand.js';
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
