/**
 * The pieces of the segment compiler both builds share: the leaves (`custom_variable`, `user`)
 * and how a node is read. nodes.ts combines them into a tree; see there for 1.73.0's rules.
 */
import { type Comparison, compileComparison } from './compare.js';
import { parseOperand } from './operand.js';
import { tagOf } from './tag.js';
import type { SegmentOutcome, SegmentVariables } from './types.js';

export type Evaluate = (variables: SegmentVariables) => SegmentOutcome;

/** A compiled node: a constant outcome, or a function of the variables. */
export type Compiled = SegmentOutcome | Evaluate;

/** Thrown while compiling a node that throws on every evaluation in 1.73.0. */
export const ALWAYS_THROWS: unique symbol = Symbol('segment node always throws');

export function firstEntry(node: unknown): { readonly key: string; readonly value: unknown } {
  if (node === null || node === undefined) throw ALWAYS_THROWS;
  const keys = Object.keys(node);
  if (keys.length === 0) throw ALWAYS_THROWS;
  const key = keys[0];
  return { key, value: (node as Record<string, unknown>)[key] };
}

/**
 * The children of `and`/`or`, walked as 1.73.0 walks them: by index up to `.length`. A plain
 * object or a number has no length (an empty list), a string lists its characters, and only
 * `null`/`undefined` throw. A missing index is `undefined`, which throws, so the walk ends.
 */
export function compileCustomVariable(operand: unknown): Evaluate {
  const { key: name, value } = firstEntry(operand);
  return customVariableLeaf(name, compileComparison(parseOperand(value)));
}

function customVariableLeaf(name: string, { compare, compareOther }: Comparison): Evaluate {
  return (variables) => {
    // Called through the variables, as 1.73.0 does, so null variables, a null prototype or an
    // own `hasOwnProperty` key throw (failing the evaluation) exactly where they throw there.
    // biome-ignore lint/suspicious/noPrototypeBuiltins: the lookup itself is the compatible behaviour
    if (!variables.hasOwnProperty(name)) return false;
    const tag = tagOf(variables[name]);
    return typeof tag === 'string' || tag === null ? compare(tag) : compareOther(tag);
  };
}

export function compileUser(operand: unknown): Evaluate {
  // 1.73.0 calls `operand.split(',')` on every evaluation, before reading any variable; no JSON
  // value but a string has `split`, so any other operand throws every time.
  if (typeof operand !== 'string') throw ALWAYS_THROWS;
  const ids = new Set(operand.split(',').map((id) => id.trim()));
  return (variables) => {
    const userId = variables._vwoUserId;
    return typeof userId === 'string' && ids.has(userId);
  };
}
