/**
 * The decision APIs as 1.73.0 answers them, built from core's pure pieces only (the client of
 * issue 3 does the same with I/O around it). Used to compare `decide` with the reference.
 */
import { apiAcceptsCampaign, bucketsUnstoredUsers, type DecisionApi, decide, featureEnabled, type Settings } from '../../src/index.js';
import type { MapStorage } from './reference.js';

/** How often each outcome occurred, so that tests can prove they exercised every path. */
export const outcomes = new Map<string, number>();

export interface CallOptions {
  customVariables?: Record<string, unknown>;
  variationTargetingVariables?: Record<string, unknown>;
}

function run(settings: Settings, api: DecisionApi, key: string, userId: string, options: CallOptions, storage?: MapStorage) {
  const campaign = settings.campaignsByKey.get(key);
  if (!campaign?.isRunning || !apiAcceptsCampaign(api, campaign)) return undefined;
  if ((api === 'activate' || api === 'isFeatureEnabled') && campaign.isMAB && !storage) return undefined;
  const decision = decide(settings, campaign, userId, {
    customVariables: options.customVariables,
    variationTargetingVariables: options.variationTargetingVariables,
    isTrackUser: bucketsUnstoredUsers(api),
    storage: storage && {
      record: storage.get(userId, key),
      groupRecord: (memberKey) => storage.get(userId, memberKey),
    },
  });
  outcomes.set(decision.outcome, (outcomes.get(decision.outcome) ?? 0) + 1);
  if (decision.store && storage && decision.campaign) {
    storage.set({ userId, variationName: decision.variationName as string, campaignKey: decision.campaign.key } as never);
  }
  return { campaign, decision };
}

export function getVariationName(
  settings: Settings,
  key: string,
  userId: string,
  options: CallOptions = {},
  storage?: MapStorage,
): string | null {
  return run(settings, 'getVariationName', key, userId, options, storage)?.decision.variationName ?? null;
}

export function isFeatureEnabled(
  settings: Settings,
  key: string,
  userId: string,
  options: CallOptions = {},
  storage?: MapStorage,
): boolean {
  const result = run(settings, 'isFeatureEnabled', key, userId, options, storage);
  return result ? featureEnabled(result.campaign, result.decision) : false;
}
