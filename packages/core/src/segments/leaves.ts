/**
 * The pieces both builds of the segment compiler share (nodes.ts, nodes.compact.ts): how a node
 * is read, and the `user` operand's list. See nodes.ts for 1.73.0's rules.
 */
import type { SegmentOutcome, SegmentVariables } from './types.js';

export type Evaluate = (variables: SegmentVariables) => SegmentOutcome;

/** A compiled node: a constant outcome, or a function of the variables. */
export type Compiled = SegmentOutcome | Evaluate;

/** Thrown while compiling a node that throws on every evaluation in 1.73.0. */
export const ALWAYS_THROWS: unique symbol = Symbol('segment node always throws');

/**
 * Only the first own key of a node counts. Anything with keys is a node: a string reads as an
 * object whose first key is "0" (an unknown operator), an array likewise. Nothing, `{}`, `[]`,
 * `""` or a number has no entry, and 1.73.0 throws on it.
 */
export function firstEntry(node: unknown): { readonly key: string; readonly value: unknown } {
  if (node === null || node === undefined) throw ALWAYS_THROWS;
  const keys = Object.keys(node);
  if (keys.length === 0) throw ALWAYS_THROWS;
  const key = keys[0];
  return { key, value: (node as Record<string, unknown>)[key] };
}

/** The ids of a `user` operand, which matches a `_vwoUserId` equal to one of them. */
export function userIdsOf(operand: unknown): ReadonlySet<string> {
  // 1.73.0 calls `operand.split(',')` on every evaluation, before reading any variable; no JSON
  // value but a string has `split`, so any other operand throws every time.
  if (typeof operand !== 'string') throw ALWAYS_THROWS;
  return new Set(operand.split(',').map((id) => id.trim()));
}
