/**
 * The browser build's parameter rules (tsup.config.ts takes it for `params.ts`): the same
 * arguments refused, in the same order, each named in its log line; the value is described by
 * the settings parser's `describeValue` instead of a second describer of its own.
 */
import { describeValue, isNonEmptyString, isPlainObject } from '../util/types.js';
import type { ApiOptions } from './types.js';

export type { ParamCheck } from './params.js';

export const describe = describeValue;

export function checkString(name: string, value: unknown): string | undefined {
  if (!isNonEmptyString(value)) return `${name}: expected a non-empty string, got ${describeValue(value)}`;
}

const NO_OPTIONS = { options: Object.freeze({}) as ApiOptions };

/** `options` (with `{}` for `undefined`), or the first bad option named. */
export function checkOptions(
  options: unknown,
  rules: { shouldTrackReturningUser?: boolean; goalTypeToTrack?: boolean },
): { options: ApiOptions } | { problem: string } {
  if (options === undefined) return NO_OPTIONS;
  const given = options as Record<string, unknown>;
  const bad = !isPlainObject(options)
    ? ''
    : ['customVariables', 'variationTargetingVariables', 'userStorageData', 'metaData', 'shouldTrackReturningUser', 'goalTypeToTrack'].find(
        (name, index) =>
          given[name] !== undefined &&
          (index < 4
            ? !isPlainObject(given[name])
            : index < 5
              ? rules.shouldTrackReturningUser && typeof given[name] !== 'boolean'
              : rules.goalTypeToTrack && !['REVENUE_TRACKING', 'CUSTOM_GOAL', 'ALL'].includes(given[name] as string)),
      );
  return bad === undefined
    ? { options: given }
    : { problem: `options${bad && '.'}${bad}: invalid, got ${describeValue(bad ? given[bad] : options)}` };
}
