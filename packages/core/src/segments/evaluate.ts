import { compileSegment, compileSegmentRaw } from './compile.js';
import type { SegmentOutcome, SegmentVariables } from './types.js';

/**
 * Evaluates a segment DSL against variables as vwo-node-sdk 1.73.0 does, returning the
 * truthiness the SDK acts on. Pure and total: never throws, whatever the DSL (JSON of any
 * shape) and whatever the variables (`null`, arrays, strings included). Compiles on every
 * call; keep the result of {@link compileSegment} when evaluating a DSL repeatedly.
 */
export function evaluateSegment(dsl: unknown, variables: unknown): boolean {
  return compileSegment(dsl)(variables as SegmentVariables);
}

/**
 * {@link evaluateSegment} keeping 1.73.0's raw result: `undefined` where its evaluator returns
 * `undefined` (segmentation.md §3), `false` where it throws, `true` for a DSL without conditions.
 */
export function evaluateSegmentRaw(dsl: unknown, variables: unknown): SegmentOutcome {
  return compileSegmentRaw(dsl)(variables as SegmentVariables);
}
