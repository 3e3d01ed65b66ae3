import { compileCondition } from './compare.js';
import { ALWAYS_THROWS, type Compiled, firstEntry, userIdsOf } from './leaves.js';
import { parseOperand } from './operand.js';
import { Readings, readVariables, VariableTable } from './readings.js';
import type { SegmentOutcome, SegmentVariables } from './types.js';

/**
 * The tree of a segment DSL, folded where constant (the server build; nodes.compact.ts in the
 * browser build evaluates the same tree without folding). How 1.73.0 evaluates, and why the compiled tree may look different:
 * - every node of the tree is evaluated (`and`/`or` run all their children before combining),
 *   and any exception anywhere makes the whole evaluation false. So a node that always throws
 *   (`{}` nested, `{"and":null}`, `{"user":5}` …) makes the segment constant false, whatever
 *   its position, and nothing can short-circuit past a child that might throw.
 * - since every leaf runs on every evaluation, the variables they read are read up front, each
 *   once (readings.ts), and the leaves compare what was read. Reading can throw (null variables,
 *   a value without a callable `toString`); the root turns that into false, which keeps the
 *   leaves free of try/catch and of result codes.
 */

type Evaluate = (readings: Readings) => SegmentOutcome;
type Node = SegmentOutcome | Evaluate;

/** Compiles a DSL's root node; throws {@link ALWAYS_THROWS} for a tree that throws on every evaluation. */
export function compileNode(node: unknown): Compiled {
  const table = new VariableTable();
  const tree = compileTree(node, table);
  if (typeof tree !== 'function') return tree;
  const scratch = new Readings(table.names.length);
  let reading = false;
  return (variables: SegmentVariables) => {
    // One evaluation's readings are kept for the next, so that an evaluation allocates nothing.
    // A getter or `toString` among the variables could evaluate this segment again meanwhile:
    // that nested evaluation reads into readings of its own.
    if (reading) return tree(readVariables(table, variables, new Readings(table.names.length)));
    reading = true;
    try {
      return tree(readVariables(table, variables, scratch));
    } finally {
      reading = false;
    }
  };
}

function compileTree(node: unknown, table: VariableTable): Node {
  const entry = firstEntry(node);
  switch (entry.key) {
    case 'not':
      return negation(compileTree(entry.value, table));
    case 'and':
      return conjunction(compileList(entry.value, table));
    case 'or':
      return disjunction(compileList(entry.value, table));
    case 'custom_variable': {
      const { key: name, value } = firstEntry(entry.value);
      return compileCondition(parseOperand(value), table.slotOf(name));
    }
    case 'user': {
      const ids = userIdsOf(entry.value);
      table.readsUserId = true;
      return (readings) => {
        const userId = readings.userId;
        return typeof userId === 'string' && ids.has(userId);
      };
    }
    default:
      return undefined;
  }
}

/**
 * The children of `and`/`or`, walked as 1.73.0 walks them: by index up to `.length`. A plain
 * object or a number has no length (an empty list), a string lists its characters, and only
 * `null`/`undefined` throw. A missing index is `undefined`, which throws, so the walk ends.
 */
function compileList(list: unknown, table: VariableTable): Node[] {
  if (list === null || list === undefined) throw ALWAYS_THROWS;
  const items = list as ArrayLike<unknown>;
  const children: Node[] = [];
  for (let i = 0; i < (items.length as unknown as number); i++) children.push(compileTree(items[i], table));
  return children;
}

function negation(child: Node): Node {
  if (typeof child !== 'function') return !child;
  return (readings) => !child(readings);
}

function conjunction(children: readonly Node[]): Node {
  const dynamic = children.filter(isDynamic);
  const constantsHold = children.every((child) => isDynamic(child) || !!child);
  if (dynamic.length === 0) return constantsHold;
  // A falsy constant decides the result, yet the other children still run: one of them
  // throwing must still fail the evaluation, as it does in 1.73.0.
  if (!constantsHold) return runAll(dynamic, false);
  if (dynamic.length === 1) {
    const only = dynamic[0];
    return (readings) => !!only(readings);
  }
  return (readings) => {
    let all = true;
    for (let i = 0; i < dynamic.length; i++) if (!dynamic[i](readings)) all = false;
    return all;
  };
}

function disjunction(children: readonly Node[]): Node {
  const dynamic = children.filter(isDynamic);
  const constantHolds = children.some((child) => !isDynamic(child) && !!child);
  if (dynamic.length === 0) return constantHolds;
  if (constantHolds) return runAll(dynamic, true);
  if (dynamic.length === 1) {
    const only = dynamic[0];
    return (readings) => !!only(readings);
  }
  return (readings) => {
    let any = false;
    for (let i = 0; i < dynamic.length; i++) if (dynamic[i](readings)) any = true;
    return any;
  };
}

function runAll(children: readonly Evaluate[], outcome: boolean): Evaluate {
  return (readings) => {
    for (let i = 0; i < children.length; i++) children[i](readings);
    return outcome;
  };
}

function isDynamic(child: Node): child is Evaluate {
  return typeof child === 'function';
}
