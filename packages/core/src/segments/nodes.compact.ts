/**
 * The browser build's segment tree (tsup.config.ts takes it for `nodes.ts`): the same outcomes,
 * without folding constant branches. Every child runs before `and`/`or` combine (1.73.0 runs them
 * all, so that one throwing fails the evaluation); an unknown node is `undefined` without
 * reading its children. The segment tests and fuzz test run on both builds.
 */
import { ALWAYS_THROWS, compileCustomVariable, compileUser, type Evaluate, firstEntry } from './leaves.js';

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
  if (key === 'custom_variable') return compileCustomVariable(value);
  if (key === 'user') return compileUser(value);
  return () => undefined;
}
