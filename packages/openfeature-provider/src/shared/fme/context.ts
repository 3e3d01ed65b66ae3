/**
 * An OpenFeature evaluation context → an FME user context: `targetingKey` is `id`; `userAgent`
 * and `ipAddress` (strings) are the context's own fields, which FME's user-agent and location
 * segments read and its events carry; the attribute named by `targetingAttribute` (an object)
 * is `variationTargetingVariables` (whitelisting of A/B rules); every other attribute is a
 * custom variable (pre-segmentation).
 */
import type { FmeUserContext } from '@vwo/core';
import { type ContextLike, contextParts } from '../context.js';
import type { Failure } from '../resolution.js';

export function fmeContextOf(context: ContextLike | undefined, targetingAttribute: string): FmeUserContext | Failure {
  const parts = contextParts(context, targetingAttribute);
  if ('errorCode' in parts) return parts;
  const { userAgent, ipAddress, ...customVariables } = parts.attributes;
  for (const [name, value] of [
    ['userAgent', userAgent],
    ['ipAddress', ipAddress],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') {
      return { errorCode: 'PARSE_ERROR', errorMessage: `the context attribute ${name} must be a string` };
    }
  }
  return {
    id: parts.userId,
    customVariables,
    ...(parts.targeting === undefined ? {} : { variationTargetingVariables: parts.targeting }),
    ...(userAgent === undefined ? {} : { userAgent: userAgent as string }),
    ...(ipAddress === undefined ? {} : { ipAddress: ipAddress as string }),
  };
}
