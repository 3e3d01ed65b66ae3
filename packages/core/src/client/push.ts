/** `push` (decision-flow.md §11): one tag or a map of custom dimensions. */
import { pushEvent, toBatchRequest, toEventArchRequest, toGetRequest, visitorPropsEvent } from '../events/index.js';
import { SPEED_PATHS } from '../util/speed-paths.js';
import { isPlainObject } from '../util/types.js';
import { type ClientCore, sentAtOf } from './core.js';
import { checkString, describe } from './params.js';

const MAX_LENGTH = 255;
/** 1.73.0 marks "no single tag" with a one-space key and value. */
const NO_TAG = ' ';

/** The custom dimensions of accepted `push` arguments, read by their count as 1.73.0 does. */
function pushDimensions(args: readonly unknown[]): { dimensions: Record<string, unknown>; userId: string } {
  const single = args.length === 3;
  const map = (single ? {} : args[0]) as Record<string, unknown>;
  const tagKey = (single ? args[0] : NO_TAG) as string;
  const tagValue = (single ? args[1] : NO_TAG) as string;
  const dimensions = { ...map };
  if (tagKey !== NO_TAG && tagValue !== NO_TAG) dimensions[tagKey] = tagValue;
  return { dimensions, userId: args[single ? 2 : 1] as string };
}

/** What is wrong with `push`'s arguments (1.73.0's checks, in its order), or `undefined`. */
export function pushArgumentsProblem(args: readonly unknown[]): string | undefined {
  const count = args.length;
  if (count !== 2 && count !== 3) return `push takes (tagKey, tagValue, userId) or (customDimensionMap, userId), got ${count} arguments`;
  const single = count === 3;
  const tagKey = single ? args[0] : NO_TAG;
  const tagValue = single ? args[1] : NO_TAG;
  const userId = single ? args[2] : args[1];
  // The three-argument form's map is a fresh `{}` in 1.73.0: a plain object without keys.
  const map = single ? NO_DIMENSIONS : args[0];
  const problem = checkString('tagKey', tagKey) ?? checkString('tagValue', tagValue) ?? checkString('userId', userId);
  if (problem !== undefined) return problem;
  // That map is plain by construction: the check (`Object.prototype.toString`) is for a caller's.
  if (!single && !isPlainObject(map)) return `customDimensionMap must be an object, got ${describe(map)}`;
  if ((tagKey as string).length > MAX_LENGTH) return `tagKey is longer than ${MAX_LENGTH} characters`;
  if ((tagValue as string).length > MAX_LENGTH) return `tagValue is longer than ${MAX_LENGTH} characters`;
  if (tagKey === NO_TAG && tagValue === NO_TAG && Object.keys(map as object).length === 0) return 'customDimensionMap is empty';
  return undefined;
}

const NO_DIMENSIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * `push` with arguments {@link pushArgumentsProblem} accepted. The common call, one tag sent as
 * its own GET, goes straight to its record: the map 1.73.0 builds for it (`{ [tagKey]: tagValue }`)
 * would hold that one key, so the request and the answer are the same without it. A `__proto__`
 * key sets no key on such a map (so nothing is sent for it), and takes the general path.
 */
export function runPushCall(core: ClientCore, args: readonly unknown[]): Record<string, boolean> {
  if (SPEED_PATHS && args.length === 3) {
    const tagKey = args[0] as string;
    const tagValue = args[1] as string;
    if (
      tagKey !== NO_TAG &&
      tagValue !== NO_TAG &&
      tagKey !== '__proto__' &&
      !core.delivery.batching &&
      !core.settings.isEventArchEnabled
    ) {
      const ctx = core.eventContext;
      const result: Record<string, boolean> = {};
      result[tagKey] = true;
      const record = pushEvent(ctx, tagKey, tagValue, args[2] as string);
      core.delivery.send(toGetRequest(ctx, record), 1, sentAtOf(ctx, record.time));
      return result;
    }
  }
  const read = pushDimensions(args);
  return runPush(core, read.dimensions, read.userId);
}

export function runPush(core: ClientCore, dimensions: Record<string, unknown>, userId: string): Record<string, boolean> {
  const ctx = core.eventContext;
  const keys = Object.keys(dimensions);
  const result: Record<string, boolean> = {};
  if (core.delivery.batching) {
    for (const key of keys) {
      core.delivery.enqueue(pushEvent(ctx, key, dimensions[key], userId));
      result[key] = true;
    }
    return result;
  }
  if (core.settings.isEventArchEnabled) {
    core.delivery.send(toEventArchRequest(ctx, visitorPropsEvent(ctx, dimensions, userId)), 1);
    return { success: true };
  }
  // One key → a GET; several (or, as in 1.73.0, none) → one batch POST.
  if (keys.length === 1) {
    const key = keys[0] as string;
    result[key] = true;
    const record = pushEvent(ctx, key, dimensions[key], userId);
    core.delivery.send(toGetRequest(ctx, record), 1, sentAtOf(ctx, record.time));
    return result;
  }
  const records = keys.map((key) => pushEvent(ctx, key, dimensions[key], userId));
  for (const key of keys) result[key] = true;
  core.delivery.send(toBatchRequest(ctx, records), records.length);
  return result;
}
