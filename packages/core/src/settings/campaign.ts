/**
 * One campaign of the model, as both builds' parsers make it (parse.ts, and the browser build's
 * parse.compact.ts, which validates and builds in one walk).
 */
import { MAX_TRAFFIC_VALUE } from '../bucketing/bucket.js';
import { compileSegment, hasSegmentConditions } from '../segments/index.js';
import { isPlainObject } from '../util/types.js';
import type { Campaign, Goal, Variable, Variation, VariationSeeding } from './model.js';

type Json = Record<string, unknown>;
/** A model object while it is being built: `membership` is set after every campaign exists. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a campaign's seeds depend on besides the campaign itself. */
export interface FileFlags {
  readonly isNB: boolean;
  readonly isNBv2: boolean;
  readonly accountId: number | string;
}

/**
 * A campaign of the model from its JSON copy, validated, and its variations (with their ranges):
 * everything a decision reads precomputed; `membership` is set when groups are resolved.
 */
export function buildCampaign(raw: Json, index: number, flags: FileFlags, variations: Variation[]): Mutable<Campaign> {
  const id = raw.id as number | string;
  const percentTraffic = raw.percentTraffic as number;
  const seedPrefix = flags.isNB || flags.isNBv2 || raw.isBucketingSeedEnabled ? `${id}_` : '';
  const variationSeeding = seedVariations(raw, seedPrefix, flags);
  const isForcedVariationEnabled = Boolean(raw.isForcedVariationEnabled);
  const goals = Array.isArray(raw.goals) ? raw.goals.filter(isPlainObject).map(buildGoal) : [];
  const goalsByIdentifier = new Map<string, Goal>();
  for (const goal of goals) {
    if (typeof goal.identifier === 'string' && !goalsByIdentifier.has(goal.identifier)) goalsByIdentifier.set(goal.identifier, goal);
  }
  return {
    index,
    id,
    key: raw.key as string,
    status: raw.status as string,
    type: raw.type as string,
    name: raw.name,
    percentTraffic,
    isRunning: raw.status === 'RUNNING',
    isForcedVariationEnabled,
    isBucketingSeedEnabled: Boolean(raw.isBucketingSeedEnabled),
    isUserListEnabled: Boolean(raw.isUserListEnabled),
    isMAB: raw.isMAB === true,
    variations,
    whitelistable: isForcedVariationEnabled ? variations.filter((v) => v.whitelist !== undefined) : [],
    control: variations.find((v) => v.id === 1),
    goals,
    goalsByIdentifier,
    variables: Array.isArray(raw.variables) ? (raw.variables as Variable[]) : undefined,
    segment: hasSegmentConditions(raw.segments) ? compileSegment(raw.segments) : undefined,
    seedPrefix,
    variationSeeding,
    sharedSeed: variationSeeding.prefix === seedPrefix,
    membership: undefined,
    raw,
  };
}

/** The variation seed and multiplier table of bucketing.md §3, first matching row. */
function seedVariations(raw: Json, seedPrefix: string, { isNB, isNBv2, accountId }: FileFlags): VariationSeeding {
  const percentTraffic = raw.percentTraffic as number;
  if (((!isNB && !isNBv2) || (isNB && raw.isOB)) && percentTraffic) {
    // Two divisions, left to right, as 1.73.0 computes it (30 → 3.333333333333333).
    return { prefix: seedPrefix, multiplier: MAX_TRAFFIC_VALUE / percentTraffic / 100 };
  }
  if ((isNB && !raw.isOB && !isNBv2) || (isNBv2 && raw.isOBv2)) return { prefix: '', multiplier: 1 };
  return { prefix: `${seedPrefix}${accountId}_`, multiplier: 1 };
}

function buildGoal(raw: Json): Goal {
  return { id: raw.id, identifier: raw.identifier, type: raw.type, revenueProp: raw.revenueProp, mca: raw.mca };
}
