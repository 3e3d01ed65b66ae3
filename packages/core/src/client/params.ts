/**
 * Parameter rules of 1.73.0 (decision-flow.md §2): strings must be non-empty, option objects
 * plain, `options` itself a plain object or absent. Each failure returns the name of the bad
 * argument, for one clear log line.
 */
import { isNonEmptyString, isPlainObject } from '../util/types.js';
import type { ApiOptions } from './types.js';

const GOAL_TYPES = new Set(['REVENUE_TRACKING', 'CUSTOM_GOAL', 'ALL']);

export type ParamCheck = string | undefined;

export function checkString(name: string, value: unknown): ParamCheck {
  return isNonEmptyString(value) ? undefined : `${name} must be a non-empty string, got ${describe(value)}`;
}

const NO_OPTIONS: ApiOptions = Object.freeze({});

/** The options of a call whose `options` passed {@link checkOptions}: `{}` for `undefined`. */
export function checkedOptions(options: unknown): ApiOptions {
  return options === undefined ? NO_OPTIONS : (options as ApiOptions);
}

/** Validates `options` (absent, or a plain object of valid options); the problem found, if any. */
export function checkOptions(options: unknown, rules: { shouldTrackReturningUser?: boolean; goalTypeToTrack?: boolean }): ParamCheck {
  if (options === undefined) return undefined;
  if (!isPlainObject(options)) return `options must be an object, got ${describe(options)}`;
  // Each option read by its own name: a loop over the names made every read a megamorphic keyed
  // load (~120 instructions each, ~2.5 % of an `activate` with customVariables).
  const problem =
    objectOption('customVariables', options.customVariables) ??
    objectOption('variationTargetingVariables', options.variationTargetingVariables) ??
    objectOption('userStorageData', options.userStorageData) ??
    objectOption('metaData', options.metaData);
  if (problem !== undefined) return problem;
  if (
    rules.shouldTrackReturningUser &&
    options.shouldTrackReturningUser !== undefined &&
    typeof options.shouldTrackReturningUser !== 'boolean'
  ) {
    return `options.shouldTrackReturningUser must be a boolean, got ${describe(options.shouldTrackReturningUser)}`;
  }
  if (rules.goalTypeToTrack && options.goalTypeToTrack !== undefined) {
    const goalType = options.goalTypeToTrack;
    if (!isNonEmptyString(goalType) || !GOAL_TYPES.has(goalType)) {
      return `options.goalTypeToTrack must be REVENUE_TRACKING, CUSTOM_GOAL or ALL, got ${describe(goalType)}`;
    }
  }
  return undefined;
}

/** An option that must be absent or a plain object: the problem, if any. */
function objectOption(name: string, value: unknown): ParamCheck {
  return value === undefined || isPlainObject(value) ? undefined : `options.${name} must be an object, got ${describe(value)}`;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value === '' ? 'an empty string' : JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
