/**
 * The variables a compiled segment reads, each once per evaluation (the server build; see
 * nodes.ts). 1.73.0 looks a variable up again for every condition that names it, which costs a
 * megamorphic `hasOwnProperty` call and property load each time; the lookups, the tag of the
 * value (segmentation.md §3 step 2) and its `parseFloat` are the same for every such condition
 * of one evaluation, so they are done once.
 */
import { parseNumber } from './normalise.js';
import { tagOf } from './tag.js';
import type { SegmentVariables } from './types.js';

/** A tag that is neither a string nor `null` (a value whose own `toString` returns one). */
export class OtherTag {
  constructor(readonly tag: unknown) {}
}

/** The variables object has no own property of that name: every condition on it is false. */
export const MISSING: unique symbol = Symbol('missing variable');

export type Reading = string | null | OtherTag | typeof MISSING;

/** One evaluation's readings, by slot: the tag of each variable and `parseFloat` of it. */
export class Readings {
  readonly tags: Reading[] = [];
  readonly numbers: number[] = [];
  userId: unknown = undefined;

  constructor(size: number) {
    // Pushed rather than preallocated: a packed array of doubles keeps its numbers unboxed.
    for (let slot = 0; slot < size; slot++) {
      this.tags.push(MISSING);
      this.numbers.push(Number.NaN);
    }
  }
}

// How many keys besides the segment's a variables object may have before reading it key by key
// costs more than looking each variable up by name.
const SPARE_KEYS = 8;

/** The variable names of one segment, each given a slot as the compiler meets it. */
export class VariableTable {
  readonly names: string[] = [];
  readsUserId = false;
  /**
   * The slots whose number some condition reads (an order test, or an operand that
   * normalises), one bit each; slots from 32 up always have theirs read. `parseFloat` of any
   * other variable's text would never be looked at.
   */
  numberSlots = 0;
  private readonly slots = new Map<string, number>();
  /**
   * The last walk over a variables object: the key met at each position, then its slot (-1: not
   * a variable of the segment), one after the other. Objects of one shape list their keys in one
   * order, so a key is found here without a lookup in `slots`.
   */
  readonly lastWalk: Array<string | number> = [];

  /** Marks the number of the variable in `slot` as read by a condition. */
  readsNumber(slot: number): void {
    if (slot < 32) this.numberSlots |= 1 << slot;
  }

  slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.names.length;
      this.slots.set(name, slot);
      this.names.push(name);
    }
    return slot;
  }

  /** The slot of `key`, met at position `at` of a walk, remembered for the next walk. */
  remember(key: string, at: number): number {
    const slot = this.slots.get(key) ?? -1;
    this.lastWalk[2 * at] = key;
    this.lastWalk[2 * at + 1] = slot;
    return slot;
  }
}

const objectHasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * Reads every variable of the table into `into`. Throws where 1.73.0's lookups throw (null
 * variables, a `hasOwnProperty` that is not the method, a value without a callable `toString`),
 * which fails the evaluation as it does there.
 */
export function readVariables(table: VariableTable, variables: SegmentVariables, into: Readings): Readings {
  const { names } = table;
  const { tags, numbers } = into;
  const count = names.length;
  // Slots from 32 up read their number whatever the bit (the shift below would wrap).
  const numberSlots = table.numberSlots;
  let unread = count;
  // The slots the walk below read, one bit each: segments of more variables than bits look every
  // variable up by name.
  let met = 0;
  if (
    count > 0 &&
    count <= 32 &&
    typeof variables === 'object' &&
    variables !== null &&
    variables.hasOwnProperty === objectHasOwnProperty
  ) {
    // Own enumerable keys walked as V8 walks them fastest: its enum cache makes the key, the
    // own-property test and the load a few instructions each, where `hasOwnProperty(name)` and
    // `variables[name]` search the object's descriptors, twice per variable.
    const walk = table.lastWalk;
    const keys = count + SPARE_KEYS;
    let at = 0;
    for (const key in variables) {
      if (at === keys) break;
      // biome-ignore lint/suspicious/noPrototypeBuiltins: the form V8 recognises in a for-in over the object
      if (!variables.hasOwnProperty(key)) continue;
      const slot = walk[2 * at] === key ? (walk[2 * at + 1] as number) : table.remember(key, at);
      at++;
      if (slot < 0) continue;
      readValue(variables[key], slot, tags, numbers, slot > 31 || ((numberSlots >>> slot) & 1) === 1);
      met |= 1 << slot;
      if (--unread === 0) break;
    }
  }
  // Variables not met above (missing, not enumerable, past the spare keys): looked up by name.
  if (unread > 0) {
    for (let slot = 0; slot < count; slot++) {
      if (((met >>> slot) & 1) === 1) continue;
      const name = names[slot];
      // Called through the variables, as 1.73.0 does, so a null prototype or an own
      // `hasOwnProperty` key throws exactly where it throws there.
      // biome-ignore lint/suspicious/noPrototypeBuiltins: the lookup itself is the compatible behaviour
      if (variables.hasOwnProperty(name)) readValue(variables[name], slot, tags, numbers, slot > 31 || ((numberSlots >>> slot) & 1) === 1);
      else tags[slot] = MISSING;
    }
  }
  // The `user` operand reads `_vwoUserId` as a plain property, inherited ones included.
  if (table.readsUserId) into.userId = variables._vwoUserId;
  return into;
}

// The readings' arrays are passed rather than read from them per variable: optimised code
// reloads and re-checks an object's fields after every call it cannot see into.
// `numbered`: whether a condition reads the slot's number; a text's is parsed only then.
function readValue(value: unknown, slot: number, tags: Reading[], numbers: number[], numbered: boolean): void {
  if (typeof value === 'string') {
    tags[slot] = value;
    if (numbered) numbers[slot] = parseNumber(value);
  } else if (typeof value === 'number') {
    // parseFloat(String(x)) is x for every number but -0, which reads as 0: neither normalises.
    tags[slot] = numberText(value);
    numbers[slot] = value;
  } else if (typeof value === 'boolean') {
    // tagOf's `String(value)` without the call; neither text starts a number.
    tags[slot] = value ? 'true' : 'false';
    numbers[slot] = Number.NaN;
  } else {
    const tag = tagOf(value);
    if (typeof tag === 'string') {
      tags[slot] = tag;
      if (numbered) numbers[slot] = parseNumber(tag);
    } else {
      // parseFloat(null) is NaN; for any other tag the number is not read.
      tags[slot] = tag === null ? null : new OtherTag(tag);
      numbers[slot] = Number.NaN;
    }
  }
}

/** Integers below this have their text kept in {@link SMALL_INTEGER_TEXTS}. */
const SMALL_INTEGERS = 1024;
/** `String(n)` of the small integers met so far, filled as they are met. */
const SMALL_INTEGER_TEXTS: Array<string | undefined> = new Array(SMALL_INTEGERS).fill(undefined);

/**
 * `String(value)`. Numeric variables are mostly small integers (an age, a count of visits),
 * whose texts are kept in a table: a load instead of the builtin call and V8's number-string
 * cache look-up (~150 instructions). `-0` reads as "0" in both.
 */
function numberText(value: number): string {
  // 1024 is SMALL_INTEGERS, spelt out: a bundler makes the constant a variable, loaded and checked per call.
  if (value >= 0 && value < 1024 && (value | 0) === value) {
    let text = SMALL_INTEGER_TEXTS[value];
    if (text === undefined) {
      text = String(value);
      SMALL_INTEGER_TEXTS[value] = text;
    }
    return text;
  }
  return String(value);
}
