import { bucketValue } from '../bucketing/bucket.js';
import { allocateRanges, findRange } from '../bucketing/ranges.js';
import type { SegmentVariables } from '../segments/types.js';
import type { Campaign, Variation } from '../settings/model.js';

/**
 * The variation whitelisting forces for this user, or `undefined` (bucketing.md §7). Several
 * matches are rescaled to 100 and bucketed with the campaign seed and multiplier 1.
 */
export function whitelistedVariation(campaign: Campaign, userId: string, targeting: SegmentVariables): Variation | undefined {
  const candidates = campaign.whitelistable;
  if (candidates.length === 0) return undefined;
  let first: Variation | undefined;
  let matches: Variation[] | undefined;
  for (const variation of candidates) {
    if (!variation.whitelist?.(targeting)) continue;
    if (first === undefined) first = variation;
    else if (matches === undefined) matches = [first, variation];
    else matches.push(variation);
  }
  if (matches === undefined) return first;
  const ranges = allocateRanges(rescaledWeights(matches));
  const index = findRange(ranges, bucketValue(campaign.seedPrefix + userId));
  return index < 0 ? undefined : matches[index];
}

/**
 * 1.73.0 sums the weights with `+`, so numeric strings concatenate; the odd totals that follow
 * are part of the behaviour we reproduce.
 */
function rescaledWeights(matches: readonly Variation[]): unknown[] {
  // biome-ignore lint/suspicious/noExplicitAny: JavaScript `+` semantics on file values are the point here
  const total = matches.reduce<any>((sum, v) => sum + (v.weight as any), 0);
  if (!total) return matches.map(() => 100 / matches.length);
  // biome-ignore lint/suspicious/noExplicitAny: as above, `/` coerces like 1.73.0
  return matches.map((v) => ((v.weight as any) / total) * 100);
}
