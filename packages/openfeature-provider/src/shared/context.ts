/**
 * An OpenFeature evaluation context → a VWO user: `targetingKey` is the user id, the attribute
 * named by `targetingAttribute` (an object) is `variationTargetingVariables` (whitelisting), and
 * every other attribute is a custom variable (pre-segmentation).
 */
import type { ApiOptions } from '@vwo/core';
import type { Failure } from './resolution.js';

export interface VWOUser {
  readonly userId: string;
  readonly options: ApiOptions;
}

/** The context as both SDKs type it, without depending on either. */
export type ContextLike = Readonly<Record<string, unknown>> & { readonly targetingKey?: string };

export function userFromContext(context: ContextLike | undefined, targetingAttribute: string): VWOUser | Failure {
  const parts = contextParts(context, targetingAttribute);
  if ('errorCode' in parts) return parts;
  const { userId, targeting, attributes: customVariables } = parts;
  return {
    userId,
    options: targeting === undefined ? { customVariables } : { customVariables, variationTargetingVariables: targeting },
  };
}

/** A context's user id, its targeting attribute (an object) and every other attribute; both providers and both APIs start here. */
export function contextParts(
  context: ContextLike | undefined,
  targetingAttribute: string,
): { userId: string; targeting: Record<string, unknown> | undefined; attributes: Record<string, unknown> } | Failure {
  const { targetingKey, [targetingAttribute]: targeting, ...attributes } = context ?? {};
  if (typeof targetingKey !== 'string' || targetingKey === '') {
    return { errorCode: 'TARGETING_KEY_MISSING', errorMessage: 'the evaluation context needs a targetingKey: the VWO user id' };
  }
  if (targeting !== undefined && !isPlainObject(targeting)) {
    return {
      errorCode: 'PARSE_ERROR',
      errorMessage: `the context attribute ${JSON.stringify(targetingAttribute)} must be an object of variation targeting variables`,
    };
  }
  return { userId: targetingKey, targeting, attributes };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
