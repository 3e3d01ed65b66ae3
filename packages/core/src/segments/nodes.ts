import { conditionStep } from './compare.js';
import { ALWAYS_THROWS, type Compiled, firstEntry, userIdsOf } from './leaves.js';
import { parseOperand } from './operand.js';
import { ALL, AND, nesting, OPEN, OR, readsNumber, run, Step, USER } from './program.js';
import { Readings, readVariables, VariableTable } from './readings.js';
import type { SegmentOutcome, SegmentVariables } from './types.js';

/**
 * A segment DSL compiled into a program of steps (program.ts runs it), folded where constant (the
 * server build; nodes.compact.ts in the browser build evaluates the same tree without folding).
 * How 1.73.0 evaluates, and why the compiled program may look different from the tree:
 * - every node of the tree is evaluated (`and`/`or` run all their children before combining),
 *   and any exception anywhere makes the whole evaluation false. So a node that always throws
 *   (`{}` nested, `{"and":null}`, `{"user":5}` …) makes the segment constant false, whatever
 *   its position, and nothing can short-circuit past a child that might throw.
 * - since every leaf runs on every evaluation, the variables they read are read up front, each
 *   once (readings.ts), and the leaves compare what was read. Reading can throw (null variables,
 *   a value without a callable `toString`); the root turns that into false, which keeps the
 *   leaves free of try/catch and of result codes.
 */

/** A node compiled: its constant outcome, or {@link EMITTED} once its steps are in the program. */
type Node = SegmentOutcome | typeof EMITTED;

const EMITTED: unique symbol = Symbol('steps emitted');

/** Compiles a DSL's root node; throws {@link ALWAYS_THROWS} for a tree that throws on every evaluation. */
export function compileNode(node: unknown): Compiled {
  const table = new VariableTable();
  const program: Step[] = [];
  const root = compileTree(node, table, program);
  if (root !== EMITTED) return root;
  // Only a condition at the root answers 1.73.0's raw outcome; `not` and the combinators answer booleans.
  if (firstEntry(node).key === 'custom_variable') program[0].root = true;
  // A root combinator is combined after the loop rather than opened and closed in it.
  let close: Step | undefined;
  if (program[0].code === OPEN) {
    close = program.pop();
    program.shift();
  }
  const depth = 2 * nesting(program);
  const scratch = new Readings(table.names.length);
  const saved = outcomeStack(depth);
  let running = false;
  return (variables: SegmentVariables) => {
    // One evaluation's readings and saved outcomes are kept for the next, so that an evaluation
    // allocates nothing. A getter or `toString` among the variables could evaluate this segment
    // again meanwhile: that nested evaluation gets readings and saved outcomes of its own.
    if (running) return run(program, readVariables(table, variables, new Readings(table.names.length)), outcomeStack(depth), close);
    running = true;
    try {
      return run(program, readVariables(table, variables, scratch), saved, close);
    } finally {
      running = false;
    }
  };
}

/** Room for the saved outcomes of `run`: an array of small integers (0). */
function outcomeStack(size: number): number[] {
  return Array.from({ length: size }, () => 0);
}

/** Compiles a node, appending its steps (if it has any) to `program`. */
function compileTree(node: unknown, table: VariableTable, program: Step[]): Node {
  const entry = firstEntry(node);
  switch (entry.key) {
    case 'not': {
      const child = compileTree(entry.value, table, program);
      if (child !== EMITTED) return !child;
      // The child's outcome is its last step's: negated there.
      const last = program[program.length - 1];
      last.negated = !last.negated;
      return EMITTED;
    }
    case 'and':
    case 'or':
      return combination(entry.key, entry.value, table, program);
    case 'custom_variable': {
      const { key: name, value } = firstEntry(entry.value);
      const step = conditionStep(parseOperand(value), table.slotOf(name));
      if (readsNumber(step)) table.readsNumber(step.slot);
      program.push(step);
      return EMITTED;
    }
    case 'user': {
      const step = new Step(USER);
      step.ids = userIdsOf(entry.value);
      table.readsUserId = true;
      program.push(step);
      return EMITTED;
    }
    default:
      return undefined;
  }
}

/**
 * An `and`/`or`: its children walked as 1.73.0 walks them, by index up to `.length`. A plain
 * object or a number has no length (an empty list), a string lists its characters, and only
 * `null`/`undefined` throw. A missing index is `undefined`, which throws, so the walk ends.
 * Constant children are folded; the others run between an `OPEN` and the step that combines
 * their outcomes.
 */
function combination(key: 'and' | 'or', list: unknown, table: VariableTable, program: Step[]): Node {
  if (list === null || list === undefined) throw ALWAYS_THROWS;
  const items = list as ArrayLike<unknown>;
  const open = program.length;
  program.push(new Step(OPEN));
  let dynamic = 0;
  let allConstantsHold = true;
  let anyConstantHolds = false;
  for (let i = 0; i < (items.length as unknown as number); i++) {
    const child = compileTree(items[i], table, program);
    if (child === EMITTED) dynamic++;
    else if (child) anyConstantHolds = true;
    else allConstantsHold = false;
  }
  if (dynamic === 0) {
    program.length = open;
    return key === 'and' ? allConstantsHold : anyConstantHolds;
  }
  // A constant that decides the result leaves the other children to run: one of them throwing
  // must still fail the evaluation, as it does in 1.73.0.
  const decided = key === 'and' ? !allConstantsHold : anyConstantHolds;
  const close = new Step(decided ? ALL : key === 'and' ? AND : OR);
  close.outcome = key === 'or';
  program.push(close);
  return EMITTED;
}
