/**
 * What the SDK answered, counted on the application side: who was shown which variation, and
 * which `track` calls it said it counted. The report compares it with what the collector
 * received, which proves that every decision and conversion was delivered.
 */
export interface VariationTally {
  /** Users whose API answer was this variation (counted once per user). */
  users: number;
  /** Impressions the SDK reported sending (integrations callback: a fresh or whitelisted decision of activate/isFeatureEnabled). */
  impressions: number;
  conversions: Record<string, number>;
  revenue: Record<string, number>;
}

export type Tally = Record<string, Record<string, VariationTally>>;

export function createTally(): Tally {
  return {};
}

function cell(tally: Tally, campaign: string, variation: string): VariationTally {
  tally[campaign] ??= {};
  const byVariation = tally[campaign];
  byVariation[variation] ??= { users: 0, impressions: 0, conversions: {}, revenue: {} };
  return byVariation[variation];
}

/** A user was shown a variation for the first time. */
export function countExposure(tally: Tally, campaign: string, variation: string): void {
  cell(tally, campaign, variation).users++;
}

/** The SDK decided afresh (or by whitelisting) in activate/isFeatureEnabled: it sends an impression. */
export function countImpression(tally: Tally, campaign: string, variation: string): void {
  cell(tally, campaign, variation).impressions++;
}

/** `track` answered true for this campaign. */
export function countConversion(tally: Tally, campaign: string, variation: string, goal: string, revenue?: number): void {
  const entry = cell(tally, campaign, variation);
  entry.conversions[goal] = (entry.conversions[goal] ?? 0) + 1;
  if (revenue !== undefined) entry.revenue[goal] = Math.round(((entry.revenue[goal] ?? 0) + revenue) * 100) / 100;
}
