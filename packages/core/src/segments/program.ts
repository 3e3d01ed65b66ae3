/**
 * A compiled segment as a program (the server build; nodes.ts compiles it): the steps of the
 * DSL's tree in the order 1.73.0 evaluates them, each `and`/`or` opened before its children and
 * closed after them, run by one loop. The loop switches on each step's code and compares inline,
 * so an evaluation makes no call whose target varies with the operand kind (a tree of closures,
 * one function literal per kind, made a megamorphic call per node, ~115 instructions a
 * condition), and it keeps the outcomes of the innermost open combinator's children in two
 * variables (whether all hold, whether any holds) instead of a stack.
 */
import { compareStepByStep } from './compare-steps.js';
import { canonical, sameText } from './normalise.js';
import type { OperandKind } from './operand.js';
import { MISSING, type OtherTag, type Reading, type Readings } from './readings.js';
import { equalsLowered, includesText } from './text.js';
import type { SegmentOutcome } from './types.js';

// The codes of the steps. `run` spells them as literals: a bundler turns a module's
// `const` into a `var`, which optimised code reloads and checks at every `case` it compares.
// Conditions: the outcome of comparing the variable in `slot` with the operand.
export const EQUALS = 0;
export const LOWER = 1;
export const CONTAINS = 2;
export const STARTS_WITH = 3;
export const ENDS_WITH = 4;
export const REGEX = 5;
export const GT = 6;
export const GTE = 7;
export const LT = 8;
export const LTE = 9;
/** An equality with an operand that is not a string: no string tag equals it as text. */
export const MISMATCH = 10;
/** An operand that cannot be stringified: throws on every evaluation that finds the variable. */
export const THROWS = 11;
/** Added to a condition's code when its operand normalises (see {@link Step.numberCode}). */
export const NORMALISED = 16;
// Everything else.
/** Whether `_vwoUserId` is one of `ids`. */
export const USER = 32;
/** Closes a combinator: whether all its children hold. */
export const AND = 33;
/** Closes a combinator: whether any of its children holds. */
export const OR = 34;
/** Closes a combinator whose outcome is `outcome` (a constant child of `and`/`or` decided it). */
export const ALL = 35;
/** Opens a combinator, closed by `AND`, `OR` or `ALL` after its children. */
export const OPEN = 36;

/**
 * One step of a program. Every step has this one shape, whatever its code, so that the loop
 * reads each field at one offset; a condition's operand is prepared once (compare.ts).
 */
export class Step {
  /** `ALL`'s outcome. */
  outcome = false;
  /** Whether the step's outcome is negated (by an odd number of `not` around it). */
  negated = false;
  /** A condition that is the DSL's root, whose outcome is the segment's, `undefined` included. */
  root = false;
  /** A condition's variable: its slot in the segment's readings. */
  slot = 0;
  kind: OperandKind = 'equals';
  /** The operand's text (its value for an equality with a non-string operand). */
  value: unknown = undefined;
  /** `parseFloat` of the operand. */
  operandNumber = Number.NaN;
  /** The number the operand's normalised text spells. */
  operand = Number.NaN;
  /** The operand's normalised text, when it normalises. */
  operandText = '';
  /** The operand's text, lower-cased for `lower` (empty for an operand that is not a string). */
  text = '';
  /** `regex`'s pattern (null when invalid, which makes the test false), and the normalised one. */
  pattern: RegExp | null = null;
  normalisedPattern: RegExp | null = null;
  /** 1.73.0's outcome for a `null` tag. */
  whenNull: SegmentOutcome = false;
  /** What stringifying a `THROWS` operand threw. */
  error: unknown = undefined;
  ids: ReadonlySet<string> | null = null;

  /**
   * The code for a string tag whose `parseFloat` is normalisable (neither 0 nor NaN): `code` +
   * {@link NORMALISED} when the operand normalises too, so the two compare as normalised numbers
   * or texts; `code` otherwise.
   */
  numberCode = 0;

  constructor(readonly code: number) {
    this.numberCode = code;
  }
}

/**
 * Whether `run` reads the number of a condition's variable: an order test on a tag as text, or
 * a tag that reads as a number when the operand normalises. Other conditions compare the text.
 */
export function readsNumber(step: Step): boolean {
  return step.numberCode !== step.code || (step.code >= GT && step.code <= LTE);
}

/** How deep a program's combinators nest: {@link run} saves two outcomes for each level. */
export function nesting(program: readonly Step[]): number {
  let depth = 0;
  let deepest = 0;
  for (const step of program) {
    if (step.code === OPEN) deepest = Math.max(deepest, ++depth);
    else if (step.code > USER) depth--;
  }
  return deepest;
}

/**
 * Runs a program on one evaluation's readings and returns its root's outcome: 1.73.0's raw
 * outcome when the root is a condition, its truthiness otherwise. `saved` holds the outcomes of
 * the open combinators around the innermost one, two per level ({@link nesting}), as 1 and 0:
 * small integers are stored without a write barrier and read back as numbers, where booleans
 * read from an array are of any type to the compiler, and comparing one with `negated` costs a
 * generic equality call. `close`, when
 * given, is the step that closes a root combinator whose `OPEN` and close the program leaves
 * out (two turns of the loop fewer): its children are the program's outermost steps.
 */
export function run(program: readonly Step[], readings: Readings, saved: number[], close?: Step): SegmentOutcome {
  const { tags, numbers } = readings;
  // The outcomes met so far among the children of the innermost open combinator (or the root).
  let all = true;
  let any = false;
  let depth = 0;
  // Read once: optimised code reloads and re-checks an array's length after every builtin call.
  const count = program.length;
  for (let i = 0; i < count; i++) {
    const step = program[i];
    const code = step.code;
    let outcome: boolean;
    if (code >= 32 /* USER */) {
      if (code === 36 /* OPEN */) {
        saved[depth++] = all ? 1 : 0;
        saved[depth++] = any ? 1 : 0;
        all = true;
        any = false;
        continue;
      }
      if (code === 32 /* USER */) {
        const userId = readings.userId;
        outcome = typeof userId === 'string' && (step.ids as ReadonlySet<string>).has(userId);
      } else {
        outcome = code === 33 /* AND */ ? all : code === 34 /* OR */ ? any : step.outcome;
        any = saved[--depth] === 1;
        all = saved[--depth] === 1;
      }
      if (outcome !== step.negated) any = true;
      else all = false;
      continue;
    }
    const slot = step.slot;
    const tag = tags[slot];
    if (typeof tag !== 'string') {
      const raw = otherOutcome(step, tag);
      // A condition at the root answers 1.73.0's raw outcome (`undefined` included).
      if (step.root) return raw;
      outcome = !!raw;
    } else {
      // Codes from 16 up: a tag that reads as a number, compared by its normalised number (or
      // text) because the operand normalises too. Below: the tag compared as text, or a number
      // that is not normalisable (0, NaN) with the operand's own number, which differs from its
      // normalised one from 1e21 up (`gt(1e21)`'s text normalises to "1").
      let select = code;
      // The normalised number of the tag, read only when the operand normalises.
      let number = Number.NaN;
      if (step.numberCode !== code) {
        const parsed = numbers[slot];
        // isNormalisable(), inline: a module's function is a variable its caller checks on every call.
        if (parsed !== 0 && !Number.isNaN(parsed)) {
          select = step.numberCode;
          // canonical() differs from the number only from 1e21 up.
          number = parsed < 1e21 && parsed > -1e21 ? parsed : canonical(parsed);
        }
      }
      switch (select) {
        case 0: // EQUALS
          outcome = tag === step.text;
          break;
        case 1: // LOWER
          outcome = equalsLowered(tag, step.text);
          break;
        case 2: // CONTAINS
          outcome = includesText(tag, step.text);
          break;
        case 3: // STARTS_WITH
          outcome = tag.startsWith(step.text);
          break;
        case 4: // ENDS_WITH
          outcome = tag.endsWith(step.text);
          break;
        case 5: // REGEX
          outcome = step.pattern?.test(tag) === true;
          break;
        case 6: // GT
          outcome = step.operandNumber < numbers[slot];
          break;
        case 7: // GTE
          outcome = step.operandNumber <= numbers[slot];
          break;
        case 8: // LT
          outcome = step.operandNumber > numbers[slot];
          break;
        case 9: // LTE
          outcome = step.operandNumber >= numbers[slot];
          break;
        case 16: // EQUALS, normalised
        case 17: // LOWER, normalised
          outcome = sameText(step.operand, number);
          break;
        // `number` is canonical, so its text is the normalised text (normalise.ts).
        case 18: // CONTAINS, normalised
          outcome = String(number).includes(step.operandText);
          break;
        case 19: // STARTS_WITH, normalised
          outcome = String(number).startsWith(step.operandText);
          break;
        case 20: // ENDS_WITH, normalised
          outcome = String(number).endsWith(step.operandText);
          break;
        case 21: // REGEX, normalised
          outcome = step.normalisedPattern?.test(String(number)) === true;
          break;
        case 22: // GT, normalised
          outcome = step.operand < number;
          break;
        case 23: // GTE, normalised
          outcome = step.operand <= number;
          break;
        case 24: // LT, normalised
          outcome = step.operand > number;
          break;
        case 25: // LTE, normalised
          outcome = step.operand >= number;
          break;
        case 10: // MISMATCH
          outcome = false;
          break;
        default:
          throw step.error;
      }
    }
    if (outcome !== step.negated) any = true;
    else all = false;
  }
  if (close !== undefined) {
    const code = close.code;
    const outcome = code === 33 /* AND */ ? all : code === 34 /* OR */ ? any : close.outcome;
    return outcome !== close.negated;
  }
  // The root's outcome is the only one merged at the outermost level.
  return any;
}

/**
 * The outcome for a tag that is not a string: a missing variable (false), `null` (1.73.0's
 * outcome, computed once), or a tag from a value whose own `toString` returns a non-string,
 * compared step by step as 1.73.0 does, throwing where it throws.
 */
function otherOutcome(step: Step, tag: Reading): SegmentOutcome {
  if (tag === MISSING) return false;
  if (step.code === 11 /* THROWS */) throw step.error;
  if (tag === null) return step.whenNull;
  return compareStepByStep(step.kind, step.value, step.operandNumber, (tag as OtherTag).tag);
}
