import type { Campaign } from '../settings/model.js';
import type { Decision } from './types.js';

/** The public decision APIs, by the names 1.73.0 uses. */
export type DecisionApi = 'activate' | 'getVariationName' | 'isFeatureEnabled' | 'getFeatureVariableValue' | 'track';

/**
 * The API/campaign-type matrix of decision-flow.md §3: `activate` only for `VISUAL_AB`,
 * `getVariationName` and `track` for anything but rollouts, the feature APIs for anything but
 * `VISUAL_AB` (unknown type strings included).
 */
export function apiAcceptsCampaign(api: DecisionApi, campaign: Campaign): boolean {
  switch (api) {
    case 'activate':
      return campaign.type === 'VISUAL_AB';
    case 'getVariationName':
    case 'track':
      return campaign.type !== 'FEATURE_ROLLOUT';
    default:
      return campaign.type !== 'VISUAL_AB';
  }
}

/** Whether the decision buckets users without a stored record (`isTrackUser` in 1.73.0). */
export function bucketsUnstoredUsers(api: DecisionApi): boolean {
  return api === 'activate' || api === 'isFeatureEnabled';
}

/**
 * `isFeatureEnabled` for a decision of the called campaign: a rollout is on for everyone in
 * it; otherwise the variation's own flag.
 */
export function featureEnabled(called: Campaign, decision: Decision): boolean {
  if (decision.variationName === null) return false;
  return called.type === 'FEATURE_ROLLOUT' || decision.variation?.isFeatureEnabled === true;
}
