import type { Decision } from '../decision/types.js';
import { SDK_VERSION } from '../events/types.js';
import type { Campaign } from '../settings/model.js';
import { errorMessage } from '../util/types.js';
import type { SafeLogger } from './logger.js';
import type { ApiOptions, DecisionProperties } from './types.js';

export type CallbackSource = DecisionProperties['source'];

/**
 * Calls `integrations.callback` as 1.73.0 does (decision-flow.md §14): once per decision that
 * was whitelisted, stored or freshly allocated, with the keys in 1.73.0's order. A callback
 * that throws is logged and ignored.
 */
export function notifyDecision(
  callback: ((properties: DecisionProperties) => void) | undefined,
  log: SafeLogger,
  called: Campaign,
  decision: Decision,
  context: { userId: string; vwoUserId: string; source: CallbackSource; options: ApiOptions; goalIdentifier?: string },
): void {
  if (!callback || !decision.notifies) return;
  const outcome = decision.outcome;
  const named = decision.variationName !== null;
  const properties: Record<string, unknown> = {
    fromUserStorageService: outcome === 'stored',
    isUserWhitelisted: outcome === 'whitelisted' && named,
  };
  if (called.type === 'FEATURE_ROLLOUT') {
    properties.isFeatureEnabled = named;
  } else {
    properties.variationName = decision.variation?.name;
    properties.variationId = decision.variation?.id;
  }
  Object.assign(properties, {
    campaignId: called.id,
    campaignKey: called.key,
    campaignType: called.type,
    campaignName: called.name,
    customVariables: context.options.customVariables,
    event: 'CAMPAIGN_DECISION',
    goalIdentifier: context.goalIdentifier,
    isForcedVariationEnabled: called.raw.isForcedVariationEnabled,
    sdkVersion: SDK_VERSION,
    source: context.source,
    userId: context.userId,
    variationTargetingVariables: context.options.variationTargetingVariables ?? {},
    vwoUserId: context.vwoUserId,
  });
  const group = called.membership?.group;
  if (group) {
    properties.groupId = group.id;
    properties.groupName = group.name;
  }
  try {
    callback(properties as unknown as DecisionProperties);
  } catch (error) {
    log.error(`integrations.callback threw: ${errorMessage(error)}`);
  }
}
