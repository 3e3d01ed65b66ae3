/**
 * What the FME SDK answered, counted on the application side: the impressions `getFlag` reported
 * through the integrations callback (one per rollout and one per experiment it decided), and the
 * `trackEvent` calls it accepted, credited to the variation each user was last served in every
 * rule of the features that list the metric. The report compares this with the collector.
 */

/** A rule of the demo's FME settings, as the application knows it. */
export interface RuleRef {
  readonly featureKey: string;
  readonly ruleKey: string;
  readonly campaignId: number;
  /** Rollout and personalise rules serve one variation; null: every variation of the campaign. */
  readonly variationId: number | null;
}

export interface FmeVariationTally {
  /** Distinct users the SDK reported an impression of this variation for. */
  readonly users: Set<string>;
  impressions: number;
  /** Accepted `trackEvent` calls per metric, credited to this variation. */
  readonly conversions: Record<string, number>;
  readonly revenue: Record<string, number>;
}

export interface FmeTally {
  /** `"<featureKey>|<ruleKey>|<variationId>"` → counts. */
  readonly variations: Map<string, FmeVariationTally>;
  /** Accepted `trackEvent` calls per metric. */
  readonly metrics: Map<string, number>;
  /** User id → campaign id → the variation last served. */
  readonly latest: Map<string, Map<number, number>>;
}

export function createFmeTally(): FmeTally {
  return { variations: new Map(), metrics: new Map(), latest: new Map() };
}

export const variationKey = (featureKey: string, ruleKey: string, variationId: number): string => `${featureKey}|${ruleKey}|${variationId}`;

function cell(tally: FmeTally, rule: RuleRef, variationId: number): FmeVariationTally {
  const key = variationKey(rule.featureKey, rule.ruleKey, variationId);
  let entry = tally.variations.get(key);
  if (!entry) {
    entry = { users: new Set(), impressions: 0, conversions: {}, revenue: {} };
    tally.variations.set(key, entry);
  }
  return entry;
}

/** The rules the shipped file links to a campaign, and those of the features listing each metric. */
export interface RuleLookup {
  readonly byCampaign: ReadonlyMap<number, readonly RuleRef[]>;
  readonly byMetric: ReadonlyMap<string, readonly RuleRef[]>;
}

/** `getFlag` sent an impression of `(campaignId, variationId)` for this user. */
export function countFmeImpression(tally: FmeTally, rules: RuleLookup, userId: string, campaignId: number, variationId: number): void {
  let served = tally.latest.get(userId);
  if (!served) {
    served = new Map();
    tally.latest.set(userId, served);
  }
  served.set(campaignId, variationId);
  for (const rule of rules.byCampaign.get(campaignId) ?? []) {
    if (rule.variationId !== null && rule.variationId !== variationId) continue;
    const entry = cell(tally, rule, variationId);
    entry.impressions += 1;
    entry.users.add(userId);
  }
}

/** `trackEvent` answered `{ [metric]: true }` for this user. */
export function countFmeConversion(tally: FmeTally, rules: RuleLookup, userId: string, metric: string, revenue?: number): void {
  tally.metrics.set(metric, (tally.metrics.get(metric) ?? 0) + 1);
  const served = tally.latest.get(userId);
  for (const rule of rules.byMetric.get(metric) ?? []) {
    const variationId = served?.get(rule.campaignId);
    if (variationId === undefined || (rule.variationId !== null && rule.variationId !== variationId)) continue;
    const entry = cell(tally, rule, variationId);
    entry.conversions[metric] = (entry.conversions[metric] ?? 0) + 1;
    if (revenue !== undefined) entry.revenue[metric] = Math.round(((entry.revenue[metric] ?? 0) + revenue) * 100) / 100;
  }
}
