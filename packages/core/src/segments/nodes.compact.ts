/**
 * The browser build's segment tree (tsup.config.ts takes it for `nodes.ts`): the same outcomes,
 * without folding constant branches, reading a variable for every condition and comparing
 * step by step as 1.73.0 does (compare-steps.ts) instead of through comparisons compiled per
 * operand kind; a page evaluates few segments. Every child runs before `and`/`or` combine
 * (1.73.0 runs them all, so that one throwing fails the evaluation); an unknown node is
 * `undefined` without reading its children. The segment tests and fuzz test run on both builds.
 */
import { compareStepByStep } from './compare-steps.js';
import { ALWAYS_THROWS, type Evaluate, firstEntry, userIdsOf } from './leaves.js';
import { parseOperand } from './operand.js';
import { tagOf } from './tag.js';

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
    const { kind, value: text } = parseOperand(operand);
    // parseFloat of an operand that cannot be stringified throws (see compare.ts): on every
    // evaluation that finds the variable, as in 1.73.0.
    return (variables) => {
      // biome-ignore lint/suspicious/noPrototypeBuiltins: the lookup itself is the compatible behaviour
      if (!variables.hasOwnProperty(name)) return false;
      return compareStepByStep(kind, text, Number.parseFloat(text as string), tagOf(variables[name]));
    };
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
