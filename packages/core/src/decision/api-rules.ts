import type { Campaign } from '../settings/model.js';
import type { Decision } from './types.js';

/** The public decision APIs, by the names 1.73.0 uses. */
export type DecisionApi = 'activate' | 'getVariationName' | 'isFeatureEnabled' | 'getFeatureVariableValue' | 'track';

/** The decision APIs that answer for one campaign, which `explain` can explain. */
export type CampaignApi = Exclude<DecisionApi, 'track'>;

/** Why an API answers `null`/`false` before anything is decided. */
export type ApiGateOutcome = 'bandit-without-storage' | 'campaign-not-found' | 'campaign-not-running' | 'campaign-type-not-served';

/** A rule that stops an API call before the decision (decision-flow.md §3), with the reason in words. */
export interface ApiGate {
  /** Which check stopped the call. */
  readonly outcome: ApiGateOutcome;
  /** `campaign "K" is not running`, `K is a multi-armed bandit campaign and needs a user storage`, … */
  readonly detail: string;
}

/**
 * The campaign checks of `activate`, `getVariationName`, `isFeatureEnabled` and
 * `getFeatureVariableValue`, in 1.73.0's order (decision-flow.md §3): the bandit check, then
 * the campaign and its status, then the API/campaign-type matrix. `undefined` when the call
 * goes on to the decision.
 */
export function apiGate(api: CampaignApi, campaignKey: string, campaign: Campaign | undefined, hasStorage: boolean): ApiGate | undefined {
  // 1.73.0 serves a bandit only with a storage, and checks it before the status; the other two
  // APIs have no such check, so getVariationName answers where activate does not.
  if (campaign?.isMAB && !hasStorage && (api === 'activate' || api === 'isFeatureEnabled')) {
    return { outcome: 'bandit-without-storage', detail: `${campaign.key} is a multi-armed bandit campaign and needs a user storage` };
  }
  if (!campaign) return { outcome: 'campaign-not-found', detail: `campaign ${JSON.stringify(campaignKey)} is not in the settings` };
  if (!campaign.isRunning) return { outcome: 'campaign-not-running', detail: `campaign ${JSON.stringify(campaignKey)} is not running` };
  if (!apiAcceptsCampaign(api, campaign)) {
    return {
      outcome: 'campaign-type-not-served',
      detail: `campaign ${campaign.key} is of type ${campaign.type}, which ${api} does not serve`,
    };
  }
  return undefined;
}

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
