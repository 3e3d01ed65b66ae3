/**
 * The browser build's segment tree (tsup.config.ts takes it for `nodes.ts`): the same outcomes,
 * written for size. Nothing is folded at compile time; each condition reads its variable and
 * makes 1.73.0's steps 4–5 one by one on every evaluation, as 1.73.0 does; a page evaluates few
 * segments. Every child runs before `and`/`or` combine (1.73.0 runs them all, so that one
 * throwing fails the evaluation); an unknown node is `undefined` without reading its children.
 * The segment tests and fuzz test (against 1.73.0's evaluator) run on both builds.
 */
import { ALWAYS_THROWS, type Evaluate, firstEntry, userIdsOf } from './leaves.js';
import { normalisedText } from './normalise.js';
import { tagOf } from './tag.js';
import type { SegmentOutcome } from './types.js';

// 1.73.0's operand forms (operand.ts), tried in its order: lower, wildcard, regex, gt, gte, lt,
// lte. Their prefixes exclude one another, so the first alternative that matches here is the
// form 1.73.0 finds first, with the same greedy, start-anchored groups.
const OPERAND = /^(?:(lower|wildcard|regex)\((.*)\)|(gte?|lte?)\((\d+\.?\d*|\.\d+)\))/;

/**
 * How a condition compares: `''` equality, `lower`, `regex`, the wildcard forms by the string
 * method that tests them (`indexOf` for a star at both ends), or an order test `gt`…`lte`.
 */
type Comparison = '' | 'lower' | 'regex' | 'indexOf' | 'startsWith' | 'endsWith' | 'gt' | 'gte' | 'lt' | 'lte';

/** Compiles one node of the DSL; throws {@link ALWAYS_THROWS} for a node that throws on every evaluation. */
export function compileNode(node: unknown): Evaluate {
  const { key, value } = firstEntry(node);
  if (key === 'not') {
    const child = compileNode(value);
    return (variables) => !child(variables);
  }
  if (key === 'and' || key === 'or') {
    if (value === null || value === undefined) throw ALWAYS_THROWS;
    const children = Array.from(value as ArrayLike<unknown>, compileNode);
    return (variables) => {
      const outcomes = children.map((child) => child(variables));
      return key === 'and' ? outcomes.every(Boolean) : outcomes.some(Boolean);
    };
  }
  if (key === 'custom_variable') {
    const { key: name, value: operand } = firstEntry(value);
    // Any operand but a string (a number, null, an object…) is compared by equality, as it is.
    const match = typeof operand === 'string' ? OPERAND.exec(operand) : null;
    let comparison = (match ? (match[1] ?? match[3]) : '') as Comparison | 'wildcard';
    let text = match ? (match[2] ?? match[4]) : operand;
    if (comparison === 'wildcard') {
      // One star at most is stripped from each end, judged on the text before stripping (`*`
      // alone contains the empty string); no star at either end is an equality.
      const inner = text as string;
      const leading = inner.startsWith('*');
      const trailing = inner.endsWith('*');
      text = inner.replace(/^\*/, '').replace(/\*$/, '');
      comparison = leading ? (trailing ? 'indexOf' : 'endsWith') : trailing ? 'startsWith' : '';
    }
    // parseFloat of an operand that cannot be stringified throws: on every evaluation that
    // finds the variable, as in 1.73.0.
    // biome-ignore lint/suspicious/noPrototypeBuiltins: the lookup itself is the compatible behaviour
    return (variables) => variables.hasOwnProperty(name) && compare(comparison, text, tagOf(variables[name]));
  }
  if (key === 'user') {
    const ids = userIdsOf(value);
    return (variables) => {
      const userId = variables._vwoUserId;
      return typeof userId === 'string' && ids.has(userId);
    };
  }
  return () => undefined;
}

/**
 * 1.73.0's steps 4–5 (segmentation.md §3): when both sides parse to a number other than 0 or
 * NaN, both are compared as their normalised texts; a `null` tag leaves every comparison but
 * equality and `regex` `undefined`. The tag's own methods are called, so a non-string one (from
 * a custom `toString`) throws where it throws there.
 */
function compare(comparison: Comparison, operand: unknown, tag: unknown): SegmentOutcome {
  const operandNumber = Number.parseFloat(operand as string);
  const tagNumber = Number.parseFloat(tag as string);
  // Truthy: neither 0 nor NaN.
  const normalise = operandNumber && tagNumber;
  const t = (normalise ? normalisedText(tagNumber) : tag) as string;
  const v = (normalise ? normalisedText(operandNumber) : operand) as string;
  if (comparison === '') return t === v;
  if (comparison === 'regex') {
    try {
      return new RegExp(v).test(t);
    } catch {
      return false;
    }
  }
  if (t === null) return undefined;
  if (comparison === 'lower') return v.toLowerCase() === t.toLowerCase();
  if (comparison === 'indexOf') return t.indexOf(v) > -1;
  if (comparison === 'startsWith' || comparison === 'endsWith') return t[comparison](v);
  try {
    // `gt(10)` holds when the tag is greater than 10; NaN on either side makes every test false.
    const bound = Number.parseFloat(v);
    const number = Number.parseFloat(t);
    return comparison === 'gt'
      ? bound < number
      : comparison === 'gte'
        ? bound <= number
        : comparison === 'lt'
          ? bound > number
          : bound >= number;
  } catch {
    return false;
  }
}
