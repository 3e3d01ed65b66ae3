import { ALWAYS_THROWS, type Compiled, compileCustomVariable, compileUser, type Evaluate, firstEntry } from './leaves.js';

/**
 * The tree of a segment DSL, folded where constant (the server build; nodes.compact.ts in the
 * browser build evaluates the same tree without folding). How 1.73.0 evaluates, and why the compiled tree may look different:
 * - every node of the tree is evaluated (`and`/`or` run all their children before combining),
 *   and any exception anywhere makes the whole evaluation false. So a node that always throws
 *   (`{}` nested, `{"and":null}`, `{"user":5}` …) makes the segment constant false, whatever
 *   its position, and nothing can short-circuit past a child that might throw.
 * - the variables can make a leaf throw (null variables, a value without a callable
 *   `toString`). Leaves let such exceptions propagate and the root turns them into false,
 *   which keeps the hot path free of try/catch and of result codes.
 */

/** Compiles one node of the DSL; throws {@link ALWAYS_THROWS} for a node that throws on every evaluation. */
export function compileNode(node: unknown): Compiled {
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
