import { compareStepByStep } from './compare-steps.js';
import { canonical, isNormalisable, normalisedText } from './normalise.js';
import type { OperandKind, ParsedOperand } from './operand.js';
import { CONTAINS, ENDS_WITH, EQUALS, GT, GTE, LOWER, LT, LTE, MISMATCH, NORMALISED, REGEX, STARTS_WITH, Step, THROWS } from './program.js';

const CODES: Readonly<Record<OperandKind, number>> = {
  equals: EQUALS,
  lower: LOWER,
  contains: CONTAINS,
  startsWith: STARTS_WITH,
  endsWith: ENDS_WITH,
  regex: REGEX,
  gt: GT,
  gte: GTE,
  lt: LT,
  lte: LTE,
};

/**
 * The step of a `custom_variable` condition on the variable read into `slot` (segmentation.md
 * §3 steps 3–5), its operand prepared once: its number parsed, its text lower-cased, its regular
 * expressions built, 1.73.0's outcome for a `null` tag computed. program.ts compares. Never throws.
 */
export function conditionStep({ kind, value }: ParsedOperand, slot: number): Step {
  let operandNumber: number;
  try {
    operandNumber = Number.parseFloat(value as string);
  } catch (error) {
    // Only an operand that cannot be stringified (arrays nested deeper than the stack, or, from
    // code rather than JSON, a throwing toString) gets here. 1.73.0 throws at this step on every
    // evaluation that finds the variable, which fails the whole evaluation; a missing variable is
    // still plain `false`.
    const step = new Step(THROWS);
    step.slot = slot;
    step.error = error;
    return step;
  }
  // No string tag equals an operand that is not a string (its normalised number still may).
  const text = typeof value === 'string' ? value : undefined;
  const step = new Step(text === undefined ? MISMATCH : CODES[kind]);
  step.slot = slot;
  step.kind = kind;
  step.value = value;
  step.operandNumber = operandNumber;
  // A tag that reads as a number is compared by its normalised number (or text) when the operand
  // does too (neither 0 nor NaN); any other tag as text.
  const normalises = isNormalisable(operandNumber);
  if (normalises) step.numberCode = CODES[kind] + NORMALISED;
  step.operand = canonical(operandNumber);
  step.operandText = normalises ? normalisedText(operandNumber) : '';
  // Normalised texts spell numbers; lower-casing changes only "NaN", on both sides alike.
  if (text !== undefined) step.text = kind === 'lower' ? text.toLowerCase() : text;
  if (kind === 'regex') {
    step.pattern = compilePattern(step.text);
    // The pattern itself is normalised when it reads as a number (`regex(1.50)` looks for "1.5").
    step.normalisedPattern = normalises ? compilePattern(step.operandText) : step.pattern;
  }
  // 1.73.0's outcome for a `null` tag: false for an equality with text, `undefined` for most
  // kinds, and `regex` tests the text "null".
  step.whenNull = compareStepByStep(kind, value, operandNumber, null);
  return step;
}

// An invalid pattern makes the comparison false, as 1.73.0 catches the SyntaxError.
function compilePattern(source: string): RegExp | null {
  try {
    // 1.73.0 builds a fresh RegExp with the `g` flag per test, so every search starts at 0:
    // the same as one stateless RegExp without flags.
    return new RegExp(source);
  } catch {
    return null;
  }
}
