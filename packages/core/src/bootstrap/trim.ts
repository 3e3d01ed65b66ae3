/**
 * Trimming a settings file to the campaigns a page decides, without changing any answer for
 * them: a campaign in a mutually exclusive group is decided against every campaign of its
 * group, so a kept campaign keeps its whole group (the proof: test/bootstrap.trim.test.ts).
 */

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The settings file with only the campaigns keyed in `campaignKeys` and the other campaigns of
 * their groups; everything else (account, flags, groups) as found. Campaigns that are not
 * objects, or whose key is not listed, go. Answers for the kept campaigns are unchanged; other
 * campaigns are unknown to a client started from it (`track` with a global goal reaches only
 * the kept ones).
 */
export function trimSettings(file: Readonly<Record<string, unknown>>, campaignKeys: readonly string[]): Readonly<Record<string, unknown>> {
  const campaigns = Array.isArray(file.campaigns) ? (file.campaigns as unknown[]) : [];
  const wanted = new Set(campaignKeys);
  const campaignGroups = isObject(file.campaignGroups) ? file.campaignGroups : {};
  const groupOf = (campaign: JsonObject): unknown => campaignGroups[String(campaign.id)];
  const keptGroups = new Set<unknown>();
  for (const campaign of campaigns) {
    if (isObject(campaign) && wanted.has(campaign.key as string) && groupOf(campaign) !== undefined)
      keptGroups.add(String(groupOf(campaign)));
  }
  const groupMembers = new Set<string>();
  const groups = isObject(file.groups) ? file.groups : {};
  for (const id of keptGroups) {
    const group = groups[id as string];
    if (isObject(group) && Array.isArray(group.campaigns)) for (const member of group.campaigns) groupMembers.add(String(member));
  }
  const kept = campaigns.filter(
    (campaign) =>
      isObject(campaign) &&
      (wanted.has(campaign.key as string) ||
        (groupOf(campaign) !== undefined && keptGroups.has(String(groupOf(campaign)))) ||
        groupMembers.has(String(campaign.id))),
  );
  return { ...file, campaigns: kept };
}
