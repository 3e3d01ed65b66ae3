import type { ApiOptions, FmeClient, Logger } from '@vwo/core';
import { type ContextLike, userFromContext } from './context.js';
import { fmeContextOf } from './fme/context.js';
import { type AnyVWOClient, isFmeClient } from './options.js';
import { isFailure } from './resolution.js';

/** OpenFeature's tracking details without either SDK: `value` plus any attributes. */
export type TrackingDetailsLike = Readonly<Record<string, unknown>> & { readonly value?: number };

/**
 * OpenFeature `track` → VWO `track` of the goal `eventName` in every campaign that has it:
 * `details.value` is the revenue, the other details are event properties, the context is the
 * user as in evaluations. With an FME client: `trackEvent(eventName, context, details)`, every
 * detail (`value` included) an event property. Fire and forget (OpenFeature's `track` returns
 * nothing); the client never rejects and logs its own problems.
 */
export function trackGoal(
  client: AnyVWOClient | undefined,
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
  if (isFmeClient(client)) {
    trackFmeEvent(client, log, eventName, context, details, targetingAttribute);
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

function trackFmeEvent(
  client: FmeClient,
  log: Logger,
  eventName: string,
  context: ContextLike | undefined,
  details: TrackingDetailsLike | undefined,
  targetingAttribute: string,
): void {
  const user = fmeContextOf(context, targetingAttribute);
  if (isFailure(user)) {
    log.error(`OpenFeature track(${JSON.stringify(eventName)}): not tracked, ${user.errorMessage}`);
    return;
  }
  void client.trackEvent(eventName, user, { ...details });
}
