import type { Campaign, Goal, Settings } from '../settings/model.js';

/** Which goal types `track` counts: `goalTypeToTrack` of the call, else of the launch, else `ALL`. */
export type GoalTypeToTrack = 'REVENUE_TRACKING' | 'CUSTOM_GOAL' | 'ALL';

/**
 * The goal of a campaign for an identifier, looked up through the campaign's key as 1.73.0
 * does (a duplicate key sees the first campaign's goals).
 */
export function goalOf(settings: Settings, campaign: Campaign, goalIdentifier: string): Goal | undefined {
  if (!campaign.key || !goalIdentifier) return undefined;
  return settings.campaignsByKey.get(campaign.key)?.goalsByIdentifier.get(goalIdentifier);
}

/**
 * The campaigns a global goal (`track(null, …)`) reaches: every campaign, in settings order,
 * with a goal of this identifier whose type matches `goalTypeToTrack`. Paused campaigns and
 * rollouts are included; `track` answers `false` for them (decision-flow.md §7).
 */
export function campaignsForGoal(settings: Settings, goalIdentifier: string, goalTypeToTrack: GoalTypeToTrack = 'ALL'): Campaign[] {
  const candidates = settings.campaignsByGoal.get(goalIdentifier);
  if (!candidates) return [];
  if (goalTypeToTrack === 'ALL') return candidates.slice();
  return candidates.filter((campaign) => goalOf(settings, campaign, goalIdentifier)?.type === goalTypeToTrack);
}
