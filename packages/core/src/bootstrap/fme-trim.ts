/**
 * Trimming an FME settings file to the features a page decides, without changing any answer for
 * them. A feature's decision reads more than its own rules: a rule in a mutually exclusive group
 * is decided against every feature with a campaign in that group (their rollouts included, and
 * their own groups in turn), and a `featureId` segment node reads another feature's stored
 * decision by its id. The kept set is closed under both (the proof:
 * test/bootstrap.fme-trim.test.ts, every answer of the whole and the trimmed file compared).
 */
import { fmeFeatureIdsIn } from '../fme/decision/storage-keys.js';
import type { FmeFeature, FmeSettings } from '../fme/settings/model.js';

type JsonObject = Readonly<Record<string, unknown>>;

/**
 * The features `featureKeys` need, closed under groups and `featureId` references, as indexes
 * into `settings.features` (the file's feature list, in order).
 */
function neededFeatures(settings: FmeSettings, featureKeys: readonly string[]): Set<number> {
  const { features } = settings;
  const wanted = new Set(featureKeys);
  const pending = features.flatMap((feature, index) => (wanted.has(feature.key) ? [index] : []));
  const kept = new Set<number>();
  const seenGroups = new Set<string>();
  const withCampaignIn = (campaignIds: ReadonlySet<string>) =>
    features.flatMap((feature, index) => (feature.ruleRefs.some((ref) => campaignIds.has(String(ref.campaignId))) ? [index] : []));
  while (pending.length > 0) {
    const index = pending.pop() as number;
    if (kept.has(index)) continue;
    kept.add(index);
    const feature = features[index] as FmeFeature;
    for (const ref of feature.ruleRefs) {
      for (const groupId of groupsOf(settings, String(ref.campaignId))) {
        if (seenGroups.has(groupId)) continue;
        seenGroups.add(groupId);
        pending.push(...withCampaignIn(groupMembers(settings, groupId)));
      }
      for (const campaign of settings.campaigns) {
        if (String(campaign.id) !== String(ref.campaignId)) continue;
        const referenced = new Set(fmeFeatureIdsIn(campaign).map(String));
        features.forEach((candidate, candidateIndex) => {
          if (referenced.has(String(candidate.id))) pending.push(candidateIndex);
        });
      }
    }
  }
  return kept;
}

/** Every group a campaign is mapped to, by its id or as a personalise `<id>_<variationId>` entry. */
function groupsOf(settings: FmeSettings, campaignId: string): string[] {
  const groups: string[] = [];
  for (const [ref, groupId] of Object.entries(settings.campaignGroups)) {
    if (ref === campaignId || ref.startsWith(`${campaignId}_`)) groups.push(String(groupId));
  }
  return groups;
}

/** The campaign ids a group lists (`"<id>"` or `"<id>_<variationId>"` entries). */
function groupMembers(settings: FmeSettings, groupId: string): Set<string> {
  const group = settings.groups[groupId];
  const entries = typeof group === 'object' && group !== null && !Array.isArray(group) ? (group as JsonObject).campaigns : undefined;
  if (!Array.isArray(entries)) return new Set();
  return new Set(entries.filter((entry): entry is string => typeof entry === 'string').map((entry) => String(Number(entry.split('_')[0]))));
}

/**
 * The FME settings file with only the features keyed in `featureKeys`, the features their
 * decisions read (the other features of their groups, transitively, and those named by
 * `featureId` segments), and the campaigns of those features' rules (with every campaign sharing
 * a kept campaign's key, where a stored decision is looked up); groups and everything else as
 * found. `settings` must be the model parsed from `file`: it indexes the file's lists in order.
 *
 * Answers of `getFlag` for the kept features are unchanged, for any context and any stored
 * decision the page's own client wrote. Differences, by design: other features are unknown
 * (`getFlag` answers them as missing, `trackEvent` refuses their metrics), and a stored decision
 * naming a campaign that no kept feature uses any more is not found.
 */
export function trimFmeSettings(settings: FmeSettings, file: JsonObject, featureKeys: readonly string[]): JsonObject {
  const keptFeatures = neededFeatures(settings, featureKeys);
  const campaignIds = new Set<string>();
  for (const index of keptFeatures)
    for (const ref of (settings.features[index] as FmeFeature).ruleRefs) campaignIds.add(String(ref.campaignId));
  const campaignKeys = new Set(
    settings.campaigns.filter((campaign) => campaignIds.has(String(campaign.id))).map((campaign) => campaign.key),
  );
  const keptCampaigns = new Set<number>();
  settings.campaigns.forEach((campaign, index) => {
    if (campaignIds.has(String(campaign.id)) || campaignKeys.has(campaign.key)) keptCampaigns.add(index);
  });
  return {
    ...file,
    ...filteredList(file, 'f', 'features', keptFeatures),
    ...filteredList(file, 'c', 'campaigns', keptCampaigns),
  };
}

/**
 * The list the parser read (the short key when truthy, as 1.35.0's older minified format; else
 * the long one) with only the kept indexes; nothing when that list is not an array.
 */
function filteredList(file: JsonObject, short: string, long: string, kept: ReadonlySet<number>): JsonObject {
  const key = file[short] ? short : long;
  const list = file[key];
  if (!Array.isArray(list)) return {};
  return { [key]: list.filter((_, index) => kept.has(index)) };
}
