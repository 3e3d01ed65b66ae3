/** `push` (decision-flow.md §11): one tag or a map of custom dimensions. */
import { pushEvent, toBatchRequest, toEventArchRequest, toGetRequest, visitorPropsEvent } from '../events/index.js';
import { isNonEmptyString, isPlainObject } from '../util/types.js';
import type { ClientCore } from './core.js';
import { describe } from './params.js';

const MAX_LENGTH = 255;
/** 1.73.0 marks "no single tag" with a one-space key and value. */
const NO_TAG = ' ';

/** The arguments of `push`, read by their count as 1.73.0 does, or the problem with them. */
export function readPushArguments(args: readonly unknown[]): { dimensions: Record<string, unknown>; userId: string } | { problem: string } {
  let tagKey: unknown;
  let tagValue: unknown;
  let userId: unknown;
  let map: unknown;
  if (args.length === 2) {
    [map, userId] = args;
    tagKey = NO_TAG;
    tagValue = NO_TAG;
  } else if (args.length === 3) {
    [tagKey, tagValue, userId] = args;
    map = {};
  } else {
    return { problem: `push takes (tagKey, tagValue, userId) or (customDimensionMap, userId), got ${args.length} arguments` };
  }
  if (!isNonEmptyString(tagKey)) return { problem: `tagKey must be a non-empty string, got ${describe(tagKey)}` };
  if (!isNonEmptyString(tagValue)) return { problem: `tagValue must be a non-empty string, got ${describe(tagValue)}` };
  if (!isNonEmptyString(userId)) return { problem: `userId must be a non-empty string, got ${describe(userId)}` };
  if (!isPlainObject(map)) return { problem: `customDimensionMap must be an object, got ${describe(map)}` };
  if (tagKey.length > MAX_LENGTH) return { problem: `tagKey is longer than ${MAX_LENGTH} characters` };
  if (tagValue.length > MAX_LENGTH) return { problem: `tagValue is longer than ${MAX_LENGTH} characters` };
  if (tagKey === NO_TAG && tagValue === NO_TAG && Object.keys(map).length === 0) return { problem: 'customDimensionMap is empty' };
  const dimensions = { ...map };
  if (tagKey !== NO_TAG && tagValue !== NO_TAG) dimensions[tagKey] = tagValue;
  return { dimensions, userId };
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
    core.delivery.send(toGetRequest(ctx, pushEvent(ctx, key, dimensions[key], userId)), 1);
    return result;
  }
  const records = keys.map((key) => pushEvent(ctx, key, dimensions[key], userId));
  for (const key of keys) result[key] = true;
  core.delivery.send(toBatchRequest(ctx, records), records.length);
  return result;
}
