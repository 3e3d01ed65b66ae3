import { type Comparison, compileComparison } from './compare.js';
import { parseOperand } from './operand.js';
import { tagOf } from './tag.js';
import type { RawSegmentPredicate, SegmentOutcome, SegmentPredicate, SegmentVariables } from './types.js';

/*
 * How 1.73.0 evaluates, and why the compiled tree may look different:
 * - every node of the tree is evaluated (`and`/`or` run all their children before combining),
 *   and any exception anywhere makes the whole evaluation false. So a node that always throws
 *   (`{}` nested, `{"and":null}`, `{"user":5}` …) makes the segment constant false, whatever
 *   its position, and nothing can short-circuit past a child that might throw.
 * - the variables can make a leaf throw (null variables, a value without a callable
 *   `toString`). Leaves let such exceptions propagate and the root turns them into false,
 *   which keeps the hot path free of try/catch and of result codes.
 */

type Evaluate = (variables: SegmentVariables) => SegmentOutcome;

/** A compiled node: a constant outcome, or a function of the variables. */
type Compiled = SegmentOutcome | Evaluate;

/** Thrown while compiling a node that throws on every evaluation in 1.73.0. */
const ALWAYS_THROWS: unique symbol = Symbol('segment node always throws');

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

function compileNode(node: unknown): Compiled {
  const entry = firstEntry(node);
  switch (entry.key) {
    case 'not':
      return negation(compileNode(entry.value));
    case 'and':
      return conjunction(compileList(entry.value));
    case 'or':
      return disjunction(compileList(entry.value));
    case 'custom_variable':
      return compileCustomVariable(entry.value);
    case 'user':
      return compileUser(entry.value);
    default:
      return undefined;
  }
}

/**
 * Only the first own key of a node counts. Anything with keys is a node: a string reads as an
 * object whose first key is "0" (an unknown operator), an array likewise. Nothing, `{}`, `[]`,
 * `""` or a number has no entry, and 1.73.0 throws on it.
 */
function firstEntry(node: unknown): { readonly key: string; readonly value: unknown } {
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
function compileList(list: unknown): Compiled[] {
  if (list === null || list === undefined) throw ALWAYS_THROWS;
  const items = list as ArrayLike<unknown>;
  const children: Compiled[] = [];
  for (let i = 0; i < (items.length as unknown as number); i++) children.push(compileNode(items[i]));
  return children;
}

function negation(child: Compiled): Compiled {
  if (typeof child !== 'function') return !child;
  return (variables) => !child(variables);
}

function conjunction(children: readonly Compiled[]): Compiled {
  const dynamic = children.filter(isDynamic);
  const constantsHold = children.every((child) => isDynamic(child) || !!child);
  if (dynamic.length === 0) return constantsHold;
  // A falsy constant decides the result, yet the other children still run: one of them
  // throwing must still fail the evaluation, as it does in 1.73.0.
  if (!constantsHold) return runAll(dynamic, false);
  if (dynamic.length === 1) {
    const only = dynamic[0];
    return (variables) => !!only(variables);
  }
  return (variables) => {
    let all = true;
    for (let i = 0; i < dynamic.length; i++) if (!dynamic[i](variables)) all = false;
    return all;
  };
}

function disjunction(children: readonly Compiled[]): Compiled {
  const dynamic = children.filter(isDynamic);
  const constantHolds = children.some((child) => !isDynamic(child) && !!child);
  if (dynamic.length === 0) return constantHolds;
  if (constantHolds) return runAll(dynamic, true);
  if (dynamic.length === 1) {
    const only = dynamic[0];
    return (variables) => !!only(variables);
  }
  return (variables) => {
    let any = false;
    for (let i = 0; i < dynamic.length; i++) if (dynamic[i](variables)) any = true;
    return any;
  };
}

function runAll(children: readonly Evaluate[], outcome: boolean): Evaluate {
  return (variables) => {
    for (let i = 0; i < children.length; i++) children[i](variables);
    return outcome;
  };
}

function isDynamic(child: Compiled): child is Evaluate {
  return typeof child === 'function';
}

function compileCustomVariable(operand: unknown): Evaluate {
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

function compileUser(operand: unknown): Evaluate {
  // 1.73.0 calls `operand.split(',')` on every evaluation, before reading any variable; no JSON
  // value but a string has `split`, so any other operand throws every time.
  if (typeof operand !== 'string') throw ALWAYS_THROWS;
  const ids = new Set(operand.split(',').map((id) => id.trim()));
  return (variables) => {
    const userId = variables._vwoUserId;
    return typeof userId === 'string' && ids.has(userId);
  };
}
