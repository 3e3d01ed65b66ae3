import type { FmeCampaign, FmeFeature, FmeRule, FmeSettings } from '../settings/model.js';
import { FME_PERSONALIZE } from '../settings/parse.js';
import { MEG_STORAGE_PREFIX } from './decide.js';

/**
 * Every storage key `decideFlag(settings, featureKey, …)` may read for one user: the feature's
 * own record, the records of the groups its rules (and the group's other features' rollouts)
 * belong to, the records of those features, and the records named by `featureId` segment
 * nodes. A client reads these (in parallel, with its time-outs) before deciding, which keeps
 * the decision synchronous. A superset: some keys may go unread.
 *
 * @example
 * const keys = fmeStorageKeysFor(settings, 'checkout');
 * const records = new Map(await Promise.all(keys.map(async (key) => [key, await storage.get(key, userId)] as const)));
 * decideFlag(settings, 'checkout', context, (key) => records.get(key));
 */
export function fmeStorageKeysFor(settings: FmeSettings, featureKey: string): string[] {
  const keys = new Set<string>([featureKey]);
  const feature = settings.featuresByKey.get(featureKey);
  if (!feature) return [...keys];
  const seenGroups = new Set<string>();
  const pendingFeatures: FmeFeature[] = [feature];
  const seenFeatures = new Set<FmeFeature>();
  while (pendingFeatures.length > 0) {
    const current = pendingFeatures.pop() as FmeFeature;
    if (seenFeatures.has(current)) continue;
    seenFeatures.add(current);
    keys.add(current.key);
    for (const rule of current.rules) {
      const groupId = groupIdOf(settings, rule);
      if (groupId === undefined || seenGroups.has(groupId)) continue;
      seenGroups.add(groupId);
      keys.add(`${MEG_STORAGE_PREFIX}${groupId}`);
      for (const member of groupFeatures(settings, groupId)) pendingFeatures.push(member);
    }
  }
  for (const id of featureIdReferences(settings)) {
    const referenced = settings.features.find((candidate) => candidate.id === id);
    if (referenced) keys.add(referenced.key);
  }
  return [...keys];
}

function groupIdOf(settings: FmeSettings, rule: FmeRule): string | undefined {
  const ref = rule.type === FME_PERSONALIZE ? `${String(rule.id)}_${String(rule.variations[0]?.id)}` : String(rule.id);
  if (!Object.hasOwn(settings.campaignGroups, ref)) return undefined;
  const groupId = settings.campaignGroups[ref];
  return groupId ? String(groupId) : undefined;
}

function groupFeatures(settings: FmeSettings, groupId: string): FmeFeature[] {
  const entries = (settings.groups[groupId] as { campaigns?: unknown } | null | undefined)?.campaigns;
  if (!Array.isArray(entries)) return [];
  const campaignIds = new Set(
    entries.filter((entry): entry is string => typeof entry === 'string').map((entry) => Number(entry.split('_')[0])),
  );
  return settings.features.filter((candidate) => candidate.ruleRefs.some((ref) => campaignIds.has(ref.campaignId)));
}

const FEATURE_ID_NODE = /"featureId":\{"([^"]*)"/g;

function featureIdReferences(settings: FmeSettings): Set<number> {
  const ids = new Set<number>();
  for (const campaign of settings.campaigns) for (const id of fmeFeatureIdsIn(campaign)) ids.add(id);
  return ids;
}

/** The feature ids the `featureId` nodes of a campaign's segments (its own and its variations') name. */
export function fmeFeatureIdsIn(campaign: FmeCampaign): number[] {
  const text = JSON.stringify([campaign.segments, campaign.variations.map((variation) => variation.segments)]);
  // biome-ignore lint/correctness/useParseIntRadix: the evaluator reads ids as 1.35.0's radix-less parseInt does.
  return [...text.matchAll(FEATURE_ID_NODE)].map((match) => Number.parseInt(match[1] as string));
}
