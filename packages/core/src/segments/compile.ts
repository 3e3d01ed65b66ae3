import type { Compiled } from './leaves.js';
import { compileNode } from './nodes.js';
import type { RawSegmentPredicate, SegmentPredicate, SegmentVariables } from './types.js';

// 1.73.0's evaluation rules, and why the compiled tree may differ from the DSL: nodes.ts.

// 1.73.0 replaces missing variables with `{}` (a default parameter).
const NO_VARIABLES: SegmentVariables = Object.freeze({});

const PASS: SegmentPredicate = () => true;
const FAIL: SegmentPredicate = () => false;

/**
 * Whether a DSL has conditions to evaluate: a plain object (by its `[object Object]` tag, as
 * 1.73.0 checks) with at least one own key. Everything else (`{}`, an array, `null`, a
 * string…) is evaluated as `true` by 1.73.0, which for pre-segmentation means "skipped"; for
 * whitelisting such a variation is simply not a match, so callers must ask this first.
 */
export function hasSegmentConditions(dsl: unknown): boolean {
  return Object.prototype.toString.call(dsl) === '[object Object]' && Object.keys(dsl as object).length > 0;
}

/**
 * Compiles a segment DSL once into a predicate, reproducing vwo-node-sdk 1.73.0's evaluator
 * (segmentation.md). Operands are parsed, regular expressions built and numbers normalised here,
 * not per call.
 *
 * Contract: always returns a predicate. For a DSL without conditions (see
 * {@link hasSegmentConditions}) it returns `true`, like 1.73.0; whitelisting callers must check
 * {@link hasSegmentConditions} themselves. Neither this function nor the predicate ever throws;
 * the predicate treats `undefined` variables as `{}`.
 */
export function compileSegment(dsl: unknown): SegmentPredicate {
  const root = compileRoot(dsl);
  if (typeof root !== 'function') return root ? PASS : FAIL;
  return (variables) => {
    try {
      return !!root(variables === undefined ? NO_VARIABLES : variables);
    } catch {
      return false;
    }
  };
}

/** {@link compileSegment}, keeping the evaluator's `undefined` outcomes (segmentation.md §3). */
export function compileSegmentRaw(dsl: unknown): RawSegmentPredicate {
  const root = compileRoot(dsl);
  if (typeof root !== 'function') return () => root;
  return (variables) => {
    try {
      return root(variables === undefined ? NO_VARIABLES : variables);
    } catch {
      return false;
    }
  };
}

function compileRoot(dsl: unknown): Compiled {
  try {
    return hasSegmentConditions(dsl) ? compileNode(dsl) : true;
  } catch {
    // ALWAYS_THROWS, or a tree deeper than the stack, which 1.73.0's recursion cannot evaluate.
    return false;
  }
}
