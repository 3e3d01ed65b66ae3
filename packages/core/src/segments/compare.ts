import { compareStepByStep, ORDER_TESTS } from './compare-steps.js';
import { canonical, isNormalisable, normalisedText, sameText } from './normalise.js';
import type { OperandKind, ParsedOperand } from './operand.js';
import type { SegmentOutcome } from './types.js';

/** The comparison of one `custom_variable` operand, prepared once (segmentation.md §3 steps 4–5). */
export interface Comparison {
  /** Compares a string or `null` tag, the only tags that data (as opposed to code) produces. */
  readonly compare: (tag: string | null) => SegmentOutcome;
  /**
   * Compares any other tag (from a value whose own `toString` returns a non-string) step by
   * step as 1.73.0 does, throwing where it throws.
   */
  readonly compareOther: (tag: unknown) => SegmentOutcome;
}

type TextTest = (text: string, part: string) => boolean;

const TEXT_TESTS: Readonly<Record<'contains' | 'startsWith' | 'endsWith', TextTest>> = {
  contains: (text, part) => text.includes(part),
  startsWith: (text, part) => text.startsWith(part),
  endsWith: (text, part) => text.endsWith(part),
};

/** Prepares an operand: parses its number, builds its regular expressions. Never throws. */
export function compileComparison({ kind, value }: ParsedOperand): Comparison {
  let operandNumber: number;
  try {
    operandNumber = Number.parseFloat(value as string);
  } catch (error) {
    // Only an operand that cannot be stringified (arrays nested deeper than the stack, or, from
    // code rather than JSON, a throwing toString) gets here. 1.73.0 throws at this step on every evaluation that finds the
    // variable, which fails the whole evaluation; a missing variable is still plain `false`.
    const fail = (): never => {
      throw error;
    };
    return { compare: fail, compareOther: fail };
  }
  return {
    compare: compileCompare(kind, value, operandNumber),
    compareOther: (tag) => compareStepByStep(kind, value, operandNumber, tag),
  };
}

function compileCompare(kind: OperandKind, value: unknown, operandNumber: number): Comparison['compare'] {
  const normalises = isNormalisable(operandNumber);
  const operandCanonical = canonical(operandNumber);
  switch (kind) {
    case 'equals':
      if (!normalises) return (tag) => tag === value;
      return (tag) => {
        if (tag !== null) {
          const tagNumber = Number.parseFloat(tag);
          if (isNormalisable(tagNumber)) return sameText(operandCanonical, canonical(tagNumber));
        }
        return tag === value;
      };
    case 'lower': {
      const lowered = (value as string).toLowerCase();
      if (!normalises) return (tag) => (tag === null ? undefined : tag.toLowerCase() === lowered);
      return (tag) => {
        if (tag === null) return undefined;
        const tagNumber = Number.parseFloat(tag);
        // Normalised texts spell numbers; lower-casing changes only "NaN", on both sides alike.
        if (isNormalisable(tagNumber)) return sameText(operandCanonical, canonical(tagNumber));
        return tag.toLowerCase() === lowered;
      };
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const test = TEXT_TESTS[kind];
      const part = value as string;
      if (!normalises) return (tag) => (tag === null ? undefined : test(tag, part));
      const operandText = normalisedText(operandNumber);
      return (tag) => {
        if (tag === null) return undefined;
        const tagNumber = Number.parseFloat(tag);
        return isNormalisable(tagNumber) ? test(normalisedText(tagNumber), operandText) : test(tag, part);
      };
    }
    case 'regex': {
      const pattern = compilePattern(value as string);
      // The pattern itself is normalised when it reads as a number (`regex(1.50)` looks for "1.5").
      const normalisedPattern = normalises ? compilePattern(normalisedText(operandNumber)) : pattern;
      // 1.73.0 hands a null tag to RegExp#test, which reads it as the text "null".
      if (!normalises) return (tag) => pattern.test(tag ?? 'null');
      return (tag) => {
        if (tag !== null) {
          const tagNumber = Number.parseFloat(tag);
          if (isNormalisable(tagNumber)) return normalisedPattern.test(normalisedText(tagNumber));
        }
        return pattern.test(tag ?? 'null');
      };
    }
    default: {
      const test = ORDER_TESTS[kind];
      return (tag) => {
        if (tag === null) return undefined;
        const tagNumber = Number.parseFloat(tag);
        if (normalises && isNormalisable(tagNumber)) return test(operandCanonical, canonical(tagNumber));
        return test(operandNumber, tagNumber);
      };
    }
  }
}

type Pattern = Pick<RegExp, 'test'>;

// An invalid pattern makes the comparison false, as 1.73.0 catches the SyntaxError.
const INVALID_PATTERN: Pattern = { test: () => false };

function compilePattern(source: string): Pattern {
  try {
    // 1.73.0 builds a fresh RegExp with the `g` flag per test, so every search starts at 0:
    // the same as one stateless RegExp without flags.
    return new RegExp(source);
  } catch {
    return INVALID_PATTERN;
  }
}
