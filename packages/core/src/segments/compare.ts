import { compareStepByStep } from './compare-steps.js';
import { canonical, isNormalisable, normalisedText, sameText } from './normalise.js';
import type { OperandKind, ParsedOperand } from './operand.js';
import { MISSING, OtherTag, type Reading, type Readings } from './readings.js';
import { equalsLowered } from './text.js';
import type { SegmentOutcome } from './types.js';

/** A `custom_variable` condition: its operand compared with the reading of its variable. */
export type Condition = (readings: Readings) => SegmentOutcome;

/**
 * Compiles the condition on the variable read into `slot` (segmentation.md §3 steps 3–5): the
 * operand's number parsed, its text lower-cased, its regular expressions built, once. Each
 * operand kind is a function literal of its own, so V8 optimises each for its own operations
 * instead of one function branching on the kind, with the comparison inlined (no call from a
 * leaf to a comparison). A string tag takes the fast path; `null`, a missing variable and other
 * tags take {@link notText}. Never throws.
 */
export function compileCondition({ kind, value }: ParsedOperand, slot: number): Condition {
  let operandNumber: number;
  try {
    operandNumber = Number.parseFloat(value as string);
  } catch (error) {
    // Only an operand that cannot be stringified (arrays nested deeper than the stack, or, from
    // code rather than JSON, a throwing toString) gets here. 1.73.0 throws at this step on every
    // evaluation that finds the variable, which fails the whole evaluation; a missing variable is
    // still plain `false`.
    return (readings) => {
      if (readings.tags[slot] === MISSING) return false;
      throw error;
    };
  }
  // A tag that reads as a number is compared by its normalised number (or text) when the operand
  // does too (neither 0 nor NaN); any other tag as text.
  const normalises = isNormalisable(operandNumber);
  const operand = canonical(operandNumber);
  const operandText = normalises ? normalisedText(operandNumber) : '';
  const text = value as string;
  // 1.73.0's outcome for a `null` tag: false for an equality with text, `undefined` for most
  // kinds, and `regex` tests the text "null".
  const whenNull = compareStepByStep(kind, value, operandNumber, null);
  const notText = (tag: Reading): SegmentOutcome => otherOutcome(tag, whenNull, kind, value, operandNumber);
  switch (kind) {
    case 'equals':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? sameText(operand, canonical(tagNumber)) : tag === value;
      };
    case 'lower': {
      // Normalised texts spell numbers; lower-casing changes only "NaN", on both sides alike.
      const lowered = text.toLowerCase();
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? sameText(operand, canonical(tagNumber)) : equalsLowered(tag, lowered);
      };
    }
    case 'contains':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? normalisedText(tagNumber).includes(operandText) : tag.includes(text);
      };
    case 'startsWith':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? normalisedText(tagNumber).startsWith(operandText) : tag.startsWith(text);
      };
    case 'endsWith':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? normalisedText(tagNumber).endsWith(operandText) : tag.endsWith(text);
      };
    case 'regex': {
      const pattern = compilePattern(text);
      // The pattern itself is normalised when it reads as a number (`regex(1.50)` looks for "1.5").
      const normalisedPattern = normalises ? compilePattern(operandText) : pattern;
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? normalisedPattern.test(normalisedText(tagNumber)) : pattern.test(tag);
      };
    }
    // A tag that is not normalisable (0, NaN) is compared with the operand's own number, which
    // differs from its normalised one from 1e21 up (`gt(1e21)`'s text normalises to "1").
    case 'gt':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? operand < canonical(tagNumber) : operandNumber < tagNumber;
      };
    case 'gte':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? operand <= canonical(tagNumber) : operandNumber <= tagNumber;
      };
    case 'lt':
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? operand > canonical(tagNumber) : operandNumber > tagNumber;
      };
    default:
      return (readings) => {
        const tag = readings.tags[slot];
        if (typeof tag !== 'string') return notText(tag);
        const tagNumber = readings.numbers[slot];
        return normalises && isNormalisable(tagNumber) ? operand >= canonical(tagNumber) : operandNumber >= tagNumber;
      };
  }
}

/**
 * The outcome for a tag that is not a string: `null` (1.73.0's outcome, computed once), a
 * missing variable (false), or a tag from a value whose own `toString` returns a non-string,
 * compared step by step as 1.73.0 does, throwing where it throws.
 */
function otherOutcome(tag: Reading, whenNull: SegmentOutcome, kind: OperandKind, value: unknown, operandNumber: number): SegmentOutcome {
  if (tag === null) return whenNull;
  return tag instanceof OtherTag ? compareStepByStep(kind, value, operandNumber, tag.tag) : false;
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
