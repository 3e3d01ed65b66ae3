import type { ApiOptions, Logger, VWOClient } from '@vwo/core';
import { type ContextLike, userFromContext } from './context.js';
import { isFailure } from './resolution.js';

/** OpenFeature's tracking details without either SDK: `value` plus any attributes. */
export type TrackingDetailsLike = Readonly<Record<string, unknown>> & { readonly value?: number };

/**
 * OpenFeature `track` → VWO `track` of the goal `eventName` in every campaign that has it:
 * `details.value` is the revenue, the other details are event properties, the context is the
 * user as in evaluations. Fire and forget (OpenFeature's `track` returns nothing); the client
 * never rejects and logs its own problems.
 */
export function trackGoal(
  client: VWOClient | undefined,
  log: Logger,
  unavailable: string,
  eventName: string,
  context: ContextLike | undefined,
  details: TrackingDetailsLike | undefined,
  targetingAttribute: string,
): void {
  if (!client) {
    log.error(`OpenFeature track(${JSON.stringify(eventName)}): not tracked, ${unavailable}`);
    return;
  }
  const user = userFromContext(context, targetingAttribute);
  if (isFailure(user)) {
    log.error(`OpenFeature track(${JSON.stringify(eventName)}): not tracked, ${user.errorMessage}`);
    return;
  }
  const { value, ...eventProperties } = details ?? {};
  const options: ApiOptions = {
    ...user.options,
    ...(value === undefined ? {} : { revenueValue: value }),
    ...(Object.keys(eventProperties).length === 0 ? {} : { eventProperties }),
  };
  void client.track(null, user.userId, eventName, options);
}
